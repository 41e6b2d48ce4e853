package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/diff"
	"atlas/internal/web/request"
)

func (h *handler) apiListRevisions(c *fiber.Ctx) error {
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

func (h *handler) apiShowRevision(c *fiber.Ctx) error {
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

type apiMetaChange struct {
	Field string `json:"field"`
	From  any    `json:"from"`
	To    any    `json:"to"`
}

func (h *handler) apiDiff(c *fiber.Ctx) error {
	sh, err := h.sheetForPage(c) // found by sheetAddress
	if err != nil {
		return err
	}
	from, to, err := comparedRange(c, sh)
	if err != nil {
		return err
	}
	if err := request.Viewer(c).MayRead(sh, from, to); err != nil {
		return err
	}
	// Revisions never change, so the sheet and the two numbers name the
	// answer for ever; it is computed once, in a comparison slot.
	key := "apidiff|" + strconv.FormatInt(sh.ID, 10) + "|" + strconv.Itoa(from) + "|" + strconv.Itoa(to)
	body, err := h.caches.apiDiffs.get(c.UserContext(), key, func() ([]byte, error) {
		cmp, err := h.loadComparison(c, sh, from, to)
		if err != nil {
			return nil, err
		}
		changes := make([]apiMetaChange, 0, len(cmp.Meta))
		for _, m := range cmp.Meta {
			changes = append(changes, apiMetaChange{Field: m.Field, From: m.From, To: m.To})
		}
		sections := cmp.Result.Sections
		if sections == nil {
			sections = []diff.SectionDiff{}
		}
		return c.App().Config().JSONEncoder(fiber.Map{
			"from": cmp.From.Number, "to": cmp.To.Number,
			"stats": cmp.Result.Stats, "title": cmp.TitleOps, "meta": changes, "sections": sections,
			"truncated": cmp.Result.Truncated,
		})
	})
	if err != nil {
		return busyAnswer(c, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(body)
}
