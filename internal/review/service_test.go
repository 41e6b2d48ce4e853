package review_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"atlas/internal/app/apptest"
	"atlas/internal/auth"
	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/notify"
	"atlas/internal/review"
	"atlas/internal/sheet"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

type env struct {
	ctx     context.Context
	d       *db.DB
	store   *store.Store
	sheets  *sheet.Service
	reviews *review.Service
	admin   *model.User
	author  *model.User
	board   []*model.User
	outside *model.User
	slug    string
}

const body = "## La communauté\n\nDes voisins.\n\n## Les ressources\n\nUn composteur.\n"

// setup makes a sheet with a board of n members.
func setup(t *testing.T, d *db.DB, n int, mailer notify.Mailer) *env {
	atlas := apptest.New(t, d, apptest.WithMailer(mailer))
	st := atlas.Store
	e := &env{ctx: context.Background(), d: d, store: st, sheets: atlas.Sheets, reviews: atlas.Reviews}
	e.admin = testutil.User(t, st, "admin", model.RoleAdmin)
	e.author = testutil.User(t, st, "autrice", model.RoleContributor)
	e.outside = testutil.User(t, st, "dehors", model.RoleContributor)
	var names []string
	for i := 0; i < n; i++ {
		u := testutil.User(t, st, fmt.Sprintf("membre%d", i), model.RoleContributor)
		e.board = append(e.board, u)
		names = append(names, u.Username)
	}
	sh, _, err := e.sheets.Create(e.ctx, e.author, sheet.CreateInput{Title: "Grainothèque", Body: body})
	if err != nil {
		t.Fatal(err)
	}
	e.slug = sh.Slug
	if n > 0 {
		if _, err := e.reviews.SetBoard(e.ctx, e.admin, e.slug, names); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func (e *env) sheet(t *testing.T) *model.Sheet {
	sh, err := e.store.SheetBySlug(e.ctx, e.slug)
	if err != nil {
		t.Fatal(err)
	}
	return sh
}

// mustVote casts a vote the test needs as a step, not as what it checks.
func (e *env) mustVote(t *testing.T, voter *model.User, reviewID int64, choice string, number int, comment string) {
	t.Helper()
	if _, err := e.reviews.Vote(e.ctx, voter, reviewID, choice, number, comment); err != nil {
		t.Fatalf("vote %s by %s: %v", choice, voter.Username, err)
	}
}

// mustSetBoard names a sheet's board as the admin, as a step of the test.
func (e *env) mustSetBoard(t *testing.T, slug string, usernames []string) {
	t.Helper()
	if _, err := e.reviews.SetBoard(e.ctx, e.admin, slug, usernames); err != nil {
		t.Fatalf("board of %s: %v", slug, err)
	}
}

func TestBoardIsSetByAdminsOnly(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 0, nil)
		if _, err := e.reviews.SetBoard(e.ctx, e.author, e.slug, []string{"autrice"}); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("contributor set the board: %v", err)
		}
		if _, err := e.reviews.SetBoard(e.ctx, e.admin, e.slug, []string{"autrice", "fantome"}); !errors.Is(err, review.ErrUnknownMembers) {
			t.Errorf("unknown member: %v", err)
		}
		members, err := e.reviews.SetBoard(e.ctx, e.admin, e.slug, []string{" autrice ", "dehors", "autrice"})
		if err != nil || len(members) != 2 {
			t.Fatalf("set board: %v %v", members, err)
		}
		if _, err := e.reviews.Submit(e.ctx, e.author, "absente", 1, ""); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("submit of a missing sheet: %v", err)
		}
	})
}

func TestSubmitNeedsABoardAndOneOpenReview(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 0, nil)
		if _, err := e.reviews.Submit(e.ctx, e.author, e.slug, 1, ""); !errors.Is(err, review.ErrNoBoard) {
			t.Fatalf("submit without board: %v", err)
		}
		e.mustSetBoard(t, e.slug, []string{"dehors"})
		if _, err := e.reviews.Submit(e.ctx, e.author, e.slug, 9, ""); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("submit of a missing revision: %v", err)
		}
		r, err := e.reviews.Submit(e.ctx, e.author, e.slug, 1, "pour amendement et validation")
		if err != nil || r.State != review.StateSubmitted {
			t.Fatalf("submit: %v %v", r, err)
		}
		if _, err := e.reviews.Submit(e.ctx, e.author, e.slug, 1, ""); !errors.Is(err, review.ErrAlreadyOpen) {
			t.Errorf("second open review: %v", err)
		}
		// The board member was told.
		inbox, _ := e.store.NotificationsOf(e.ctx, e.outside.ID, 10)
		if len(inbox) != 1 || inbox[0].Kind != model.NotifyReviewRequested {
			t.Errorf("board inbox = %+v", inbox)
		}
	})
}

func TestMajorityValidatesAndPublishes(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 7, nil)
		r, err := e.reviews.Submit(e.ctx, e.author, e.slug, 1, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.reviews.Vote(e.ctx, e.outside, r.ID, review.ChoiceApprove, 1, ""); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("outsider vote: %v", err)
		}
		if _, err := e.reviews.Vote(e.ctx, e.board[0], r.ID, "pour", 1, ""); !errors.Is(err, review.ErrInvalidChoice) {
			t.Errorf("unknown choice: %v", err)
		}
		if _, err := e.reviews.Vote(e.ctx, e.board[0], r.ID, review.ChoiceApprove, 2, ""); !errors.Is(err, review.ErrStaleRevision) && !errors.Is(err, store.ErrNotFound) {
			t.Errorf("vote on another revision: %v", err)
		}
		// A second vote on the same revision replaces the first.
		e.mustVote(t, e.board[0], r.ID, review.ChoiceReject, 1, "d'abord contre")
		e.mustVote(t, e.board[0], r.ID, review.ChoiceApprove, 1, "finalement pour")
		votes, _ := e.store.VotesOf(e.ctx, r.ID)
		if len(votes) != 1 || votes[0].Choice != review.ChoiceApprove || votes[0].Comment != "finalement pour" {
			t.Errorf("votes = %+v", votes)
		}
		e.mustVote(t, e.board[1], r.ID, review.ChoiceApprove, 1, "")
		e.mustVote(t, e.board[2], r.ID, review.ChoiceAbstain, 1, "")
		got, err := e.reviews.Vote(e.ctx, e.board[3], r.ID, review.ChoiceApprove, 1, "")
		if err != nil || got.State != review.StateSubmitted {
			t.Fatalf("3 approvals of 7 decided: %v %v", got, err)
		}
		got, err = e.reviews.Vote(e.ctx, e.board[4], r.ID, review.ChoiceApprove, 1, "")
		if err != nil || got.State != review.StateValidated || got.DecidedAt == nil {
			t.Fatalf("4 approvals of 7: %+v %v", got, err)
		}
		if sh := e.sheet(t); sh.PublishedNumber == nil || *sh.PublishedNumber != 1 {
			t.Errorf("published = %v", sh.PublishedNumber)
		}
		// A decided review is immutable.
		if _, err := e.reviews.Vote(e.ctx, e.board[5], r.ID, review.ChoiceReject, 1, ""); !errors.Is(err, review.ErrClosed) {
			t.Errorf("vote on a closed review: %v", err)
		}
		if _, _, err := e.reviews.Amend(e.ctx, e.board[5], r.ID, review.AmendInput{Base: 1, Title: "x", Body: "y"}); !errors.Is(err, review.ErrClosed) {
			t.Errorf("amend a closed review: %v", err)
		}
		if _, err := e.reviews.Withdraw(e.ctx, e.author, r.ID); !errors.Is(err, review.ErrClosed) {
			t.Errorf("withdraw a closed review: %v", err)
		}
		record, _ := e.store.AuditOfReview(e.ctx, r.ID)
		actions := []string{}
		for _, a := range record {
			actions = append(actions, a.Action)
		}
		if strings.Join(actions, ",") != "submit,vote,vote,vote,vote,vote,vote,validate" {
			t.Errorf("audit = %v", actions)
		}
		if record[len(record)-1].RevisionSHA256 == "" {
			t.Error("the decision does not record the revision's hash")
		}
		// The audit log cannot be rewritten.
		if err := d.Conn(e.ctx).Exec("UPDATE audit_log SET action = 'x'").Error; err == nil {
			t.Error("audit log updated")
		}
		if err := d.Conn(e.ctx).Exec("DELETE FROM audit_log").Error; err == nil {
			t.Error("audit log deleted")
		}
	})
}

func TestMajorityRejects(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 3, nil)
		r, _ := e.reviews.Submit(e.ctx, e.author, e.slug, 1, "")
		e.mustVote(t, e.board[0], r.ID, review.ChoiceReject, 1, "")
		got, err := e.reviews.Vote(e.ctx, e.board[1], r.ID, review.ChoiceReject, 1, "")
		if err != nil || got.State != review.StateRejected {
			t.Fatalf("2 rejections of 3: %+v %v", got, err)
		}
		if sh := e.sheet(t); sh.PublishedNumber != nil {
			t.Error("a rejected revision was published")
		}
		// A new submission is possible after a decision.
		if _, err := e.reviews.Submit(e.ctx, e.author, e.slug, 1, ""); err != nil {
			t.Errorf("resubmit: %v", err)
		}
	})
}

func TestAmendmentMovesTheReviewAndStalesVotes(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 3, nil)
		r, _ := e.reviews.Submit(e.ctx, e.author, e.slug, 1, "")
		e.mustVote(t, e.board[0], r.ID, review.ChoiceApprove, 1, "")
		if _, _, err := e.reviews.Amend(e.ctx, e.outside, r.ID, review.AmendInput{Base: 1, Title: "Grainothèque", Body: body + "x"}); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("outsider amended: %v", err)
		}
		got, rev, err := e.reviews.Amend(e.ctx, e.board[1], r.ID, review.AmendInput{Base: 1, Title: "Grainothèque", Body: strings.Replace(body, "Des voisins.", "Des voisines et des voisins.", 1), Summary: "écriture inclusive"})
		if err != nil {
			t.Fatal(err)
		}
		if rev.Origin != model.OriginAmendment || rev.Number != 2 || got.RevisionNumber != 2 {
			t.Errorf("amendment %+v, review %+v", rev, got)
		}
		// The approval on revision 1 is stale: one more approval is not a majority.
		if _, err := e.reviews.Vote(e.ctx, e.board[0], r.ID, review.ChoiceApprove, 1, ""); !errors.Is(err, review.ErrStaleRevision) {
			t.Errorf("vote on the old revision: %v", err)
		}
		got, _ = e.reviews.Vote(e.ctx, e.board[2], r.ID, review.ChoiceApprove, 2, "")
		if got.State != review.StateSubmitted {
			t.Errorf("a stale vote counted: %+v", got)
		}
		// The submitter amends from a stale base: merged like an edit.
		_, rev, err = e.reviews.Amend(e.ctx, e.author, r.ID, review.AmendInput{Base: 1, Title: "Grainothèque", Body: strings.Replace(body, "Un composteur.", "Deux composteurs.", 1)})
		if err != nil || !strings.Contains(rev.Body, "voisines") || !strings.Contains(rev.Body, "Deux composteurs") {
			t.Fatalf("stale amendment: %v %+v", err, rev)
		}
		// An overlapping amendment conflicts and changes nothing.
		_, _, err = e.reviews.Amend(e.ctx, e.author, r.ID, review.AmendInput{Base: 1, Title: "Grainothèque", Body: strings.Replace(body, "Des voisins.", "Des habitants.", 1)})
		var conflict *sheet.ConflictError
		if !errors.As(err, &conflict) {
			t.Errorf("overlapping amendment: %v", err)
		}
		now, _ := e.store.ReviewByID(e.ctx, r.ID)
		if now.RevisionNumber != 3 {
			t.Errorf("review pins %d after a refused amendment", now.RevisionNumber)
		}
		amendments, _ := e.store.AmendmentsOf(e.ctx, r.ID)
		if len(amendments) != 2 || amendments[1].FromNumber != 2 || amendments[1].ToNumber != 3 {
			t.Errorf("amendments = %+v", amendments)
		}
	})
}

func TestWithdraw(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 3, nil)
		r, _ := e.reviews.Submit(e.ctx, e.author, e.slug, 1, "")
		if _, err := e.reviews.Withdraw(e.ctx, e.board[0], r.ID); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("board member withdrew: %v", err)
		}
		got, err := e.reviews.Withdraw(e.ctx, e.admin, r.ID)
		if err != nil || got.State != review.StateWithdrawn {
			t.Errorf("admin withdraw: %+v %v", got, err)
		}
	})
}

func TestRemovedMemberCannotVote(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 3, nil)
		r, _ := e.reviews.Submit(e.ctx, e.author, e.slug, 1, "")
		e.mustSetBoard(t, e.slug, []string{"membre1", "membre2"})
		if _, err := e.reviews.Vote(e.ctx, e.board[0], r.ID, review.ChoiceApprove, 1, ""); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("removed member voted: %v", err)
		}
		// Boards are per sheet: a member of this board has no power elsewhere.
		other, _, _ := e.sheets.Create(e.ctx, e.author, sheet.CreateInput{Title: "Autre", Body: "x"})
		e.mustSetBoard(t, other.Slug, []string{"dehors"})
		r2, _ := e.reviews.Submit(e.ctx, e.author, other.Slug, 1, "")
		if _, err := e.reviews.Vote(e.ctx, e.board[1], r2.ID, review.ChoiceApprove, 1, ""); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("member of another board voted: %v", err)
		}
	})
}

// TestConcurrentApprovalsDecideOnce: nine members approve at the same
// moment; exactly one validation happens, audited once.
func TestConcurrentApprovalsDecideOnce(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 9, nil)
		r, _ := e.reviews.Submit(e.ctx, e.author, e.slug, 1, "")
		var wg sync.WaitGroup
		errs := make(chan error, 9)
		start := make(chan struct{})
		for _, m := range e.board {
			wg.Add(1)
			go func(m *model.User) {
				defer wg.Done()
				<-start
				_, err := e.reviews.Vote(e.ctx, m, r.ID, review.ChoiceApprove, 1, "")
				if err != nil && !errors.Is(err, review.ErrClosed) {
					errs <- err
				}
			}(m)
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		got, _ := e.store.ReviewByID(e.ctx, r.ID)
		if got.State != review.StateValidated {
			t.Fatalf("state = %s", got.State)
		}
		entries, _ := e.store.AuditOfReview(e.ctx, r.ID)
		validations := 0
		for _, a := range entries {
			if a.Action == store.AuditValidate {
				validations++
			}
		}
		if validations != 1 {
			t.Errorf("%d validations audited", validations)
		}
		votes, _ := e.store.VotesOf(e.ctx, r.ID)
		if len(votes) < 5 {
			t.Errorf("only %d votes recorded", len(votes))
		}
	})
}
