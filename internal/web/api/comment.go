package api

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
)

type apiComment struct {
	ID        int64     `json:"id"`
	Author    string    `json:"author"`
	Body      string    `json:"body"` // "" once hidden
	Revision  *int      `json:"revision"`
	Review    *int64    `json:"review"`
	CreatedAt time.Time `json:"created_at"`
	// Hidden messages keep their place with who withdrew them, when and
	// why, never their text.
	Hidden       bool       `json:"hidden"`
	HiddenBy     string     `json:"hidden_by,omitempty"`
	HiddenAt     *time.Time `json:"hidden_at,omitempty"`
	HiddenReason string     `json:"hidden_reason,omitempty"`
}

// apiCommentsPage is the default number of messages of GET comments; a
// caller may ask up to apiCommentsMax with ?limit=.
const (
	apiCommentsPage = 50
	apiCommentsMax  = 200
)

// apiComments lists a sheet's discussion a page at a time: the latest
// messages, or those before ?before=ID, oldest first as always;
// "next_before" is the ?before= of the page before, null on the first.
func (h *Handler) apiComments(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sh, err := h.read.SheetBySlug(ctx, c.Params("slug"))
	if err != nil {
		return err
	}
	limit, err := request.QueryInt(c, "limit", apiCommentsPage, apiCommentsMax)
	if err != nil {
		return err
	}
	before, err := request.QueryInt(c, "before", 0, 0)
	if err != nil {
		return err
	}
	list, err := h.read.CommentPage(ctx, sh.ID, nil, int64(before), limit+1)
	if err != nil {
		return err
	}
	var next *int64
	if len(list) > limit {
		list = list[:limit]
		next = &list[limit-1].ID
	}
	ids := make([]int64, 0, len(list))
	for _, cm := range list {
		ids = append(ids, cm.AuthorID)
		if cm.HiddenBy != nil {
			ids = append(ids, *cm.HiddenBy)
		}
	}
	users, err := h.read.UsersByIDs(ctx, ids)
	if err != nil {
		return err
	}
	out := make([]apiComment, len(list))
	for i, cm := range list {
		out[len(list)-1-i] = toAPIComment(cm, users)
	}
	return c.JSON(fiber.Map{"comments": out, "next_before": next})
}

func toAPIComment(cm model.Comment, users map[int64]*model.User) apiComment {
	out := apiComment{ID: cm.ID, Body: cm.Body, Revision: cm.RevisionNumber, Review: cm.ReviewID, CreatedAt: cm.CreatedAt.UTC()}
	if author := users[cm.AuthorID]; author != nil {
		out.Author = author.Username
	}
	if cm.Hidden() {
		at := cm.HiddenAt.UTC()
		out.Body, out.Hidden, out.HiddenAt, out.HiddenReason = "", true, &at, cm.HiddenReason
		if by := users[*cm.HiddenBy]; by != nil {
			out.HiddenBy = by.Username
		}
	}
	return out
}

type apiCommentRequest struct {
	Body     string `json:"body"`
	Revision *int   `json:"revision"`
}

func (h *Handler) apiCreateComment(c *fiber.Ctx) error {
	var in apiCommentRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	user := request.User(c)
	cm, err := h.sheets.Comment(c.UserContext(), user, c.Params("slug"), sheet.CommentInput{Body: in.Body, Revision: in.Revision})
	var limited *sheet.RateLimitedError
	if errors.As(err, &limited) {
		httpx.SetRetryAfter(c, limited.RetryAfter)
	}
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAPIComment(*cm, map[int64]*model.User{user.ID: user}))
}

type apiHideRequest struct {
	Reason string `json:"reason"`
}

// apiHideComment withdraws a message (DELETE /comments/{id}): its author
// within 15 minutes, an admin at any time with {"reason"}. The message
// stays, hidden, and the audit log keeps the trace.
func (h *Handler) apiHideComment(c *fiber.Ctx) error {
	id, err := request.ParamInt(c, "id")
	if err != nil {
		return err
	}
	var in apiHideRequest
	if len(c.Body()) > 0 {
		if err := request.DecodeJSON(c, &in); err != nil {
			return err
		}
	}
	user := request.User(c)
	cm, err := h.sheets.HideComment(c.UserContext(), user, int64(id), in.Reason)
	if err != nil {
		return err
	}
	users, err := h.read.UsersByIDs(c.UserContext(), []int64{cm.AuthorID, user.ID})
	if err != nil {
		return err
	}
	return c.JSON(toAPIComment(*cm, users))
}
