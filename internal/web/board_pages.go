package web

import (
	"slices"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
)

type boardPage struct {
	Base
	Sheet   *model.Sheet
	Options []boardOption
	Tabs    sheetTabs
	Error   string
}

type boardOption struct {
	Username string
	Name     string
	Checked  bool
}

func (h *handler) renderBoard(c *fiber.Ctx, status int, checked []string, message string) error {
	ctx := c.UserContext()
	sh, err := h.store.SheetBySlug(ctx, c.Params("slug"))
	if err != nil {
		return err
	}
	if checked == nil {
		board, err := h.store.BoardOf(ctx, sh.ID)
		if err != nil {
			return err
		}
		for _, u := range board {
			checked = append(checked, u.Username)
		}
	}
	users, err := h.store.ListUsers(ctx)
	if err != nil {
		return err
	}
	p := boardPage{Base: h.base(c, sh.Title), Sheet: sh, Tabs: newSheetTabs(langOf(c), sh.Slug, tabReviews, true), Error: message}
	for _, u := range users {
		if u.Disabled {
			continue
		}
		p.Options = append(p.Options, boardOption{Username: u.Username, Name: u.Name(), Checked: slices.Contains(checked, u.Username)})
	}
	return h.views.render(c, status, pageBoard, p)
}

func (h *handler) showBoardPage(c *fiber.Ctx) error {
	return h.renderBoard(c, fiber.StatusOK, nil, "")
}

func (h *handler) updateBoard(c *fiber.Ctx) error {
	var members []string
	for _, v := range c.Request().PostArgs().PeekMulti("members") {
		members = append(members, string(v))
	}
	if members == nil {
		members = []string{}
	}
	if _, err := h.reviews.SetBoard(c.UserContext(), userOf(c), c.Params("slug"), members); err != nil {
		he, internal := classify(err)
		if internal {
			return err
		}
		return h.renderBoard(c, he.Status, members, he.Message(langOf(c)))
	}
	h.flash(c, "success", "board_updated")
	return redirect(c, "/sheets/"+c.Params("slug"))
}
