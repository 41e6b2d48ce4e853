package web

import (
	"fmt"
	"html/template"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/sheet"
)

// commentView is a message of a discussion, its Markdown rendered and
// sanitized.
type commentView struct {
	Author   string
	HTML     template.HTML
	Revision *int
	At       time.Time
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
	for _, cm := range list {
		v := commentView{HTML: h.markdown.Inline(cm.Body), Revision: cm.RevisionNumber, At: cm.CreatedAt}
		if u := users[cm.AuthorID]; u != nil {
			v.Author = u.Name()
		}
		views = append(views, v)
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

// VersionLabel names the revision a comment is about.
func (b commentsBlock) VersionLabel(n *int) string { return b.T("diff.version", *n) }

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
