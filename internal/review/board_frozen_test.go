package review_test

import (
	"context"
	"io/fs"
	"slices"
	"testing"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/review"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
	"atlas/migrations"
)

// decide submits the sheet's first revision and has the first two board
// members approve it.
func (e *env) decide(t *testing.T) *model.Review {
	t.Helper()
	r, err := e.reviews.Submit(e.ctx, e.author, e.slug, 1, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range e.board[:2] {
		if r, err = e.reviews.Vote(e.ctx, u, r.ID, review.ChoiceApprove, 1, ""); err != nil {
			t.Fatal(err)
		}
	}
	if r.State != review.StateValidated {
		t.Fatalf("review %d is %s", r.ID, r.State)
	}
	return r
}

// refill forgets the closed reviews' boards, as a database migrated from
// before 0014 lacks them, and rebuilds them as the migration does.
func (e *env) refill(t *testing.T, reviewID int64) *model.BoardSnapshot {
	t.Helper()
	if err := e.d.Conn(e.ctx).Exec("UPDATE reviews SET board_at_close = NULL").Error; err != nil {
		t.Fatal(err)
	}
	if err := e.store.FillReviewBoards(e.ctx); err != nil {
		t.Fatal(err)
	}
	r, err := e.store.ReviewByID(e.ctx, reviewID)
	if err != nil {
		t.Fatal(err)
	}
	return r.BoardAtClose
}

func ids(users ...*model.User) []int64 {
	out := make([]int64, len(users))
	for i, u := range users {
		out[i] = u.ID
	}
	slices.Sort(out)
	return out
}

func TestClosingFreezesTheBoard(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 3, nil)
		decided := e.decide(t)
		if got := decided.BoardAtClose; got == nil || !slices.Equal(got.Members, ids(e.board...)) || got.Seats != 3 || got.Needed != 2 || got.Partial {
			t.Errorf("board at decision: %+v, want the three members", got)
		}
		r, err := e.reviews.Submit(e.ctx, e.author, e.slug, 1, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.reviews.SetBoard(e.ctx, e.admin, e.slug, []string{"membre0"}); err != nil {
			t.Fatal(err)
		}
		if _, err = e.reviews.Withdraw(e.ctx, e.author, r.ID); err != nil {
			t.Fatal(err)
		}
		stored, err := e.store.ReviewByID(e.ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := stored.BoardAtClose; got == nil || !slices.Equal(got.Members, ids(e.board[0])) || got.Seats != 1 || got.Needed != 1 {
			t.Errorf("board at withdrawal: %+v, want membre0 alone", got)
		}
		if got := stored.BoardAtOpen; got == nil || got.Seats != 3 || len(got.Members) != 3 {
			t.Errorf("board at opening: %+v, want the three members", got)
		}
	})
}

// Reviews closed before 0014 get the board the audit log says they closed
// with; failing that, the board now if it never changed since; failing
// that, the voters, marked partial (seats stay those recorded).
func TestFillReviewBoardsFromTheAuditLog(t *testing.T) {
	t.Run("logged", func(t *testing.T) {
		testutil.Dialects(t, func(t *testing.T, d *db.DB) {
			e := setup(t, d, 3, nil)
			r := e.decide(t)
			if _, err := e.reviews.SetBoard(e.ctx, e.admin, e.slug, []string{"membre2", "dehors"}); err != nil {
				t.Fatal(err)
			}
			got := e.refill(t, r.ID)
			if got == nil || !slices.Equal(got.Members, ids(e.board...)) || got.Seats != 3 || got.Needed != 2 || got.Partial {
				t.Errorf("logged board change before the decision: rebuilt %+v, want the three members who sat", got)
			}
		})
	})
	// A board seated without an audit entry (as by an import of an old
	// atlas), which stays or changes after the decision.
	unlogged := func(t *testing.T, d *db.DB) (*env, *model.Review) {
		e := setup(t, d, 3, nil)
		// The setup's board change is logged: seat the same board on
		// another sheet, straight in the store, which logs nothing.
		other, _, err := e.sheets.Create(e.ctx, e.author, sheet.CreateInput{Title: "Sans journal", Body: body})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.store.ReplaceBoard(e.ctx, other.ID, ids(e.board...), e.admin.ID, other.CreatedAt); err != nil {
			t.Fatal(err)
		}
		e.slug = other.Slug
		return e, e.decide(t)
	}
	t.Run("unchanged", func(t *testing.T) {
		testutil.Dialects(t, func(t *testing.T, d *db.DB) {
			e, r := unlogged(t, d)
			got := e.refill(t, r.ID)
			if got == nil || !slices.Equal(got.Members, ids(e.board...)) || got.Seats != 3 || got.Partial {
				t.Errorf("board never changed since: rebuilt %+v, want the board now", got)
			}
		})
	})
	t.Run("unknown", func(t *testing.T) {
		testutil.Dialects(t, func(t *testing.T, d *db.DB) {
			e, r := unlogged(t, d)
			if _, err := e.reviews.SetBoard(e.ctx, e.admin, e.slug, []string{"dehors"}); err != nil {
				t.Fatal(err)
			}
			got := e.refill(t, r.ID)
			if got == nil || !slices.Equal(got.Members, ids(e.board[:2]...)) || got.Seats != 3 || got.Needed != 2 || !got.Partial {
				t.Errorf("board changed since, unknown before: rebuilt %+v, want the two voters, 3 seats, partial", got)
			}
		})
	})
}

// The migration itself, run as the runner does (one transaction) on a
// database holding reviews closed before it: they get their board.
func TestMigrationFreezesBoardsOfClosedReviews(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 3, nil)
		r := e.decide(t)
		if _, err := e.reviews.SetBoard(e.ctx, e.admin, e.slug, []string{"dehors"}); err != nil {
			t.Fatal(err)
		}
		names, err := fs.Glob(migrations.FS, string(d.Dialect)+"/*_review_board_frozen.sql")
		if err != nil || len(names) != 1 {
			t.Fatalf("migration: %v %v", names, err)
		}
		sql, err := fs.ReadFile(migrations.FS, names[0])
		if err != nil {
			t.Fatal(err)
		}
		// Back to the schema before the migration, the data kept.
		err = d.WithTx(e.ctx, func(ctx context.Context) error {
			for _, q := range []string{"ALTER TABLE reviews DROP COLUMN board_at_open", "ALTER TABLE reviews DROP COLUMN board_at_close", string(sql)} {
				if err := d.Conn(ctx).Exec(q).Error; err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.store.ReviewByID(e.ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if b := got.BoardAtClose; b == nil || !slices.Equal(b.Members, ids(e.board...)) || b.Seats != 3 || b.Needed != 2 || b.Partial || got.BoardAtOpen != nil {
			t.Errorf("after the migration: closed with %+v, opened with %+v; want the three members, nothing at opening", b, got.BoardAtOpen)
		}
	})
}
