package web

import (
	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/web/request"
)

type homePage struct {
	Base
	Recent     []model.Sheet
	Validated  []model.CardRow
	Changes    []changeItem
	Categories []categoryCount
	HasMap     bool
	Tiles      string
	Attrib     string
	// FirstSteps guides the first visitor of an atlas without sheets:
	// "no_account" (create the administrator first) or "no_sheet".
	FirstSteps string
}

type categoryCount struct {
	Slug  string
	Name  string
	Count int
}

// showHomePage is the atlas's front: the map, the categories with their
// counts, the latest validated sheets and the latest changes.
func (h *handler) showHomePage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	recent, err := h.read.RecentSheets(ctx, 8)
	if err != nil {
		return err
	}
	validated, err := h.read.RecentlyValidated(ctx, 6)
	if err != nil {
		return err
	}
	counts, err := h.read.CategoryCounts(ctx)
	if err != nil {
		return err
	}
	p := homePage{Base: h.base(c, ""), Recent: recent, Validated: validated, Tiles: h.cfg.TileURL, Attrib: h.cfg.TileAttribution,
		HasMap: h.assets.Has("vendor/leaflet/leaflet.js")}
	for _, cat := range sheet.Categories {
		p.Categories = append(p.Categories, categoryCount{Slug: cat.Slug, Name: categoryName(p.Lang, cat), Count: counts[cat.Slug]})
	}
	if p.Changes, _, _, err = h.loadChanges(c, nil, 8); err != nil {
		return err
	}
	if len(recent) == 0 {
		if p.FirstSteps, err = h.firstSteps(c); err != nil {
			return err
		}
	}
	return h.views.Render(c, fiber.StatusOK, pageHome, p)
}

// firstSteps says what an atlas without sheets needs next. Accounts are
// made on the command line until an administrator exists (no account
// becomes admin by itself), so an atlas without any tells how.
func (h *handler) firstSteps(c *fiber.Ctx) (string, error) {
	users, err := h.read.ListUsers(c.UserContext())
	if err != nil {
		return "", err
	}
	if len(users) == 0 {
		return "no_account", nil
	}
	return "no_sheet", nil
}

type sheetListPage struct {
	Base
	Sheets     []model.CardRow
	Next       string
	Category   string
	Tag        string
	Categories []categoryOption
}

const sheetListPageSize = 50

// showSheetListPage lists sheets as readers see them, filtered by category
// or tag.
func (h *handler) showSheetListPage(c *fiber.Ctx) error {
	f, err := request.CardFilter(c, sheetListPageSize+1, "after")
	if err != nil {
		return err
	}
	list, err := h.read.Cards(c.UserContext(), f)
	if err != nil {
		return err
	}
	p := sheetListPage{Base: h.base(c, ""), Category: f.Category, Tag: f.Tag}
	p.Title = p.T("sheets.title")
	if len(list) > sheetListPageSize {
		list = list[:sheetListPageSize]
		p.Next = list[len(list)-1].Slug
	}
	p.Sheets = list
	p.Categories = h.categoryOptions(p.Lang, []string{f.Category})
	return h.views.Render(c, fiber.StatusOK, pageSheetList, p)
}
