package sheet_test

import (
	"errors"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
)

// TestImportHistoryKeepsAuthorsAndDates: a history from elsewhere is stored
// as written (authors, dates, origin import), the sheet dated by it, its
// card on the last revision; a refused revision stores nothing.
func TestImportHistoryKeepsAuthorsAndDates(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		at := time.Date(2024, 6, 14, 9, 0, 0, 123e6, time.UTC)
		revs := []sheet.HistoryRevision{
			{Author: e.marie, Title: "Kerinou", Body: "Un jardin.", Summary: "un", At: at},
			{Author: e.yann, Title: "Kerinou", Body: "Un jardin partagé.", Summary: "deux", At: at.Add(time.Hour)},
		}
		sh, out, err := e.svc.ImportHistory(e.ctx, sheet.HistoryInput{Revisions: revs})
		if err != nil {
			t.Fatal(err)
		}
		if sh.Slug != "kerinou" || sh.HeadNumber != 2 || len(out) != 2 {
			t.Fatalf("sheet %+v, %d revisions", sh, len(out))
		}
		stored, err := e.store.SheetBySlug(e.ctx, "kerinou")
		if err != nil {
			t.Fatal(err)
		}
		if !stored.CreatedAt.Equal(at) || !stored.UpdatedAt.Equal(at.Add(time.Hour)) || stored.CreatedBy != e.marie.ID || stored.HeadNumber != 2 {
			t.Errorf("sheet row %+v", stored)
		}
		for i, want := range revs {
			r, err := e.store.Revision(e.ctx, sh.ID, i+1)
			if err != nil {
				t.Fatal(err)
			}
			if r.AuthorID != want.Author.ID || !r.CreatedAt.Equal(want.At) || r.Body != want.Body || r.Origin != model.OriginImport || r.Summary != want.Summary {
				t.Errorf("revision %d: %+v", i+1, r)
			}
		}
		cards, err := e.store.CardsByIDs(e.ctx, []int64{sh.ID})
		if err != nil || cards[sh.ID].RevisionNumber != 2 {
			t.Errorf("card %+v %v", cards, err)
		}

		// Refused, nothing stored: a taken address, dates going back, a
		// history older than the sheet it would continue, a bad body.
		_, _, err = e.svc.ImportHistory(e.ctx, sheet.HistoryInput{Slug: "kerinou", Revisions: revs})
		var invalid *sheet.InvalidError
		if !errors.As(err, &invalid) || invalid.Code != "slug_taken" {
			t.Errorf("taken slug: %v", err)
		}
		back := []sheet.HistoryRevision{revs[1], revs[0]}
		if _, _, err := e.svc.ImportHistory(e.ctx, sheet.HistoryInput{Revisions: back}); err == nil {
			t.Error("dates going back were stored")
		}
		if _, _, err := e.svc.ImportHistory(e.ctx, sheet.HistoryInput{Into: "kerinou", Revisions: revs[:1]}); !errors.Is(err, sheet.ErrHistoryBackwards) {
			t.Errorf("older history: %v", err)
		}
		later := []sheet.HistoryRevision{
			{Author: e.yann, Title: "Kerinou", Body: "Encore.", Summary: "trois", At: at.Add(2 * time.Hour)},
			{Author: e.yann, Title: "Kerinou", Body: "Mauvais \x00 texte", Summary: "quatre", At: at.Add(3 * time.Hour)},
		}
		if _, _, err := e.svc.ImportHistory(e.ctx, sheet.HistoryInput{Into: "kerinou", Revisions: later}); !errors.As(err, &invalid) {
			t.Errorf("bad body: %v", err)
		}
		if again, _ := e.store.SheetBySlug(e.ctx, "kerinou"); again.HeadNumber != 2 {
			t.Errorf("refused imports moved the head to %d", again.HeadNumber)
		}
		sh, out, err = e.svc.ImportHistory(e.ctx, sheet.HistoryInput{Into: "kerinou", Revisions: later[:1]})
		if err != nil || sh.HeadNumber != 3 || *out[0].Parent != 2 {
			t.Errorf("continued: %+v %v", sh, err)
		}
	})
}
