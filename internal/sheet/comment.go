package sheet

import (
	"context"
	"strings"
	"unicode/utf8"

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
	c := &model.Comment{SheetID: sh.ID, ReviewID: in.ReviewID, AuthorID: author.ID, Body: body, CreatedAt: s.now()}
	c.RevisionNumber = in.Revision
	return c, s.store.CreateComment(ctx, c)
}
