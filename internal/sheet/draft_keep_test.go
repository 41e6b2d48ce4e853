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

// A compare-and-set write replaces only the draft it names, and creates
// one only where the account holds none.
func TestDraftIfSavedAt(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		sh, _, err := e.svc.Create(e.ctx, e.yann, sheet.CreateInput{Title: "Jardin", Body: "texte"})
		if err != nil {
			t.Fatal(err)
		}
		mine, err := e.svc.PutDraft(e.ctx, e.marie, sh.Slug, sheet.DraftInput{Base: 1, Body: "le mien"}, sheet.DraftOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, seen := range []time.Time{{}, mine.SavedAt.Add(-time.Second)} {
			_, err = e.svc.PutDraft(e.ctx, e.marie, sh.Slug, sheet.DraftInput{Base: 1, Body: "un autre"}, sheet.DraftOptions{IfSavedAt: &seen})
			if !errors.Is(err, sheet.ErrDraftChanged) {
				t.Fatalf("over a draft not seen (%v): %v, want ErrDraftChanged", seen, err)
			}
		}
		if got, err := e.svc.Draft(e.ctx, e.marie, sh.Slug); err != nil || got.Body != "le mien" {
			t.Errorf("the existing draft: %v %+v", err, got)
		}
		// The draft seen is replaced.
		if _, err := e.svc.PutDraft(e.ctx, e.marie, sh.Slug, sheet.DraftInput{Base: 1, Body: "la suite"}, sheet.DraftOptions{IfSavedAt: &mine.SavedAt}); err != nil {
			t.Errorf("over the draft seen: %v", err)
		}
		// Where there is none, the zero time creates it; another refuses.
		late := mine.SavedAt
		if _, err := e.svc.PutDraft(e.ctx, e.yann, sh.Slug, sheet.DraftInput{Base: 1, Body: "x"}, sheet.DraftOptions{IfSavedAt: &late}); !errors.Is(err, sheet.ErrDraftChanged) {
			t.Errorf("naming a draft that is gone: %v", err)
		}
		if _, err := e.svc.PutDraft(e.ctx, e.yann, sh.Slug, sheet.DraftInput{Base: 1, Body: "x"}, sheet.DraftOptions{IfSavedAt: &time.Time{}}); err != nil {
			t.Errorf("first draft: %v", err)
		}
	})
}

// "Another licence" not named yet is half typed: a draft keeps it.
func TestDraftKeepsAnUnnamedOtherLicence(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		got, err := e.svc.PutDraft(e.ctx, e.marie, "", sheet.DraftInput{Body: "x", Meta: model.Meta{Licence: " " + sheet.LicenceOther}}, sheet.DraftOptions{})
		if err != nil {
			t.Fatalf("draft with an unnamed other licence: %v", err)
		}
		if got.Meta.Licence != sheet.LicenceOther {
			t.Errorf("licence %q, want %q", got.Meta.Licence, sheet.LicenceOther)
		}
		// A revision still needs the name.
		if _, _, err := e.svc.Create(e.ctx, e.marie, sheet.CreateInput{Title: "T", Body: "x", Meta: &model.Meta{Licence: sheet.LicenceOther}}); err == nil {
			t.Error("a revision with an unnamed licence was saved")
		}
	})
}
