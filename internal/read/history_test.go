package read_test

import (
	"fmt"
	"testing"

	"atlas/internal/db"
	"atlas/internal/read"
	"atlas/internal/review"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
)

func TestHistoryCostsTheSameAtAnyDepth(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		r := read.New(w.store)
		sh := w.sheetWithReviews(t, "Profonde", 1)
		for n := 1; n < 30; n++ {
			if _, err := w.sheets.Save(w.ctx, w.author, sh.Slug, sheet.SaveInput{Base: n, Title: "Profonde", Body: fmt.Sprintf("## La communauté\n\nVersion %d.\n", n+1), Summary: fmt.Sprintf("version %d", n+1)}); err != nil {
				t.Fatal(err)
			}
		}
		sh, err := w.store.SheetBySlug(w.ctx, sh.Slug)
		if err != nil {
			t.Fatal(err)
		}
		var top, deep *read.History
		costTop := countQueries(t, d, func() { top, err = r.History(w.ctx, sh, 0, 10) })
		if err != nil {
			t.Fatal(err)
		}
		costDeep := countQueries(t, d, func() { deep, err = r.History(w.ctx, sh, 8, 10) })
		if err != nil {
			t.Fatal(err)
		}
		if len(top.Revisions) != 10 || top.Revisions[0].Number != 30 || top.Next != 21 {
			t.Errorf("first page: %d revisions from %d, next %d", len(top.Revisions), top.Revisions[0].Number, top.Next)
		}
		if len(deep.Revisions) != 7 || deep.Next != 0 || deep.Authors[w.author.ID] == nil {
			t.Errorf("last page: %d revisions, next %d, authors %v", len(deep.Revisions), deep.Next, deep.Authors)
		}
		if got := deep.States.Of(1); got != review.StateSubmitted {
			t.Errorf("revision 1 is %q, want submitted", got)
		}
		if costTop != costDeep || costDeep > 4 {
			t.Errorf("history costs %d queries on top, %d deep; want the same, at most 4", costTop, costDeep)
		}
	})
}
