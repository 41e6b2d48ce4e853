package web

import (
	"fmt"
	"html/template"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/i18n"
	"atlas/internal/sheet"
)

// commentView is a message of a discussion, its Markdown rendered and
// sanitized. Dates and the version label are
// written in Go, once, rather than by the template for each comment.
type commentView struct {
	Author  string
	HTML    template.HTML
	ISO     string // for <time datetime>
	When    string
	Version string // "version 3", or empty for a comment on no version
}

func newCommentView(lang, author string, html template.HTML, at time.Time, revision *int) commentView {
	v := commentView{Author: author, HTML: html, ISO: at.UTC().Format(time.RFC3339), When: i18n.DateTime(lang, at)}
	if revision != nil {
		v.Version = i18n.T(lang, "diff.version", *revision)
	}
	return v
}

func (h *handler) commentViews(c *fiber.Ctx, sheetID int64, reviewID *int64) ([]commentView, error) {
	ctx := c.UserContext()
	list, err := h.store.CommentsOf(ctx, sheetID, reviewID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(list))
	for _, cm := range list {
		ids = append(ids, cm.AuthorID)
	}
	users, err := h.store.UsersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	views := make([]commentView, 0, len(list))
	lang := langOf(c)
	for _, cm := range list {
		author := ""
		if u := users[cm.AuthorID]; u != nil {
			author = u.Name()
		}
		views = append(views, newCommentView(lang, author, h.markdown.Inline(cm.Body), cm.CreatedAt, cm.RevisionNumber))
	}
	return views, nil
}

// createComment posts to a sheet's discussion, or a review's when the form
// names one, and goes back to where the form was.
func (h *handler) createComment(c *fiber.Ctx) error {
	slug := c.Params("slug")
	in := sheet.CommentInput{Body: c.FormValue("body")}
	back := "/sheets/" + slug + "#discussion"
	if raw := c.FormValue("review"); raw != "" {
		id, err := parsePositive(raw)
		if err != nil {
			return fiber.ErrNotFound
		}
		rid := int64(id)
		in.ReviewID = &rid
		back = fmt.Sprintf("/sheets/%s/reviews/%d#discussion", slug, id)
	}
	if raw := c.FormValue("revision"); raw != "" {
		n, err := parsePositive(raw)
		if err != nil {
			return newError(fiber.StatusUnprocessableEntity, "unknown_revision", "Cette version n'existe pas.")
		}
		in.Revision = &n
	}
	if _, err := h.sheets.Comment(c.UserContext(), userOf(c), slug, in); err != nil {
		return err
	}
	h.flash(c, "success", "commented")
	return redirect(c, back)
}

// commentsBlock is what the comments partial needs: the discussion, and the
// form to add to it when the viewer may.
type commentsBlock struct {
	Base
	Title    string
	Empty    string
	Label    string
	Hint     string
	Submit   string
	Items    []commentView
	CanPost  bool
	Action   string
	ReviewID int64
	Revision int
}

func newCommentsBlock(base Base, slug string, reviewID int64, revision int, items []commentView) commentsBlock {
	b := commentsBlock{
		Base: base, Items: items, CanPost: base.User != nil, Action: "/sheets/" + slug + "/comments",
		ReviewID: reviewID, Revision: revision,
	}
	b.Title, b.Empty = base.T("comments.title"), base.T("comments.empty")
	b.Label, b.Hint, b.Submit = base.T("comments.label"), base.T("comments.hint"), base.T("comments.submit")
	if reviewID != 0 {
		b.Title = base.T("comments.review_title")
	}
	return b
}
