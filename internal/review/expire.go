package review

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"atlas/internal/events"
	"atlas/internal/model"
	"atlas/internal/store"
)

// Expire closes a review as expired (sans décision) if it is still open
// and its deadline has passed, and reports whether it did. It is called
// before every vote, amendment or withdrawal, by pages and the API before
// they show a review, and by the sweep: under the review's lock and the
// conditional UPDATE of CloseReview, exactly one of concurrent callers
// closes it, the others find it closed and do nothing. The submitter can
// then submit again.
func (s *Service) Expire(ctx context.Context, reviewID int64) (bool, error) {
	var r *model.Review
	var queued []model.Notification
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if r, err = s.store.LockReview(ctx, reviewID); err != nil {
			return err
		}
		if !Open(r.State) || !s.due(r) {
			r = nil
			return nil
		}
		sh, err := s.store.SheetByID(ctx, r.SheetID)
		if err != nil {
			return err
		}
		rev, err := s.store.Revision(ctx, sh.ID, r.RevisionNumber)
		if err != nil {
			return err
		}
		board, err := s.store.BoardIDs(ctx, sh.ID)
		if err != nil {
			return err
		}
		votes, err := s.store.VotesOf(ctx, r.ID)
		if err != nil {
			return err
		}
		rule := RuleOf(r)
		now, closed := s.now(), Snapshot(board)
		closed.Rule = &rule
		if err := s.store.CloseReview(ctx, r.ID, StateExpired, now, closed); err != nil {
			return err
		}
		r.State, r.DecidedAt, r.BoardAtClose = StateExpired, &now, &closed
		t := Count(Ballots(votes), r.RevisionNumber, board)
		details := model.JSONMap{"approve": t.Approve, "reject": t.Reject, "abstain": t.Abstain, "seats": t.Seats,
			"needed": t.Needed, "voters": t.Voters, "rule": rule, "deadline": r.DeadlineAt}
		// No one decided: the entry has no actor.
		if err := s.audit(ctx, nil, store.AuditExpire, sh, r, rev, details); err != nil {
			return err
		}
		queued, err = s.notify.Add(ctx, s.notifications(model.NotifyDecided, nil, r, append(board, r.SubmittedBy)))
		return err
	})
	if err != nil || r == nil {
		return false, err
	}
	s.notify.Mail(queued)
	s.announce(ctx, events.KindDecision, r, nil)
	return true, nil
}

// ExpireIfDue closes a review as Expire does if, as loaded, it is open
// and past its deadline; otherwise it reads nothing.
func (s *Service) ExpireIfDue(ctx context.Context, r *model.Review) (bool, error) {
	if !Open(r.State) || !s.due(r) {
		return false, nil
	}
	return s.Expire(ctx, r.ID)
}

// ExpireDue closes every open review past its deadline and returns how
// many it closed.
func (s *Service) ExpireDue(ctx context.Context) (int, error) {
	closed := 0
	for ctx.Err() == nil {
		ids, err := s.store.DueReviews(ctx, s.now(), 50)
		if err != nil || len(ids) == 0 {
			return closed, err
		}
		progress := false
		for _, id := range ids {
			done, err := s.Expire(ctx, id)
			if err != nil && !errors.Is(err, store.ErrConflict) {
				return closed, err
			}
			if done {
				closed++
				progress = true
			}
		}
		if !progress {
			// Another instance closed them meanwhile, or the clock says
			// not yet: nothing more to do this round.
			return closed, nil
		}
	}
	return closed, ctx.Err()
}

// RunExpiry closes reviews past their deadline now and every interval,
// until ctx ends; pages and votes close a due review themselves, so the
// sweep only keeps lists and notifications on time.
func (s *Service) RunExpiry(ctx context.Context, every time.Duration, log *slog.Logger) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		if _, err := s.ExpireDue(ctx); err != nil && ctx.Err() == nil && log != nil {
			log.Warn("closing reviews past their deadline failed", "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
