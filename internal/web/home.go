package web

import (
	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/store"
)

type homePage struct {
	Base
	Recent []model.Sheet
}

func (h *handler) showHomePage(c *fiber.Ctx) error {
	recent, err := h.store.RecentSheets(c.UserContext(), 12)
	if err != nil {
		return err
	}
	b := h.base(c, "")
	return h.views.render(c, fiber.StatusOK, pageHome, homePage{Base: b, Recent: recent})
}

type sheetListPage struct {
	Base
	Sheets []model.Sheet
	Next   string
}

const sheetListPageSize = 50

func (h *handler) showSheetListPage(c *fiber.Ctx) error {
	list, err := h.store.ListSheets(c.UserContext(), store.SheetListOptions{Limit: sheetListPageSize + 1, After: c.Query("after")})
	if err != nil {
		return err
	}
	p := sheetListPage{Base: h.base(c, "")}
	p.Title = p.T("sheets.title")
	if len(list) > sheetListPageSize {
		list = list[:sheetListPageSize]
		p.Next = list[len(list)-1].Slug
	}
	p.Sheets = list
	return h.views.render(c, fiber.StatusOK, pageSheetList, p)
}
