package web

import (
	"github.com/gofiber/fiber/v2"
	"strconv"

	"atlas/internal/model"
)

type historyRow struct {
	Revision *model.Revision
	Author   string
	State    string
	// Delta is the size change from the previous revision in bytes, as
	// wikis show it; HasDelta is false for the first revision of a page.
	Delta    int
	HasDelta bool
}

type historyPage struct {
	Base
	Sheet *model.Sheet
	Rows  []historyRow
	// From and To preselect the comparison radios: the two newest rows.
	From, To int
	Next     int
	First    bool
	Tabs     sheetTabs
}

const historyPageSize = 50

func (h *handler) showHistoryPage(c *fiber.Ctx) error {
	sh, err := h.sheetForPage(c)
	if err != nil {
		return err
	}
	before, err := queryInt(c, "before", 0, 0)
	if err != nil {
		return err
	}
	if before > sh.HeadNumber {
		// Past the newest version it is the first page: one cache entry,
		// not one per number a crawler makes up.
		before = 0
	}
	return h.maybeCached(c, pageHistory, sh, strconv.Itoa(before), func() (any, error) { return h.historyPageData(c, sh, before) })
}

func (h *handler) historyPageData(c *fiber.Ctx, sh *model.Sheet, before int) (any, error) {
	ctx := c.UserContext()
	// One extra row gives the size delta of the page's oldest revision.
	page, err := h.store.ListRevisions(ctx, sh.ID, before, historyPageSize+1)
	if err != nil {
		return nil, err
	}
	revs := page.Revisions
	next := 0
	if len(revs) > historyPageSize {
		revs = revs[:historyPageSize]
		next = revs[len(revs)-1].Number
	}
	authors, err := h.store.UsersByIDs(ctx, authorIDs(page.Revisions))
	if err != nil {
		return nil, err
	}
	states, err := h.revisionStates(ctx, sh)
	if err != nil {
		return nil, err
	}
	p := historyPage{Base: h.base(c, sh.Title), Sheet: sh, Next: next, First: before == 0,
		Tabs: newSheetTabs(langOf(c), sh.Slug, tabHistory, userOf(c) != nil)}
	for i := range revs {
		r := &revs[i]
		row := historyRow{Revision: r, State: stateOf(states, r.Number)}
		if u := authors[r.AuthorID]; u != nil {
			row.Author = u.Name()
		}
		if i+1 < len(page.Revisions) {
			row.Delta, row.HasDelta = r.Size-page.Revisions[i+1].Size, true
		}
		p.Rows = append(p.Rows, row)
	}
	if len(revs) > 0 {
		p.To = revs[0].Number
		p.From = p.To
		if len(revs) > 1 {
			p.From = revs[1].Number
		}
	}
	return p, nil
}
