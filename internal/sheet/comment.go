package sheet

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"atlas/internal/auth"
	"atlas/internal/document"
	"atlas/internal/model"
	"atlas/internal/store"
)

// MaxCommentRunes bounds one message of a discussion.
const MaxCommentRunes = 10000

// CommentInput is a message for a sheet's discussion, or a review's when
// ReviewID is set, optionally about one revision.
type CommentInput struct {
	Body     string
	ReviewID *int64
	Revision *int
}

// Comment adds a message to a discussion. A review or revision named must
// belong to the sheet.
func (s *Service) Comment(ctx context.Context, author *model.User, slug string, in CommentInput) (*model.Comment, error) {
	body := strings.TrimSpace(in.Body)
	switch {
	case body == "":
		return nil, invalid("body", "comment_required", "error.comment_required")
	case utf8.RuneCountInString(body) > MaxCommentRunes:
		return nil, invalid("body", "comment_too_long", "error.comment_too_long")
	case !cleanText(body):
		return nil, invalid("body", "invalid_body", "error.comment_invalid")
	case !document.Text(body):
		return nil, invalid("body", "control_character", "error.control_character.message")
	}
	sh, err := s.store.SheetBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	if in.Revision != nil && (*in.Revision < 1 || *in.Revision > sh.HeadNumber) {
		return nil, invalid("revision", "unknown_revision", "error.revision_missing")
	}
	if in.ReviewID != nil {
		r, err := s.store.ReviewByID(ctx, *in.ReviewID)
		if err != nil {
			return nil, err
		}
		if r.SheetID != sh.ID {
			return nil, store.ErrNotFound
		}
	}
	now := s.now()
	if err := s.commentRate(ctx, author.ID, now); err != nil {
		return nil, err
	}
	c := &model.Comment{SheetID: sh.ID, ReviewID: in.ReviewID, AuthorID: author.ID, Body: body, CreatedAt: now}
	c.RevisionNumber = in.Revision
	return c, s.store.CreateComment(ctx, c)
}

// CommentLimit lets an account write at most Max messages within any
// Window.
type CommentLimit struct {
	Window time.Duration
	Max    int
}

// DefaultCommentLimits are the rate limits of discussions, per account,
// over sliding windows: a person writes a few messages in a row, a script
// two thousand in ten seconds (which made one sheet's page 76 MB). Each
// wider window lets fewer messages through per minute, so the wait a
// flood earns grows: up to a minute, then ten, then an hour. Widest last.
var DefaultCommentLimits = []CommentLimit{
	{time.Minute, 5},
	{10 * time.Minute, 20},
	{time.Hour, 60},
}

// WithCommentLimits replaces the rate limits of discussions (widest
// last); none lifts them, for tests that post in bulk.
func (s *Service) WithCommentLimits(limits []CommentLimit) *Service {
	s.commentLimits = limits
	return s
}

// RateLimitedError refuses a message: its author wrote too many lately.
// RetryAfter is when the next one would be accepted.
type RateLimitedError struct {
	RetryAfter time.Duration
}

func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("sheet: too many comments, retry after %s", e.RetryAfter)
}

// commentRate refuses a message when any window is full. Two messages
// racing may both pass: the limit is a bound on floods, not an exact count.
func (s *Service) commentRate(ctx context.Context, authorID int64, now time.Time) error {
	if len(s.commentLimits) == 0 {
		return nil
	}
	widest := s.commentLimits[len(s.commentLimits)-1]
	recent, err := s.store.RecentComments(ctx, authorID, now.Add(-widest.Window), widest.Max)
	if err != nil {
		return err
	}
	var wait time.Duration
	for _, l := range s.commentLimits {
		if len(recent) < l.Max {
			continue
		}
		// The Max-th newest message leaving the window frees a place.
		if free := recent[l.Max-1].Add(l.Window).Sub(now); free > wait {
			wait = free
		}
	}
	if wait > 0 {
		return &RateLimitedError{RetryAfter: wait}
	}
	return nil
}

// CommentEditWindow is how long the author of a message may withdraw it.
const CommentEditWindow = 15 * time.Minute

// MaxHideReasonRunes bounds the reason an admin gives for hiding a message.
const MaxHideReasonRunes = 500

// HideComment withdraws message id: its author may within
// CommentEditWindow, an admin at any time with a reason. The message is
// kept, marked hidden; the audit log records who hid it and why.
func (s *Service) HideComment(ctx context.Context, actor *model.User, id int64, reason string) (*model.Comment, error) {
	c, err := s.store.CommentByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.Hidden() {
		return nil, store.ErrConflict
	}
	now := s.now()
	may, needsReason := canHideComment(actor, c, now)
	reason = strings.TrimSpace(reason)
	switch {
	case !may:
		return nil, auth.ErrForbidden
	case needsReason && reason == "":
		return nil, invalid("reason", "reason_required", "error.hide_reason_required")
	case utf8.RuneCountInString(reason) > MaxHideReasonRunes:
		return nil, invalid("reason", "reason_too_long", "error.hide_reason_too_long", MaxHideReasonRunes)
	case !cleanText(reason):
		return nil, invalid("reason", "invalid_reason", "error.hide_reason_invalid")
	}
	if err := s.store.HideComment(ctx, c, actor.ID, reason, now); err != nil {
		return nil, err
	}
	return c, nil
}

// canHideComment reports whether actor may withdraw c now, and whether a
// reason is then required. Pages offer the same (withCommentControls in
// web: the author's messages of the last CommentEditWindow, an admin's
// every message).
func canHideComment(actor *model.User, c *model.Comment, now time.Time) (may, needsReason bool) {
	switch {
	case actor == nil || c.Hidden():
		return false, false
	case actor.ID == c.AuthorID && now.Sub(c.CreatedAt) <= CommentEditWindow:
		return true, false
	case actor.IsAdmin():
		return true, true
	}
	return false, false
}
