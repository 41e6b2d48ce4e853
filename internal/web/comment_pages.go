package web

import (
	"context"
	"errors"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
	"atlas/internal/web/view"
)

// commentsPerPage bounds a page of a discussion: a flood of two thousand
// messages made one sheet's page 76 MB. A sheet or review page shows the
// latest ones, the discussion page older ones a page at a time.
const commentsPerPage = 50

// commentList is what the comment_items partial shows.
type commentList struct {
	Base
	Items []commentView
	// OlderHref leads to the page before this one; "" on the first.
	OlderHref string
}

// commentView is one message of a discussion.
type commentView struct {
	ID       int64
	Author   view.Person
	Body     template.HTML // its Markdown, rendered and sanitized
	At       time.Time
	Revision int // the version it was written on, 0 if none
	// Hidden messages show only HiddenNote ("message retiré par …").
	Hidden     bool
	HiddenNote string
	HiddenAt   time.Time
	// Marker is where the reader's controls go (see withCommentControls).
	Marker template.HTML
}

// commentMarker prefixes the marker after each message shown.
const commentMarker = "<!--atlas:comment:"

// discussionRef names a discussion: a sheet's, or a review's when Review
// is set.
type discussionRef struct {
	Sheet  *model.Sheet
	Review *int64
}

// href is the address of the discussion's page starting before id (0:
// the latest messages).
func (d discussionRef) href(before int64) string {
	var b strings.Builder
	b.WriteString("/sheets/" + d.Sheet.Slug + "/comments")
	sep := "?"
	if d.Review != nil {
		b.WriteString("?review=" + strconv.FormatInt(*d.Review, 10))
		sep = "&"
	}
	if before > 0 {
		b.WriteString(sep + "before=" + strconv.FormatInt(before, 10))
	}
	return b.String() + "#discussion"
}

// back is the page where the discussion's latest messages are shown.
func (d discussionRef) back() string {
	if d.Review != nil {
		return "/sheets/" + d.Sheet.Slug + "/reviews/" + strconv.FormatInt(*d.Review, 10) + "#discussion"
	}
	return "/sheets/" + d.Sheet.Slug + "#discussion"
}

// commentItems returns a page of a discussion rendered, oldest first: the
// latest messages, or those before a message id. It is kept under the
// sheet's cache version, which every comment and every withdrawal moves,
// so a discussion is loaded and rendered once per change, not at every
// signed-in reading; then the reader's own controls are put in.
func (h *handler) commentItems(c *fiber.Ctx, sh *model.Sheet, reviewID *int64, before int64) (template.HTML, error) {
	variant := "sheet"
	if reviewID != nil {
		variant = "review|" + strconv.FormatInt(*reviewID, 10)
	}
	if before > 0 {
		variant += "|before|" + strconv.FormatInt(before, 10)
	}
	lang := request.Lang(c)
	items, err := h.part(pageKey("comments", sh, lang, h.build, variant), func() ([]byte, error) {
		list, err := h.commentList(c.UserContext(), discussionRef{Sheet: sh, Review: reviewID}, before, lang)
		if err != nil {
			return nil, err
		}
		return h.views.Fragment(pageSheetShow, "comment_items", list)
	})
	if err != nil {
		return "", err
	}
	return h.withCommentControls(c, sh, items)
}

// commentList loads a page of a discussion with the names it shows.
func (h *handler) commentList(ctx context.Context, d discussionRef, before int64, lang string) (commentList, error) {
	comments, err := h.read.CommentPage(ctx, d.Sheet.ID, d.Review, before, commentsPerPage+1)
	if err != nil {
		return commentList{}, err
	}
	list := commentList{Base: Base{Lang: lang}}
	if len(comments) > commentsPerPage {
		comments = comments[:commentsPerPage]
		list.OlderHref = d.href(comments[len(comments)-1].ID)
	}
	ids := make([]int64, 0, len(comments))
	for _, cm := range comments {
		ids = append(ids, cm.AuthorID)
		if cm.HiddenBy != nil {
			ids = append(ids, *cm.HiddenBy)
		}
	}
	users, err := h.read.UsersByIDs(ctx, ids)
	if err != nil {
		return commentList{}, err
	}
	// Newest first from the store; a page reads oldest first.
	list.Items = make([]commentView, len(comments))
	for i, cm := range comments {
		list.Items[len(comments)-1-i] = h.commentView(list.Base, cm, users)
	}
	return list, nil
}

func (h *handler) commentView(b Base, cm model.Comment, users map[int64]*model.User) commentView {
	item := commentView{ID: cm.ID, At: cm.CreatedAt}
	if cm.Hidden() {
		item.Hidden, item.HiddenAt = true, *cm.HiddenAt
		by := ""
		if u := users[*cm.HiddenBy]; u != nil {
			by = u.Name()
		}
		item.HiddenNote = b.T("comments.hidden_by", by)
		if cm.HiddenReason != "" {
			item.HiddenNote = b.T("comments.hidden_by_reason", by, cm.HiddenReason)
		}
		return item
	}
	item.Body = h.markdown.Inline(cm.Body)
	item.Marker = template.HTML(commentMarker + strconv.FormatInt(cm.ID, 10) + "-->") //nolint:gosec // G203: a number in our own comment
	if u := users[cm.AuthorID]; u != nil {
		item.Author = view.PersonOf(u)
	}
	if cm.RevisionNumber != nil {
		item.Revision = *cm.RevisionNumber
	}
	return item
}

// commentHide is what the comment_hide partial shows.
type commentHide struct {
	Base
	ID          int64
	Action      string
	NeedsReason bool
}

// withCommentControls puts, after each message the reader may withdraw,
// the control to do so: the kept discussion is the same for everyone, the
// controls are the reader's own (an author's last quarter of an hour, or
// an admin's every message). Anonymous readers cost nothing here.
func (h *handler) withCommentControls(c *fiber.Ctx, sh *model.Sheet, items template.HTML) (template.HTML, error) {
	user := request.User(c)
	if user == nil || !strings.Contains(string(items), commentMarker) {
		return items, nil
	}
	now := time.Now().UTC()
	own, err := h.read.OwnCommentsSince(c.UserContext(), sh.ID, user.ID, now.Add(-sheet.CommentEditWindow))
	if err != nil {
		return "", err
	}
	if len(own) == 0 && !user.IsAdmin() {
		return items, nil
	}
	mine := make(map[int64]bool, len(own))
	for _, id := range own {
		mine[id] = true
	}
	base := h.base(c, "")
	var out strings.Builder
	rest := string(items)
	for {
		i := strings.Index(rest, commentMarker)
		if i < 0 {
			break
		}
		end := strings.Index(rest[i:], "-->")
		if end < 0 {
			break
		}
		out.WriteString(rest[:i])
		id, _ := strconv.ParseInt(rest[i+len(commentMarker):i+end], 10, 64)
		rest = rest[i+end+len("-->"):]
		if !mine[id] && !user.IsAdmin() {
			continue
		}
		control, err := h.views.Fragment(pageSheetShow, "comment_hide", commentHide{
			Base: base, ID: id, NeedsReason: !mine[id],
			Action: "/sheets/" + sh.Slug + "/comments/" + strconv.FormatInt(id, 10) + "/hide",
		})
		if err != nil {
			return "", err
		}
		out.Write(control)
	}
	out.WriteString(rest)
	return template.HTML(out.String()), nil //nolint:gosec // G203: html/template's own output, spliced
}

// createComment posts to a sheet's discussion, or a review's when the form
// names one, and goes back to where the form was. A message refused (too
// many lately, or invalid) shows the discussion again with the reason and
// the text as it was typed.
func (h *handler) createComment(c *fiber.Ctx) error {
	slug := c.Params("slug")
	in := sheet.CommentInput{Body: c.FormValue("body")}
	if raw := c.FormValue("review"); raw != "" {
		id, err := request.ParsePositive(raw)
		if err != nil {
			return fiber.ErrNotFound
		}
		rid := int64(id)
		in.ReviewID = &rid
	}
	if raw := c.FormValue("revision"); raw != "" {
		n, err := request.ParsePositive(raw)
		if err != nil {
			return httpx.NewError(fiber.StatusUnprocessableEntity, "unknown_revision", "error.unknown_revision")
		}
		in.Revision = &n
	}
	cm, err := h.sheets.Comment(c.UserContext(), request.User(c), slug, in)
	var limited *sheet.RateLimitedError
	var invalid *sheet.InvalidError
	switch {
	case errors.As(err, &limited):
		b := h.base(c, "")
		httpx.SetRetryAfter(c, limited.RetryAfter)
		minutes := int((limited.RetryAfter + time.Minute - 1) / time.Minute)
		return h.renderDiscussion(c, fiber.StatusTooManyRequests, in, b.N("comments.rate_limited", minutes))
	case errors.As(err, &invalid) && invalid.Field == "body":
		he, _ := httpx.Classify(invalid)
		return h.renderDiscussion(c, he.Status, in, h.base(c, "").T(invalid.Key, invalid.Args...))
	case err != nil:
		return err
	}
	h.flash(c, "success", "commented")
	sh := &model.Sheet{Slug: slug}
	return redirect(c, discussionRef{Sheet: sh, Review: cm.ReviewID}.back())
}

// hideComment withdraws a message from a page's form: its author's button,
// or an admin's with a reason. It goes back to where the message was.
func (h *handler) hideComment(c *fiber.Ctx) error {
	id, err := request.ParamInt(c, "id")
	if err != nil {
		return err
	}
	cm, err := h.read.CommentByID(c.UserContext(), int64(id))
	if err != nil {
		return err
	}
	sh, err := h.read.SheetBySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	if cm.SheetID != sh.ID {
		return fiber.ErrNotFound
	}
	if _, err := h.sheets.HideComment(c.UserContext(), request.User(c), cm.ID, c.FormValue("reason")); err != nil {
		return err
	}
	h.flash(c, "success", "comment_hidden")
	back := discussionRef{Sheet: sh, Review: cm.ReviewID}.back()
	return redirect(c, strings.TrimSuffix(back, "#discussion")+"#comment-"+strconv.FormatInt(cm.ID, 10))
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
	// NewerHref leads back to the latest messages, from an older page.
	NewerHref string
	// Error and Body give back a refused message with its reason.
	Error string
	Body  string
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
