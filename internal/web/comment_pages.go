package web

import (
	"context"
	"fmt"
	"html/template"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/sheet"
)

// commentList is what the comment_items partial shows.
type commentList struct {
	Base
	Items []commentView
}

// commentView is one message of a discussion.
type commentView struct {
	Author   string
	Body     template.HTML // its Markdown, rendered and sanitized
	At       time.Time
	Revision int // the version it was written on, 0 if none
}

// commentItems returns a discussion (a sheet's, or a review's when
// reviewID is set) rendered, oldest first. It is kept under the sheet's
// cache version, which every comment moves, so a discussion is loaded and
// rendered once per change, not at every signed-in reading.
func (h *handler) commentItems(c *fiber.Ctx, sh *model.Sheet, reviewID *int64) (template.HTML, error) {
	variant := "sheet"
	if reviewID != nil {
		variant = "review|" + strconv.FormatInt(*reviewID, 10)
	}
	lang := langOf(c)
	return h.part(pageKey("comments", sh, lang, h.build, variant), func() ([]byte, error) {
		list, err := h.commentList(c.UserContext(), sh.ID, reviewID)
		if err != nil {
			return nil, err
		}
		list.Base = Base{Lang: lang}
		return h.views.fragment(pageSheetShow, "comment_items", list)
	})
}

// commentList loads a discussion's messages with their authors' names.
func (h *handler) commentList(ctx context.Context, sheetID int64, reviewID *int64) (commentList, error) {
	comments, err := h.store.CommentsOf(ctx, sheetID, reviewID)
	if err != nil {
		return commentList{}, err
	}
	ids := make([]int64, 0, len(comments))
	for _, cm := range comments {
		ids = append(ids, cm.AuthorID)
	}
	users, err := h.store.UsersByIDs(ctx, ids)
	if err != nil {
		return commentList{}, err
	}
	list := commentList{Items: make([]commentView, len(comments))}
	for i, cm := range comments {
		item := commentView{Body: h.markdown.Inline(cm.Body), At: cm.CreatedAt}
		if u := users[cm.AuthorID]; u != nil {
			item.Author = u.Name()
		}
		if cm.RevisionNumber != nil {
			item.Revision = *cm.RevisionNumber
		}
		list.Items[i] = item
	}
	return list, nil
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
