package read_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/notify"
	"atlas/internal/read"
	"atlas/internal/review"
	"atlas/internal/sheet"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

type world struct {
	ctx     context.Context
	store   *store.Store
	sheets  *sheet.Service
	reviews *review.Service
	admin   *model.User
	author  *model.User
	board   []*model.User
}

func newWorld(t *testing.T, d *db.DB) *world {
	st := store.New(d)
	nt := notify.New(st, nil, "http://atlas.test", "fr", slog.New(slog.NewTextHandler(io.Discard, nil)))
	sheets := sheet.NewService(st, nt)
	w := &world{ctx: context.Background(), store: st, sheets: sheets, reviews: review.NewService(st, sheets, nt)}
	w.admin = testutil.User(t, st, "admin", model.RoleAdmin)
	w.author = testutil.User(t, st, "autrice", model.RoleContributor)
	for i := range 3 {
		w.board = append(w.board, testutil.User(t, st, fmt.Sprintf("membre%d", i), model.RoleContributor))
	}
	return w
}

// sheetWithReviews makes a sheet whose board has seen n submissions, each
// with a vote, all withdrawn but the last.
func (w *world) sheetWithReviews(t *testing.T, title string, n int) *model.Sheet {
	t.Helper()
	sh, _, err := w.sheets.Create(w.ctx, w.author, sheet.CreateInput{Title: title, Body: "## La communauté\n\nDes voisins.\n"})
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(w.board))
	for i, u := range w.board {
		names[i] = u.Username
	}
	if _, err := w.reviews.SetBoard(w.ctx, w.admin, sh.Slug, names); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		r, err := w.reviews.Submit(w.ctx, w.author, sh.Slug, 1, fmt.Sprintf("soumission %d", i))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.reviews.Vote(w.ctx, w.board[i%len(w.board)], r.ID, "abstain", 1, "je m'abstiens"); err != nil {
			t.Fatal(err)
		}
		if i < n-1 {
			if _, err := w.reviews.Withdraw(w.ctx, w.author, r.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	sh, err = w.store.SheetBySlug(w.ctx, sh.Slug)
	if err != nil {
		t.Fatal(err)
	}
	return sh
}

// countQueries counts every statement GORM sends while fn runs.
func countQueries(t *testing.T, d *db.DB, fn func()) int64 {
	t.Helper()
	var n atomic.Int64
	count := func(*gorm.DB) { n.Add(1) }
	cb := d.Conn(context.Background()).Callback()
	name := "read_test:count"
	for _, err := range []error{
		cb.Query().After("gorm:query").Register(name, count),
		cb.Row().After("gorm:row").Register(name, count),
		cb.Raw().After("gorm:raw").Register(name, count),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	defer func() {
		_ = cb.Query().Remove(name)
		_ = cb.Row().Remove(name)
		_ = cb.Raw().Remove(name)
	}()
	fn()
	return n.Load()
}

func TestSheetReviewsCostAFixedNumberOfQueries(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		r := read.New(w.store)
		one := w.sheetWithReviews(t, "Une soumission", 1)
		twenty := w.sheetWithReviews(t, "Vingt soumissions", 20)
		cost := func(sh *model.Sheet, want int) int64 {
			return countQueries(t, d, func() {
				list, err := r.SheetReviews(w.ctx, sh)
				if err != nil {
					t.Fatal(err)
				}
				if len(list) != want {
					t.Fatalf("%d reviews, want %d", len(list), want)
				}
				for _, b := range list {
					if len(b.Votes) != 1 || b.Name(b.Votes[0].VoterID) == "" || b.Name(b.Review.SubmittedBy) != "autrice" {
						t.Fatalf("review %d: votes %+v, people %v", b.Review.ID, b.Votes, b.Users)
					}
					if len(b.Board) != 3 || b.Tally.Seats != 3 {
						t.Fatalf("review %d: board %d, tally %+v", b.Review.ID, len(b.Board), b.Tally)
					}
				}
			})
		}
		costOne, costTwenty := cost(one, 1), cost(twenty, 20)
		t.Logf("review list: %d queries for 1 review, %d for 20", costOne, costTwenty)
		if costOne != costTwenty || costTwenty > 5 {
			t.Errorf("review list costs %d queries for 1 review and %d for 20; want the same, at most 5", costOne, costTwenty)
		}
	})
}

func TestReviewReadsItsOwnVotesOnly(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		sh := w.sheetWithReviews(t, "Trois soumissions", 3)
		list, err := read.New(w.store).SheetReviews(w.ctx, sh)
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range list {
			got, err := read.New(w.store).Review(w.ctx, b.Review.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Sheet.ID != sh.ID || len(got.Votes) != 1 || got.Votes[0].ID != b.Votes[0].ID {
				t.Errorf("review %d alone: %+v; in the list: %+v", i, got.Votes, b.Votes)
			}
			if i > 0 && b.Review.ID > list[i-1].Review.ID {
				t.Errorf("list not newest first: %d after %d", b.Review.ID, list[i-1].Review.ID)
			}
		}
	})
}

// revisionsOf loads the first and head revisions the long way, to compare.
func revisionsOf(w *world, sheetID int64) (first, head *model.Revision, err error) {
	sh, err := w.store.SheetByID(w.ctx, sheetID)
	if err != nil {
		return nil, nil, err
	}
	if first, err = w.store.Revision(w.ctx, sheetID, 1); err != nil {
		return nil, nil, err
	}
	head, err = w.store.Revision(w.ctx, sheetID, sh.HeadNumber)
	return first, head, err
}
