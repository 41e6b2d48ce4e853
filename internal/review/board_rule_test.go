package review_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/review"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

func days(n int) *int { return &n }

func cast(quorum int, tie string) *model.Rule {
	return &model.Rule{Kind: review.RuleCast, Quorum: quorum, Tie: tie}
}

// setRule sets the sheet's board rule, keeping its members.
func (e *env) setRule(t *testing.T, rule *model.Rule) model.Rule {
	t.Helper()
	names := make([]string, len(e.board))
	for i, m := range e.board {
		names[i] = m.Username
	}
	_, kept, err := e.reviews.SetBoardWithRule(e.ctx, e.admin, e.slug, names, rule)
	if err != nil {
		t.Fatalf("set rule %+v: %v", rule, err)
	}
	return kept
}

// decisions counts a review's decision entries in the audit log.
func (e *env) decisions(t *testing.T, reviewID int64) map[string]int {
	t.Helper()
	entries, err := e.store.AuditOfReview(e.ctx, reviewID)
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, a := range entries {
		switch a.Action {
		case store.AuditValidate, store.AuditReject, store.AuditExpire, store.AuditWithdraw:
			n[a.Action]++
		}
	}
	return n
}

type step struct {
	member int
	choice string
	want   string // the review's state after the vote
}

const (
	open     = review.StateSubmitted
	valid    = review.StateValidated
	rejected = review.StateRejected
	yes      = review.ChoiceApprove
	no       = review.ChoiceReject
	abstain  = review.ChoiceAbstain
)

// TestRuleVoteSequences plays sequences of votes under each rule and checks
// the state after every vote.
func TestRuleVoteSequences(t *testing.T) {
	cases := []struct {
		name  string
		seats int
		rule  *model.Rule
		steps []step
	}{
		{"seats: four of seven validate", 7, nil, []step{{0, yes, open}, {1, yes, open}, {2, yes, open}, {3, yes, valid}}},
		{"seats: abstentions do not lower the bar", 7, nil, []step{{0, yes, open}, {1, yes, open}, {2, yes, open}, {3, abstain, open}, {4, abstain, open}, {5, no, open}}},
		{"seats: four rejections reject", 7, &model.Rule{Kind: review.RuleSeats}, []step{{0, no, open}, {1, no, open}, {2, no, open}, {3, no, rejected}}},
		{"cast: below the quorum nothing is decided", 7, cast(4, review.TieReject), []step{{0, yes, open}, {1, yes, open}, {2, yes, open}, {3, abstain, valid}}},
		{"cast: abstentions count for the quorum only", 7, cast(4, review.TieReject), []step{{0, abstain, open}, {1, abstain, open}, {2, no, open}, {3, yes, rejected}}},
		{"cast: rejections greater reject", 7, cast(4, review.TieReject), []step{{0, yes, open}, {1, no, open}, {2, abstain, open}, {3, no, rejected}}},
		{"cast: a tie rejects", 7, cast(4, review.TieReject), []step{{0, yes, open}, {1, no, open}, {2, yes, open}, {3, no, rejected}}},
		{"cast: a tie stays open, the next vote decides", 7, cast(4, review.TieOpen), []step{{0, yes, open}, {1, no, open}, {2, yes, open}, {3, no, open}, {4, yes, valid}}},
		{"cast: only abstentions are a tie that stays open", 7, cast(4, review.TieOpen), []step{{0, abstain, open}, {1, abstain, open}, {2, abstain, open}, {3, abstain, open}, {4, no, rejected}}},
		{"cast: only abstentions are a tie that rejects", 7, cast(4, review.TieReject), []step{{0, abstain, open}, {1, abstain, open}, {2, abstain, open}, {3, abstain, rejected}}},
		{"cast: voting again replaces one's vote", 7, cast(4, review.TieReject), []step{{0, no, open}, {0, yes, open}, {1, yes, open}, {2, no, open}, {3, yes, valid}}},
		{"cast: a quorum of every seat", 3, cast(3, review.TieReject), []step{{0, yes, open}, {1, yes, open}, {2, no, valid}}},
		{"cast: quorum of one", 3, cast(1, review.TieOpen), []step{{0, abstain, open}, {1, yes, valid}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			testutil.Dialects(t, func(t *testing.T, d *db.DB) {
				e := setup(t, d, c.seats, nil)
				if c.rule != nil {
					e.setRule(t, c.rule)
				}
				r, err := e.reviews.Submit(e.ctx, e.author, e.slug, 1, "")
				if err != nil {
					t.Fatal(err)
				}
				for i, s := range c.steps {
					got, err := e.reviews.Vote(e.ctx, e.board[s.member], r.ID, s.choice, 1, "")
					if err != nil {
						t.Fatalf("vote %d: %v", i+1, err)
					}
					if got.State != s.want {
						t.Fatalf("after vote %d (%s by member %d): state %s, want %s", i+1, s.choice, s.member, got.State, s.want)
					}
				}
				final := c.steps[len(c.steps)-1].want
				n := e.decisions(t, r.ID)
				if final != open && n[map[string]string{valid: store.AuditValidate, rejected: store.AuditReject}[final]] != 1 {
					t.Errorf("decision entries %v, want one", n)
				}
			})
		})
	}
}

// TestCastAmendmentResetsVotes: an amendment makes earlier votes stale
// under a majority of votes cast as under seats: the quorum counts again.
func TestCastAmendmentResetsVotes(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 5, nil)
		e.setRule(t, cast(2, review.TieReject))
		r, _ := e.reviews.Submit(e.ctx, e.author, e.slug, 1, "")
		e.mustVote(t, e.board[0], r.ID, yes, 1, "")
		if _, _, err := e.reviews.Amend(e.ctx, e.board[1], r.ID, review.AmendInput{Base: 1, Title: "Grainothèque", Body: body + "\nAmendé.\n", Summary: "amendement"}); err != nil {
			t.Fatal(err)
		}
		got, err := e.reviews.Vote(e.ctx, e.board[2], r.ID, yes, 2, "")
		if err != nil || got.State != open {
			t.Fatalf("first vote on the amendment: %v, %v; the stale vote must not make the quorum", got, err)
		}
		if got, _ = e.reviews.Vote(e.ctx, e.board[3], r.ID, yes, 2, ""); got.State != valid {
			t.Fatalf("second vote on the amendment: state %s", got.State)
		}
	})
}

// TestRuleIsFrozenWhenTheReviewOpens: changing the board's rule alters
// neither an open review nor a decided one.
func TestRuleIsFrozenWhenTheReviewOpens(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 7, nil)
		e.setRule(t, cast(2, review.TieReject))
		r, _ := e.reviews.Submit(e.ctx, e.author, e.slug, 1, "")
		// The board now wants a majority of seats with a deadline; the
		// open review still decides by two votes cast.
		e.setRule(t, &model.Rule{Kind: review.RuleSeats, DeadlineDays: days(3)})
		e.mustVote(t, e.board[0], r.ID, yes, 1, "")
		got, err := e.reviews.Vote(e.ctx, e.board[1], r.ID, yes, 1, "")
		if err != nil || got.State != valid {
			t.Fatalf("state %v, %v: the rule frozen at opening should have validated", got, err)
		}
		e.setRule(t, cast(5, review.TieOpen))
		stored, _ := e.store.ReviewByID(e.ctx, r.ID)
		if rule := review.RuleOf(stored); rule.Kind != review.RuleCast || rule.Quorum != 2 || rule.DeadlineDays != nil {
			t.Errorf("decided review's rule %+v", rule)
		}
		if stored.DeadlineAt != nil {
			t.Errorf("a review opened without deadline got one: %v", stored.DeadlineAt)
		}
		if stored.BoardAtClose == nil || stored.BoardAtClose.Rule == nil || stored.BoardAtClose.Rule.Quorum != 2 {
			t.Errorf("closing snapshot %+v lacks the rule applied", stored.BoardAtClose)
		}
		if rule, _ := e.reviews.BoardRule(e.ctx, e.sheet(t).ID); rule.Quorum != 5 || rule.Tie != review.TieOpen {
			t.Errorf("board rule now %+v", rule)
		}
	})
}

// TestInvalidRulesAreRefused: nothing changes, neither members nor rule.
func TestInvalidRulesAreRefused(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 3, nil)
		for _, r := range []model.Rule{
			{Kind: "unanimity"},
			{Kind: review.RuleCast},
			{Kind: review.RuleCast, Quorum: 4},
			{Kind: review.RuleCast, Quorum: 2, Tie: "coin"},
			{Kind: review.RuleSeats, DeadlineDays: days(0)},
			{Kind: review.RuleSeats, DeadlineDays: days(400)},
		} {
			if _, _, err := e.reviews.SetBoardWithRule(e.ctx, e.admin, e.slug, []string{"membre0"}, &r); !errors.Is(err, review.ErrInvalidRule) {
				t.Errorf("rule %+v: %v, want ErrInvalidRule", r, err)
			}
		}
		if board, _ := e.store.BoardIDs(e.ctx, e.sheet(t).ID); len(board) != 3 {
			t.Errorf("board changed to %v", board)
		}
		// A kept quorum larger than a smaller board is refused too.
		e.setRule(t, cast(3, review.TieReject))
		if _, err := e.reviews.SetBoard(e.ctx, e.admin, e.slug, []string{"membre0", "membre1"}); !errors.Is(err, review.ErrInvalidRule) {
			t.Errorf("shrinking the board under its quorum: %v", err)
		}
		if rule, _ := e.reviews.BoardRule(e.ctx, e.sheet(t).ID); rule.Kind != review.RuleCast || rule.Quorum != 3 {
			t.Errorf("rule now %+v", rule)
		}
	})
}

// TestDeadlineClosesUndecidedReviews: past its deadline a review closes as
// expired, lazily at the next vote or by the sweep, once; the submitter
// can then submit again.
func TestDeadlineClosesUndecidedReviews(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 5, nil)
		clock := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		e.reviews.WithClock(func() time.Time { return clock })
		e.setRule(t, &model.Rule{Kind: review.RuleCast, Quorum: 3, Tie: review.TieOpen, DeadlineDays: days(2)})
		r, err := e.reviews.Submit(e.ctx, e.author, e.slug, 1, "")
		if err != nil {
			t.Fatal(err)
		}
		if r.DeadlineAt == nil || !r.DeadlineAt.Equal(clock.Add(48*time.Hour)) {
			t.Fatalf("deadline %v", r.DeadlineAt)
		}
		e.mustVote(t, e.board[0], r.ID, yes, 1, "")
		clock = clock.Add(47 * time.Hour)
		e.mustVote(t, e.board[1], r.ID, no, 1, "")
		if n, err := e.reviews.ExpireDue(e.ctx); n != 0 || err != nil {
			t.Fatalf("sweep before the deadline closed %d: %v", n, err)
		}
		clock = clock.Add(time.Hour)
		if _, err := e.reviews.Vote(e.ctx, e.board[2], r.ID, yes, 1, ""); !errors.Is(err, review.ErrClosed) {
			t.Fatalf("vote past the deadline: %v, want ErrClosed", err)
		}
		got, _ := e.store.ReviewByID(e.ctx, r.ID)
		if got.State != review.StateExpired || got.DecidedAt == nil || got.BoardAtClose == nil {
			t.Fatalf("review after its deadline: %+v", got)
		}
		if votes, _ := e.store.VotesOf(e.ctx, r.ID); len(votes) != 2 {
			t.Errorf("%d votes kept, want 2 (the late one refused)", len(votes))
		}
		if sh := e.sheet(t); sh.PublishedNumber != nil {
			t.Errorf("an expired review published version %d", *sh.PublishedNumber)
		}
		if n := e.decisions(t, r.ID); n[store.AuditExpire] != 1 || len(n) != 1 {
			t.Errorf("decision entries %v", n)
		}
		// Submitted again; the sweep closes it once, however many run.
		again, err := e.reviews.Submit(e.ctx, e.author, e.slug, 1, "encore")
		if err != nil {
			t.Fatalf("submit again after expiry: %v", err)
		}
		clock = clock.Add(49 * time.Hour)
		var wg sync.WaitGroup
		closed := make(chan int, 6)
		for i := 0; i < 6; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				if i%2 == 0 {
					n, err := e.reviews.ExpireDue(e.ctx)
					if err != nil {
						t.Error(err)
					}
					closed <- n
					return
				}
				ok, err := e.reviews.Expire(e.ctx, again.ID)
				if err != nil {
					t.Error(err)
				}
				if ok {
					closed <- 1
				}
			}(i)
		}
		wg.Wait()
		close(closed)
		total := 0
		for n := range closed {
			total += n
		}
		if total != 1 {
			t.Errorf("the review was closed %d times", total)
		}
		if n := e.decisions(t, again.ID); n[store.AuditExpire] != 1 {
			t.Errorf("expiry entries %v", n)
		}
	})
}

// TestConcurrentVotesDecideOnceUnderEveryRule: members vote at the same
// moment, mixing choices; exactly one decision is taken and audited.
func TestConcurrentVotesDecideOnceUnderEveryRule(t *testing.T) {
	cases := []struct {
		name    string
		rule    *model.Rule
		choices []string
		want    string // "" when the outcome depends on the order
	}{
		{"seats", nil, []string{yes, yes, yes, yes, yes, no, no}, ""},
		{"cast with quorum", cast(4, review.TieReject), []string{yes, yes, yes, yes, yes, yes, yes}, valid},
		{"cast, tie rejects", cast(4, review.TieReject), []string{yes, yes, no, no}, rejected},
		{"cast, tie stays open", cast(4, review.TieOpen), []string{yes, no, yes, no, abstain, abstain, yes}, ""},
		{"cast, mixed", cast(3, review.TieReject), []string{yes, no, abstain, yes, no, abstain, yes}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			testutil.Dialects(t, func(t *testing.T, d *db.DB) {
				e := setup(t, d, len(c.choices), nil)
				if c.rule != nil {
					e.setRule(t, c.rule)
				}
				r, _ := e.reviews.Submit(e.ctx, e.author, e.slug, 1, "")
				var wg sync.WaitGroup
				start := make(chan struct{})
				for i, m := range e.board {
					wg.Add(1)
					go func(m *model.User, choice string) {
						defer wg.Done()
						<-start
						if _, err := e.reviews.Vote(e.ctx, m, r.ID, choice, 1, ""); err != nil && !errors.Is(err, review.ErrClosed) {
							t.Error(err)
						}
					}(m, c.choices[i])
				}
				close(start)
				wg.Wait()
				got, _ := e.store.ReviewByID(e.ctx, r.ID)
				n := e.decisions(t, r.ID)
				decided := n[store.AuditValidate] + n[store.AuditReject]
				if got.State == open {
					if decided != 0 {
						t.Errorf("open review with decisions %v", n)
					}
				} else if decided != 1 {
					t.Errorf("state %s with decision entries %v, want exactly one", got.State, n)
				}
				if c.want != "" && got.State != c.want {
					t.Errorf("state %s, want %s", got.State, c.want)
				}
			})
		})
	}
}
