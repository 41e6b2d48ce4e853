package review

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"atlas/internal/auth"
	"atlas/internal/document"
	"atlas/internal/events"
	"atlas/internal/model"
	"atlas/internal/notify"
	"atlas/internal/sheet"
	"atlas/internal/store"
)

// Errors of the workflow; the web layer maps them to statuses.
var (
	ErrNoBoard        = errors.New("review: the sheet has no board")
	ErrAlreadyOpen    = errors.New("review: a review is already open for this sheet")
	ErrClosed         = errors.New("review: the review is closed")
	ErrStaleRevision  = errors.New("review: the vote is not on the review's current revision")
	ErrInvalidChoice  = errors.New("review: unknown choice")
	ErrUnknownMembers = errors.New("review: unknown accounts")
)

// UnknownMembersError names the usernames that match no account.
type UnknownMembersError struct{ Names []string }

func (e *UnknownMembersError) Error() string {
	return "review: unknown accounts: " + strings.Join(e.Names, ", ")
}

func (e *UnknownMembersError) Unwrap() error { return ErrUnknownMembers }

// Service runs the board workflow. Each step is one transaction that locks
// the review (or the sheet) first, so concurrent votes are serialized and
// exactly one of them decides.
type Service struct {
	store  *store.Store
	sheets *sheet.Service
	notify *notify.Service
	events *events.Hub
	now    func() time.Time
}

// WithEvents makes the service announce amendments and decisions live.
func (s *Service) WithEvents(h *events.Hub) *Service {
	s.events = h
	return s
}

// WithClock makes the service read the time from now: tests move it past a
// board's deadline.
func (s *Service) WithClock(now func() time.Time) *Service {
	s.now = now
	return s
}

// announce tells live readers of a sheet about a committed board event.
func (s *Service) announce(ctx context.Context, kind string, r *model.Review, actor *model.User) {
	s.announceFrom(ctx, kind, r, actor, 0)
}

// announceFrom is announce for a revision saved from a live session,
// which knows of it already.
func (s *Service) announceFrom(ctx context.Context, kind string, r *model.Review, actor *model.User, session int64) {
	if s.events == nil || r == nil {
		return
	}
	e := events.Event{Kind: kind, SheetID: r.SheetID, Revision: r.RevisionNumber, State: r.State, Session: session}
	if actor != nil {
		e.UserID, e.Name = actor.ID, actor.Name()
	}
	s.events.Publish(ctx, e)
}

// NewService builds the service.
func NewService(st *store.Store, sheets *sheet.Service, n *notify.Service) *Service {
	return &Service{store: st, sheets: sheets, notify: n, now: func() time.Time { return time.Now().UTC() }}
}

const maxNoteRunes = 2000

// SetBoard seats exactly the named accounts on a sheet's board (admins
// only) and records the change; the board keeps its rule.
func (s *Service) SetBoard(ctx context.Context, actor *model.User, slug string, usernames []string) ([]model.User, error) {
	members, _, err := s.SetBoardWithRule(ctx, actor, slug, usernames, nil)
	return members, err
}

// SetBoardWithRule seats exactly the named accounts on a sheet's board and,
// unless rule is nil, sets the rule it decides by (admins only), checked
// against the new board: a quorum larger than its seats is refused. It
// returns the board and the rule it now has. Reviews already open keep
// the rule they opened with.
func (s *Service) SetBoardWithRule(ctx context.Context, actor *model.User, slug string, usernames []string, rule *model.Rule) ([]model.User, model.Rule, error) {
	if !actor.IsAdmin() {
		return nil, model.Rule{}, auth.ErrForbidden
	}
	names := make([]string, 0, len(usernames))
	for _, n := range usernames {
		if n = strings.TrimSpace(n); n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	var members []model.User
	var kept model.Rule
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		sh, err := s.store.LockSheetBySlug(ctx, slug)
		if err != nil {
			return err
		}
		users, err := s.store.UsersByUsernames(ctx, names)
		if err != nil {
			return err
		}
		var ids []int64
		var unknown []string
		for _, n := range names {
			i := slices.IndexFunc(users, func(u model.User) bool { return u.Username == n })
			if i < 0 || users[i].Disabled {
				unknown = append(unknown, n)
				continue
			}
			ids = append(ids, users[i].ID)
		}
		if len(unknown) > 0 {
			return &UnknownMembersError{Names: unknown}
		}
		current, err := s.boardRule(ctx, sh.ID)
		if err != nil {
			return err
		}
		if rule != nil {
			current = *rule
		}
		if kept, err = CheckRule(current, len(ids)); err != nil {
			return err
		}
		now := s.now()
		if err := s.store.ReplaceBoard(ctx, sh.ID, ids, actor.ID, now); err != nil {
			return err
		}
		details := model.JSONMap{"members": names}
		if rule != nil {
			if err := s.store.SaveBoardRule(ctx, &model.BoardRule{SheetID: sh.ID, Rule: kept, UpdatedBy: actor.ID, UpdatedAt: now}); err != nil {
				return err
			}
			details["rule"] = kept
		}
		if err := s.audit(ctx, actor, store.AuditBoardChange, sh, nil, nil, details); err != nil {
			return err
		}
		members, err = s.store.BoardOf(ctx, sh.ID)
		return err
	})
	return members, kept, err
}

// BoardRule returns the rule a sheet's board decides by now.
func (s *Service) BoardRule(ctx context.Context, sheetID int64) (model.Rule, error) {
	return s.boardRule(ctx, sheetID)
}

func (s *Service) boardRule(ctx context.Context, sheetID int64) (model.Rule, error) {
	r, err := s.store.BoardRuleOf(ctx, sheetID)
	if errors.Is(err, store.ErrNotFound) {
		return DefaultRule(), nil
	}
	if err != nil {
		return model.Rule{}, err
	}
	return r.Rule, nil
}

// Submit opens a review of one revision of a sheet for its board.
func (s *Service) Submit(ctx context.Context, actor *model.User, slug string, number int, note string) (*model.Review, error) {
	note, err := checkText("note", note)
	if err != nil {
		return nil, err
	}
	var r *model.Review
	var queued []model.Notification
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		sh, err := s.store.LockSheetBySlug(ctx, slug)
		if err != nil {
			return err
		}
		rev, err := s.store.Revision(ctx, sh.ID, number)
		if err != nil {
			return err
		}
		board, err := s.store.BoardIDs(ctx, sh.ID)
		if err != nil {
			return err
		}
		if len(board) == 0 {
			return ErrNoBoard
		}
		rule, err := s.boardRule(ctx, sh.ID)
		if err != nil {
			return err
		}
		// The review decides by the rule of today, whatever the board's
		// rule becomes while it is open.
		opened := Snapshot(board)
		opened.Rule = &rule
		now := s.now()
		r = &model.Review{SheetID: sh.ID, RevisionNumber: number, State: StateSubmitted, SubmittedBy: actor.ID, Note: note, SubmittedAt: now, BoardAtOpen: &opened}
		if rule.DeadlineDays != nil {
			deadline := now.Add(time.Duration(*rule.DeadlineDays) * 24 * time.Hour)
			r.DeadlineAt = &deadline
		}
		if err := s.store.CreateReview(ctx, r); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return ErrAlreadyOpen
			}
			return err
		}
		if err := s.audit(ctx, actor, store.AuditSubmit, sh, r, rev, model.JSONMap{"note": note}); err != nil {
			return err
		}
		queued, err = s.notify.Add(ctx, s.notifications(model.NotifyReviewRequested, actor, r, board))
		return err
	})
	if err == nil {
		s.notify.Mail(queued)
	}
	return r, err
}

// Vote records a board member's choice on the review's current revision,
// then decides if the majority is reached: validation publishes the
// revision in the same transaction.
func (s *Service) Vote(ctx context.Context, actor *model.User, reviewID int64, choice string, number int, comment string) (*model.Review, error) {
	if !ValidChoice(choice) {
		return nil, ErrInvalidChoice
	}
	comment, err := checkText("comment", comment)
	if err != nil {
		return nil, err
	}
	var r *model.Review
	var queued []model.Notification
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if r, err = s.lockOpen(ctx, reviewID, actor, func(_ *model.Review, member bool) bool { return member }); err != nil {
			return err
		}
		if number != r.RevisionNumber {
			return ErrStaleRevision
		}
		sh, err := s.store.SheetByID(ctx, r.SheetID)
		if err != nil {
			return err
		}
		rev, err := s.store.Revision(ctx, sh.ID, number)
		if err != nil {
			return err
		}
		now := s.now()
		if err := s.store.SaveVote(ctx, &model.Vote{ReviewID: r.ID, VoterID: actor.ID, RevisionNumber: number, Choice: choice, Comment: comment, CreatedAt: now, UpdatedAt: now}); err != nil {
			return err
		}
		if err := s.audit(ctx, actor, store.AuditVote, sh, r, rev, model.JSONMap{"choice": choice, "comment": comment}); err != nil {
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
		tally := Count(Ballots(votes), r.RevisionNumber, board)
		rule := RuleOf(r)
		state := Decide(tally, rule)
		if state == StateSubmitted {
			return nil
		}
		closed := Snapshot(board)
		closed.Rule = &rule
		if err := s.store.DecideReview(ctx, r.ID, state, now, tally.Approve, closed); err != nil {
			return err
		}
		r.State, r.DecidedAt, r.DecidedApprovals, r.DecidedSeats, r.BoardAtClose = state, &now, &tally.Approve, &tally.Seats, &closed
		action := store.AuditReject
		if state == StateValidated {
			action = store.AuditValidate
			if err := s.store.Publish(ctx, sh.ID, r.RevisionNumber); err != nil {
				return err
			}
			sh.PublishedNumber = &r.RevisionNumber
			if err := s.sheets.RefreshVisible(ctx, sh); err != nil {
				return err
			}
		}
		details := model.JSONMap{"approve": tally.Approve, "reject": tally.Reject, "abstain": tally.Abstain, "seats": tally.Seats, "needed": tally.Needed,
			"voters": tally.Voters, "rule": rule}
		// The decision is the board's (the tally says so); its actor is
		// the member whose vote closed it, so recent changes and feeds
		// name someone.
		if err := s.audit(ctx, actor, action, sh, r, rev, details); err != nil {
			return err
		}
		queued, err = s.notify.Add(ctx, s.notifications(model.NotifyDecided, nil, r, append(board, r.SubmittedBy)))
		return err
	})
	if err == nil {
		s.notify.Mail(queued)
		if r.State != StateSubmitted {
			s.announce(ctx, events.KindDecision, r, nil)
		}
	}
	return r, s.closeIfDue(ctx, reviewID, err)
}

// AmendInput is an amendment: an edit of the review's revision.
type AmendInput struct {
	Base    int
	Title   string
	Body    string
	Summary string
	Meta    *model.Meta
	// Live carries a live session's part of the save (co-authors, the
	// session, its hook): see sheet.SaveInput. Zero for a plain amendment.
	Live sheet.SaveInput
}

// Amend saves an edit of the submitted version as a revision of origin
// amendment and moves the review onto it; earlier votes become stale. Board
// members and the submitter may amend. A stale base merges or conflicts
// exactly as an edit does.
func (s *Service) Amend(ctx context.Context, actor *model.User, reviewID int64, in AmendInput) (*model.Review, *model.Revision, error) {
	var r *model.Review
	var rev *model.Revision
	var queued []model.Notification
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		var err error
		r, err = s.lockOpen(ctx, reviewID, actor, func(r *model.Review, member bool) bool { return member || r.SubmittedBy == actor.ID })
		if err != nil {
			return err
		}
		sh, err := s.store.SheetByID(ctx, r.SheetID)
		if err != nil {
			return err
		}
		res, err := s.sheets.Save(ctx, actor, sh.Slug, sheet.SaveInput{
			Base: in.Base, Title: in.Title, Body: in.Body, Summary: in.Summary, Meta: in.Meta, Origin: model.OriginAmendment,
			Coauthors: in.Live.Coauthors, Session: in.Live.Session, Saved: in.Live.Saved,
		})
		if err != nil {
			return err
		}
		if res.Unchanged {
			return sheet.ErrUnchanged
		}
		rev = res.Revision
		from := r.RevisionNumber
		if err := s.store.MoveReview(ctx, r.ID, from, rev.Number); err != nil {
			return err
		}
		r.RevisionNumber = rev.Number
		if err := s.store.CreateAmendment(ctx, &model.ReviewAmendment{ReviewID: r.ID, FromNumber: from, ToNumber: rev.Number, AuthorID: actor.ID, CreatedAt: s.now()}); err != nil {
			return err
		}
		if err := s.audit(ctx, actor, store.AuditAmend, sh, r, rev, model.JSONMap{"from": from, "to": rev.Number, "merged": res.Merged}); err != nil {
			return err
		}
		board, err := s.store.BoardIDs(ctx, sh.ID)
		if err != nil {
			return err
		}
		queued, err = s.notify.Add(ctx, s.notifications(model.NotifyAmended, actor, r, append(board, r.SubmittedBy)))
		return err
	})
	if err == nil {
		s.notify.Mail(queued)
		s.announceFrom(ctx, events.KindRevision, r, actor, in.Live.Session)
	}
	return r, rev, s.closeIfDue(ctx, reviewID, err)
}

// Withdraw closes an open review without decision (submitter or admin).
func (s *Service) Withdraw(ctx context.Context, actor *model.User, reviewID int64) (*model.Review, error) {
	var r *model.Review
	var queued []model.Notification
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		var err error
		r, err = s.lockOpen(ctx, reviewID, actor, func(r *model.Review, _ bool) bool { return r.SubmittedBy == actor.ID || actor.IsAdmin() })
		if err != nil {
			return err
		}
		board, err := s.store.BoardIDs(ctx, r.SheetID)
		if err != nil {
			return err
		}
		now, closed := s.now(), Snapshot(board)
		if err := s.store.CloseReview(ctx, r.ID, StateWithdrawn, now, closed); err != nil {
			return err
		}
		r.BoardAtClose = &closed
		r.State, r.DecidedAt = StateWithdrawn, &now
		sh, err := s.store.SheetByID(ctx, r.SheetID)
		if err != nil {
			return err
		}
		rev, err := s.store.Revision(ctx, sh.ID, r.RevisionNumber)
		if err != nil {
			return err
		}
		if err := s.audit(ctx, actor, store.AuditWithdraw, sh, r, rev, nil); err != nil {
			return err
		}
		queued, err = s.notify.Add(ctx, s.notifications(model.NotifyDecided, actor, r, append(board, r.SubmittedBy)))
		return err
	})
	if err == nil {
		s.notify.Mail(queued)
	}
	return r, s.closeIfDue(ctx, reviewID, err)
}

// lockOpen locks a review for the rest of the transaction and checks, under
// that lock, that the actor may act on it and that it is still open: a seat
// lost or a decision taken after the page was loaded counts.
func (s *Service) lockOpen(ctx context.Context, reviewID int64, actor *model.User, allowed func(r *model.Review, member bool) bool) (*model.Review, error) {
	r, err := s.store.LockReview(ctx, reviewID)
	if err != nil {
		return nil, err
	}
	member, err := s.store.IsBoardMember(ctx, r.SheetID, actor.ID)
	if err != nil {
		return nil, err
	}
	if !allowed(r, member) {
		return nil, auth.ErrForbidden
	}
	if !Open(r.State) {
		return nil, ErrClosed
	}
	if s.due(r) {
		return nil, errDue
	}
	return r, nil
}

// errDue is a review found past its deadline by a step that would act on
// it: the step is refused as on a closed review, and closeIfDue then
// closes it, in a transaction of its own.
var errDue = fmt.Errorf("%w: its deadline has passed", ErrClosed)

// closeIfDue closes the review as expired when err says the step found it
// past its deadline, and returns err.
func (s *Service) closeIfDue(ctx context.Context, reviewID int64, err error) error {
	if errors.Is(err, errDue) {
		if _, expErr := s.Expire(ctx, reviewID); expErr != nil {
			return expErr
		}
	}
	return err
}

// due reports whether an open review's deadline has passed.
func (s *Service) due(r *model.Review) bool {
	return r.DeadlineAt != nil && !s.now().Before(*r.DeadlineAt)
}

// checkText validates a note or comment: one short text, storable, of
// one line or several (the API has always taken a vote's comment on
// several lines; the record shows it on one), without other control
// characters.
func checkText(field, text string) (string, error) {
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) > maxNoteRunes || !utf8.ValidString(text) || strings.ContainsRune(text, 0) {
		return "", &sheet.InvalidError{Field: field, Code: "invalid_" + field, Key: "error.note_too_long", Args: []any{maxNoteRunes}}
	}
	if !document.Text(text) {
		return "", &sheet.InvalidError{Field: field, Code: "control_character", Key: "error.control_character." + field}
	}
	return text, nil
}

// Ballots turns stored votes into what the rules count.
func Ballots(votes []model.Vote) []Ballot {
	out := make([]Ballot, len(votes))
	for i, v := range votes {
		out[i] = Ballot{Voter: v.VoterID, Choice: v.Choice, Revision: v.RevisionNumber}
	}
	return out
}

func (s *Service) audit(ctx context.Context, actor *model.User, action string, sh *model.Sheet, r *model.Review, rev *model.Revision, details model.JSONMap) error {
	e := &model.AuditEntry{CreatedAt: s.now(), Action: action, SheetID: &sh.ID, Details: details}
	if actor != nil {
		e.ActorID = &actor.ID
	}
	if r != nil {
		e.ReviewID = &r.ID
	}
	if rev != nil {
		e.RevisionNumber, e.RevisionSHA256 = &rev.Number, rev.SHA256
	}
	return s.store.AppendAudit(ctx, e)
}

func (s *Service) notifications(kind string, actor *model.User, r *model.Review, to []int64) []model.Notification {
	now := s.now()
	list := make([]model.Notification, 0, len(to))
	for _, id := range to {
		n := model.Notification{UserID: id, Kind: kind, SheetID: &r.SheetID, ReviewID: &r.ID, RevisionNumber: &r.RevisionNumber, CreatedAt: now}
		if actor != nil {
			n.ActorID = &actor.ID
		}
		list = append(list, n)
	}
	return list
}
