package read_test

import (
	"testing"

	"atlas/internal/db"
	"atlas/internal/read"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
)

func TestProvenanceReadsDatesAndTheDecisionFromTables(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		r := read.New(w.store)
		sh := w.sheetWithReviews(t, "Provenance", 1)
		p, err := r.Provenance(w.ctx, sh)
		if err != nil {
			t.Fatal(err)
		}
		if p.Decision != nil || p.First.AuthorID != w.author.ID || p.Head.Number != 1 {
			t.Fatalf("before any decision: %+v", p)
		}
		open, err := w.store.OpenReviewOf(w.ctx, sh.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Two approvals of three seats validate revision 1.
		for _, m := range w.board[1:] {
			if _, err := w.reviews.Vote(w.ctx, m, open.ID, "approve", 1, ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.sheets.Save(w.ctx, w.board[0], sh.Slug, sheet.SaveInput{Base: 1, Title: "Provenance", Body: "## La communauté\n\nDes voisins, et d'autres.\n"}); err != nil {
			t.Fatal(err)
		}
		if sh, err = w.store.SheetBySlug(w.ctx, sh.Slug); err != nil {
			t.Fatal(err)
		}
		queries := countQueries(t, d, func() { p, err = r.Provenance(w.ctx, sh) })
		if err != nil {
			t.Fatal(err)
		}
		dec := p.Decision
		if dec == nil || dec.ID != open.ID || dec.DecidedAt == nil || *dec.DecidedApprovals != 2 || *dec.DecidedSeats != 3 {
			t.Fatalf("decision = %+v", dec)
		}
		first, head, err := revisionsOf(w, sh.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !p.First.CreatedAt.Equal(first.CreatedAt) || !p.Head.CreatedAt.Equal(head.CreatedAt) || p.Head.AuthorID != w.board[0].ID {
			t.Errorf("stamps %+v %+v; revisions made %v by %d and %v by %d", p.First, p.Head, first.CreatedAt, first.AuthorID, head.CreatedAt, head.AuthorID)
		}
		if p.Users[w.board[0].ID] == nil || p.Users[w.author.ID] == nil || len(p.Contributors) != 2 {
			t.Errorf("people %v, contributors %+v", p.Users, p.Contributors)
		}
		if queries > 4 {
			t.Errorf("provenance cost %d queries, want at most 4", queries)
		}
	})
}

func TestDecisionTalliesAreFilledFromTheAuditLog(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		sh := w.sheetWithReviews(t, "Ancienne décision", 1)
		open, err := w.store.OpenReviewOf(w.ctx, sh.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range w.board[1:] {
			if _, err := w.reviews.Vote(w.ctx, m, open.ID, "approve", 1, ""); err != nil {
				t.Fatal(err)
			}
		}
		// As an archive of an older atlas restores it: no tally kept.
		if err := d.Conn(w.ctx).Exec("UPDATE reviews SET decided_approvals = NULL, decided_seats = NULL").Error; err != nil {
			t.Fatal(err)
		}
		if err := w.store.FillDecisionTallies(w.ctx); err != nil {
			t.Fatal(err)
		}
		got, err := w.store.ReviewByID(w.ctx, open.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.DecidedApprovals == nil || *got.DecidedApprovals != 2 || got.DecidedSeats == nil || *got.DecidedSeats != 3 {
			t.Errorf("tally = %v of %v", got.DecidedApprovals, got.DecidedSeats)
		}
	})
}
