package web

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/read"
)

// comparison is two revisions of a sheet and what separates them
// (read.Comparison).
type comparison = read.Comparison

// diffTimeout bounds the work of one comparison: a huge diff degrades to
// coarser blocks rather than holding a request.
const diffTimeout = 2 * time.Second

// comparedRange reads ?from=A&to=B: B defaults to the head, A to B's
// parent.
func comparedRange(c *fiber.Ctx, sh *model.Sheet) (from, to int, err error) {
	if to, err = queryInt(c, "to", sh.HeadNumber, 0); err != nil {
		return 0, 0, err
	}
	from, err = queryInt(c, "from", max(to-1, 1), 0)
	return from, to, err
}

// loadComparison compares two revisions of a sheet.
func (h *handler) loadComparison(c *fiber.Ctx, sh *model.Sheet, from, to int) (*comparison, error) {
	return h.read.Compare(c.UserContext(), sh, from, to, diffTimeout)
}

type diffPage struct {
	Base
	*comparison
	Side       bool
	FromAuthor string
	ToAuthor   string
	// Prev and Next step the pair one revision back or forward; zero when
	// there is nowhere to go.
	PrevFrom, PrevTo int
	NextFrom, NextTo int
	TitleChanged     bool
	MetaRows         []metaRow
	Sections         []diffSectionView
	Tabs             sheetTabs
}

// diffContext is how many unchanged lines frame each change.
const diffContext = 3

func (h *handler) showDiffPage(c *fiber.Ctx) error {
	sh, err := h.sheetForPage(c)
	if err != nil {
		return err
	}
	from, to, err := comparedRange(c, sh)
	if err != nil {
		return err
	}
	if err := viewerOf(c).MayRead(sh, from, to); err != nil {
		return err
	}
	side := c.Query("view") == "side"
	return h.maybeCached(c, pageDiff, sh, fmt.Sprintf("%d-%d-%t", from, to, side), func() (any, error) {
		return h.diffPageData(c, sh, from, to, side)
	})
}

func (h *handler) diffPageData(c *fiber.Ctx, sh *model.Sheet, from, to int, side bool) (any, error) {
	cmp, err := h.loadComparison(c, sh, from, to)
	if err != nil {
		return nil, err
	}
	ctx := c.UserContext()
	users, err := h.store.UsersByIDs(ctx, []int64{cmp.From.AuthorID, cmp.To.AuthorID})
	if err != nil {
		return nil, err
	}
	p := diffPage{
		Base: h.base(c, cmp.To.Title), comparison: cmp, Side: side,
		TitleChanged: cmp.From.Title != cmp.To.Title,
	}
	if u := users[cmp.From.AuthorID]; u != nil {
		p.FromAuthor = u.Name()
	}
	if u := users[cmp.To.AuthorID]; u != nil {
		p.ToAuthor = u.Name()
	}
	if cmp.From.Number > 1 {
		p.PrevFrom, p.PrevTo = cmp.From.Number-1, cmp.From.Number
	}
	if cmp.To.Number < cmp.Sheet.HeadNumber {
		p.NextFrom, p.NextTo = cmp.To.Number, cmp.To.Number+1
	}
	p.Sections = sectionViews(p.Lang, cmp.Result.Sections)
	p.MetaRows = metaRows(p.Lang, cmp.Meta)
	p.Tabs = newSheetTabs(p.Lang, cmp.Sheet.Slug, tabHistory, userOf(c) != nil)
	return p, nil
}
