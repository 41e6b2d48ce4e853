package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/sheet"
)

type apiComment struct {
	ID        int64     `json:"id"`
	Author    string    `json:"author"`
	Body      string    `json:"body"`
	Revision  *int      `json:"revision"`
	Review    *int64    `json:"review"`
	CreatedAt time.Time `json:"created_at"`
}

func (h *handler) apiComments(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sh, err := h.store.SheetBySlug(ctx, c.Params("slug"))
	if err != nil {
		return err
	}
	list, err := h.store.CommentsOf(ctx, sh.ID, nil)
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(list))
	for _, cm := range list {
		ids = append(ids, cm.AuthorID)
	}
	users, err := h.store.UsersByIDs(ctx, ids)
	if err != nil {
		return err
	}
	out := make([]apiComment, 0, len(list))
	for _, cm := range list {
		out = append(out, toAPIComment(cm, users[cm.AuthorID]))
	}
	return c.JSON(fiber.Map{"comments": out})
}

func toAPIComment(cm model.Comment, author *model.User) apiComment {
	out := apiComment{ID: cm.ID, Body: cm.Body, Revision: cm.RevisionNumber, Review: cm.ReviewID, CreatedAt: cm.CreatedAt.UTC()}
	if author != nil {
		out.Author = author.Username
	}
	return out
}

type apiCommentRequest struct {
	Body     string `json:"body"`
	Revision *int   `json:"revision"`
}

func (h *handler) apiCreateComment(c *fiber.Ctx) error {
	var in apiCommentRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	user := userOf(c)
	cm, err := h.sheets.Comment(c.UserContext(), user, c.Params("slug"), sheet.CommentInput{Body: in.Body, Revision: in.Revision})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAPIComment(*cm, user))
}
