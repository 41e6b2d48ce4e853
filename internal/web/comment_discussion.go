package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/web/request"
)

// discussionPage is a discussion on a page of its own: its older messages
// a page at a time, or a refused message given back with its reason.
type discussionPage struct {
	Base
	Sheet         *model.Sheet
	Heading       string
	BackHref      string
	BackLabel     string
	Tabs          sheetTabs
	CommentsBlock commentsBlock
}

// showDiscussionPage shows a page of a sheet's discussion (or a review's,
// ?review=ID), the latest messages or those before ?before=ID.
func (h *handler) showDiscussionPage(c *fiber.Ctx) error {
	sh, err := h.sheetForPage(c)
	if err != nil {
		return err
	}
	d, err := h.discussionOf(c, sh, c.Query("review"))
	if err != nil {
		return err
	}
	before, err := request.QueryInt(c, "before", 0, 0)
	if err != nil {
		return err
	}
	variant := c.Query("review") + "|" + strconv.Itoa(before)
	return h.maybeCached(c, pageDiscussion, sh, variant, func() (any, error) {
		return h.discussionPageData(c, d, int64(before), sheet.CommentInput{})
	})
}

// discussionOf names the discussion of sh that raw (a review id, or ""
// for the sheet's own) asks for; a review of another sheet is not found.
func (h *handler) discussionOf(c *fiber.Ctx, sh *model.Sheet, raw string) (discussionRef, error) {
	d := discussionRef{Sheet: sh}
	if raw == "" {
		return d, nil
	}
	id, err := request.ParsePositive(raw)
	if err != nil {
		return d, fiber.ErrNotFound
	}
	r, err := h.read.ReviewByID(c.UserContext(), int64(id))
	if err != nil {
		return d, err
	}
	if r.SheetID != sh.ID {
		return d, model.ErrNotFound
	}
	d.Review = &r.ID
	return d, nil
}

func (h *handler) discussionPageData(c *fiber.Ctx, d discussionRef, before int64, typed sheet.CommentInput) (discussionPage, error) {
	sh := d.Sheet
	items, err := h.commentItems(c, sh, d.Review, before)
	if err != nil {
		return discussionPage{}, err
	}
	p := discussionPage{Base: h.base(c, ""), Sheet: sh, BackHref: d.back()}
	p.Title = p.T("comments.page_title", sh.Title)
	p.Heading, p.BackLabel = p.Title, p.T("comments.back_sheet")
	tab := tabRead
	var reviewID int64
	if d.Review != nil {
		reviewID, tab, p.BackLabel = *d.Review, tabReviews, p.T("comments.back_review")
	}
	p.Tabs = newSheetTabs(p.Lang, sh.Slug, tab, p.User != nil)
	revision := sh.HeadNumber
	if typed.Revision != nil {
		revision = *typed.Revision
	}
	p.CommentsBlock = newCommentsBlock(p.Base, sh.Slug, reviewID, revision, items)
	if before > 0 {
		p.CommentsBlock.NewerHref = d.href(0)
	}
	return p, nil
}

// renderDiscussion shows the discussion a refused message was for, with
// the reason and the text as typed.
func (h *handler) renderDiscussion(c *fiber.Ctx, status int, in sheet.CommentInput, message string) error {
	sh, err := h.read.SheetBySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	raw := ""
	if in.ReviewID != nil {
		raw = strconv.FormatInt(*in.ReviewID, 10)
	}
	d, err := h.discussionOf(c, sh, raw)
	if err != nil {
		return err
	}
	p, err := h.discussionPageData(c, d, 0, in)
	if err != nil {
		return err
	}
	p.CommentsBlock.Error, p.CommentsBlock.Body = message, in.Body
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.views.Render(c, status, pageDiscussion, p)
}
