package read_test

import (
	"slices"
	"testing"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/read"
	"atlas/internal/review"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
)

// names lists the usernames of a board.
func names(users []model.User) []string {
	out := make([]string, len(users))
	for i, u := range users {
		out[i] = u.Username
	}
	return out
}

// A decided review keeps the board that decided it: after the board is
// replaced, its tally, seats and members read as they did (before boards
// were frozen it read "0 for" with the new members' names).
func TestDecidedReviewKeepsItsBoard(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		sh, _, err := w.sheets.Create(w.ctx, w.author, sheet.CreateInput{Title: "Conseil gelé", Body: "## La communauté\n\nDes voisins.\n"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.reviews.SetBoard(w.ctx, w.admin, sh.Slug, []string{"membre0", "membre1", "membre2"}); err != nil {
			t.Fatal(err)
		}
		decided, err := w.reviews.Submit(w.ctx, w.author, sh.Slug, 1, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range w.board[:2] {
			if _, err := w.reviews.Vote(w.ctx, u, decided.ID, review.ChoiceApprove, 1, ""); err != nil {
				t.Fatal(err)
			}
		}
		open, err := w.reviews.Submit(w.ctx, w.author, sh.Slug, 1, "encore")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.reviews.Vote(w.ctx, w.board[0], open.ID, review.ChoiceReject, 1, ""); err != nil {
			t.Fatal(err)
		}
		// A new board: two newcomers, one member kept, one seat more.
		for _, n := range []string{"nouvelle", "nouveau"} {
			testutil.User(t, w.store, n, model.RoleContributor)
		}
		if _, err := w.reviews.SetBoard(w.ctx, w.admin, sh.Slug, []string{"membre0", "nouvelle", "nouveau", "autrice"}); err != nil {
			t.Fatal(err)
		}

		r := read.New(w.store)
		got, err := r.Review(w.ctx, decided.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := review.Tally{Approve: 2, Seats: 3, Needed: 2, Voters: 2}
		if got.Tally != want || !slices.Equal(names(got.Board), []string{"membre0", "membre1", "membre2"}) || !got.Frozen || got.Partial {
			t.Errorf("decided review after a board change: tally %+v, board %v, frozen %v; want %+v, the board that decided", got.Tally, names(got.Board), got.Frozen, want)
		}
		if got.IsMember(w.board[1]) {
			t.Errorf("membre1 left the board but still counts as a member now")
		}
		if snap := got.Review.BoardAtOpen; snap == nil || snap.Seats != 3 || len(snap.Members) != 3 {
			t.Errorf("board at open: %+v", snap)
		}

		// The open review is counted with the board now: membre0's reject
		// still counts, four seats.
		now, err := r.Review(w.ctx, open.ID)
		if err != nil {
			t.Fatal(err)
		}
		if now.Frozen || now.Tally != (review.Tally{Reject: 1, Seats: 4, Needed: 3, Voters: 1}) || len(now.Board) != 4 {
			t.Errorf("open review: tally %+v, board %v, frozen %v", now.Tally, names(now.Board), now.Frozen)
		}

		// The sheet's list reads the same, in the same fixed queries.
		list, err := r.SheetReviews(w.ctx, sh)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[1].Tally != want || list[0].Tally.Seats != 4 {
			t.Errorf("review list: %+v / %+v", list[1].Tally, list[0].Tally)
		}
	})
}
