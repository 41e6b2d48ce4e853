package api

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/web/request"
)

func (h *Handler) apiListRevisions(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sh, err := h.sheetForPage(c) // found by sheetAddress
	if err != nil {
		return err
	}
	limit, err := request.QueryInt(c, "limit", 50, 200)
	if err != nil {
		return err
	}
	before, err := request.QueryInt(c, "before", 0, 0)
	if err != nil {
		return err
	}
	if before > sh.HeadNumber {
		before = 0 // the same page: one cache entry, not one per number made up
	}
	return h.sendAPIRead(c, sh, "history|"+strconv.Itoa(before)+"|"+strconv.Itoa(limit), func() (any, error) {
		page, err := h.read.History(ctx, sh, before, limit)
		if err != nil {
			return nil, err
		}
		list := make([]apiRevision, 0, len(page.Revisions))
		ids := make([]int64, 0, len(page.Revisions))
		for i := range page.Revisions {
			r := &page.Revisions[i]
			list = append(list, toAPIRevision(r, page.Authors[r.AuthorID], page.States.Of(r.Number)))
			ids = append(ids, r.ID)
		}
		if err := h.withCoauthors(ctx, list, ids); err != nil {
			return nil, err
		}
		var next any
		if page.Next > 0 {
			next = page.Next
		}
		return fiber.Map{"revisions": list, "next": next}, nil
	})
}

func (h *Handler) apiShowRevision(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sh, err := h.sheetForPage(c) // found by sheetAddress
	if err != nil {
		return err
	}
	n, err := request.ParamInt(c, "number")
	if err != nil {
		return err
	}
	if err := request.Viewer(c).MayRead(sh, n); err != nil {
		return err
	}
	return h.sendAPIRead(c, sh, "revision|"+strconv.Itoa(n), func() (any, error) {
		got, err := h.read.Revision(ctx, sh, n)
		if err != nil {
			return nil, err
		}
		rev := got.Revision
		summary := []apiRevision{toAPIRevision(rev, got.Author, got.State)}
		if err := h.withCoauthors(ctx, summary, []int64{rev.ID}); err != nil {
			return nil, err
		}
		return apiRevisionFull{apiRevision: summary[0], Title: rev.Title, Body: rev.Body, Meta: rev.Meta}, nil
	})
}
