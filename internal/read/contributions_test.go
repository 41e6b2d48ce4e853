package read_test

import (
	"fmt"
	"testing"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/read"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
)

func TestContributionsListEveryKindNewestFirstAndPageWithoutGaps(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		r := read.New(w.store)
		// The author writes a sheet and submits it three times (one
		// revision, three submissions); a board member votes on each.
		sh := w.sheetWithReviews(t, "Les contributions", 3)
		if _, err := w.sheets.Comment(w.ctx, w.author, sh.Slug, sheet.CommentInput{Body: "Une remarque sur la fiche."}); err != nil {
			t.Fatal(err)
		}
		hidden, err := w.sheets.Comment(w.ctx, w.author, sh.Slug, sheet.CommentInput{Body: "Un message secret."})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.sheets.HideComment(w.ctx, w.author, hidden.ID, ""); err != nil {
			t.Fatal(err)
		}
		all, err := r.Contributions(w.ctx, w.author.Username, "", 50)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for i, it := range all.Items {
			kinds[it.Kind]++
			if i > 0 && it.At.After(all.Items[i-1].At) {
				t.Errorf("item %d (%s at %v) is newer than the one before", i, it.Kind, it.At)
			}
			if it.Hidden && it.Excerpt != "" {
				t.Errorf("a withdrawn comment shows its text %q", it.Excerpt)
			}
		}
		if kinds["revision"] != 1 || kinds["submission"] != 3 || kinds["comment"] != 2 || kinds["vote"] != 0 || all.Next != "" {
			t.Errorf("author's contributions: %v, next %q", kinds, all.Next)
		}
		if first := all.Items[0]; first.Kind != "comment" || !first.Hidden {
			t.Errorf("newest is %+v, want the withdrawn comment", first)
		}
		voter, err := r.Contributions(w.ctx, w.board[0].Username, "", 50)
		if err != nil {
			t.Fatal(err)
		}
		if len(voter.Items) != 1 || voter.Items[0].Kind != "vote" || voter.Items[0].Choice != "abstain" || voter.Items[0].Sheet != sh.Slug {
			t.Errorf("voter's contributions: %+v", voter.Items)
		}

		// Pages of two walk the same list, whatever ties the clock made.
		var walked []read.Contribution
		cursor := ""
		for range 10 {
			page, err := r.Contributions(w.ctx, w.author.Username, cursor, 2)
			if err != nil {
				t.Fatal(err)
			}
			walked = append(walked, page.Items...)
			if cursor = page.Next; cursor == "" {
				break
			}
		}
		if keys(walked) != keys(all.Items) {
			t.Errorf("paging by two gives\n%v\nwant\n%v", walked, all.Items)
		}
		if _, err := r.Contributions(w.ctx, w.author.Username, "x-1-2", 2); err != read.ErrBadCursor {
			t.Errorf("a bad cursor gives %v", err)
		}
	})
}

func TestContributionsCostTheSameAtAnySize(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		r := read.New(w.store)
		w.sheetWithReviews(t, "Une", 1)
		for i := range 6 {
			w.sheetWithReviews(t, fmt.Sprintf("Plusieurs %d", i), 3)
		}
		var err error
		small := countQueries(t, d, func() { _, err = r.Contributions(w.ctx, w.board[0].Username, "", 1) })
		if err != nil {
			t.Fatal(err)
		}
		var big *read.Contributions
		large := countQueries(t, d, func() { big, err = r.Contributions(w.ctx, w.author.Username, "", 40) })
		if err != nil {
			t.Fatal(err)
		}
		if len(big.Items) != 26 {
			t.Errorf("%d contributions, want 26", len(big.Items))
		}
		if small != large || large > 6 {
			t.Errorf("contributions cost %d queries for one, %d for many; want the same, at most 6", small, large)
		}
	})
}

// keys names each contribution by kind, time and place, for comparing lists.
func keys(list []read.Contribution) string {
	out := ""
	for _, it := range list {
		out += fmt.Sprintf("%s@%d:%s %s|", it.Kind, it.At.UnixNano(), it.URL, it.Excerpt)
	}
	return out
}

// TestContributionsPageThroughTies: contributions made at the same instant,
// of one kind or of several, are each listed once across pages.
func TestContributionsPageThroughTies(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		r := read.New(w.store)
		sh, rev, err := w.sheets.Create(w.ctx, w.author, sheet.CreateInput{Title: "Au même instant", Body: "Texte."})
		if err != nil {
			t.Fatal(err)
		}
		// Four messages written at the very instant of the revision.
		for i := range 4 {
			c := &model.Comment{SheetID: sh.ID, AuthorID: w.author.ID, Body: fmt.Sprintf("message %d", i), CreatedAt: rev.CreatedAt}
			if err := w.store.CreateComment(w.ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		all, err := r.Contributions(w.ctx, w.author.Username, "", 50)
		if err != nil {
			t.Fatal(err)
		}
		if len(all.Items) != 5 || all.Items[0].Kind != "revision" {
			t.Fatalf("%d contributions, first %+v; want 5, the revision first", len(all.Items), all.Items[0])
		}
		for _, size := range []int{1, 2, 3} {
			var walked []read.Contribution
			cursor := ""
			for range 10 {
				page, err := r.Contributions(w.ctx, w.author.Username, cursor, size)
				if err != nil {
					t.Fatal(err)
				}
				walked = append(walked, page.Items...)
				if cursor = page.Next; cursor == "" {
					break
				}
			}
			if keys(walked) != keys(all.Items) {
				t.Errorf("pages of %d give\n%s\nwant\n%s", size, keys(walked), keys(all.Items))
			}
		}
	})
}
