package web

import (
	"fmt"
	"html"
	"html/template"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/i18n"
	"atlas/internal/sheet"
)

// commentItem writes one message of a discussion as a list item: its
// author, date and version, and its Markdown rendered and sanitized. In Go
// rather than in the template, like the table of contents: a template
// spends several reflective calls on each part of each message.
func commentItem(b *strings.Builder, lang, author string, body template.HTML, at time.Time, revision *int) {
	b.WriteString(`<li class="comment"><p class="comment-meta"><strong>` + html.EscapeString(author) + `</strong> · <time datetime="` +
		at.UTC().Format(time.RFC3339) + `">` + html.EscapeString(i18n.DateTime(lang, at)) + `</time>`)
	if revision != nil {
		b.WriteString(" · " + html.EscapeString(i18n.T(lang, "diff.version", *revision)))
	}
	b.WriteString(`</p><div class="markdown">` + string(body) + "</div></li>\n")
}

// commentItems loads a discussion (a sheet's, or a review's) and writes its
// messages, oldest first.
func (h *handler) commentItems(c *fiber.Ctx, sheetID int64, reviewID *int64) (template.HTML, error) {
	ctx := c.UserContext()
	list, err := h.store.CommentsOf(ctx, sheetID, reviewID)
	if err != nil {
		return "", err
	}
	ids := make([]int64, 0, len(list))
	for _, cm := range list {
		ids = append(ids, cm.AuthorID)
	}
	users, err := h.store.UsersByIDs(ctx, ids)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	lang := langOf(c)
	for _, cm := range list {
		author := ""
		if u := users[cm.AuthorID]; u != nil {
			author = u.Name()
		}
		commentItem(&b, lang, author, h.markdown.Inline(cm.Body), cm.CreatedAt, cm.RevisionNumber)
	}
	return template.HTML(b.String()), nil
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
			return newError(fiber.StatusUnprocessableEntity, "unknown_revision", "error.unknown_revision")
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
	Items    template.HTML // see commentItems
	CanPost  bool
	Action   string
	ReviewID int64
	Revision int
}

func newCommentsBlock(base Base, slug string, reviewID int64, revision int, items template.HTML) commentsBlock {
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
