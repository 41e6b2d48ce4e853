package web

import (
	"github.com/gofiber/fiber/v2"

	"atlas/internal/i18n"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
	"atlas/internal/web/view"
)

// Base is what every page's data embeds (see view.Base): an alias, so the
// templates find its fields and methods one embedding deep, as cheaply as
// before the engine had its own package.
type Base = view.Base

func (h *handler) base(c *fiber.Ctx, title string) Base {
	b := view.NewBase(request.Lang(c), h.assets, h.maps)
	b.Title, b.User, b.Path = title, request.User(c), c.Path()
	if s := request.Session(c); s != nil {
		b.CSRF = s.CSRFToken
	}
	if b.User != nil {
		b.Unread = h.unreadOf(c)
	}
	if m, ok := h.flashOf(c); ok {
		b.FlashKind, b.Flash = m.kind, i18n.T(b.Lang, "flash."+m.key)
	}
	return b
}

// redirect ends a successful form post (post/redirect/get).
func redirect(c *fiber.Ctx, to string) error {
	return c.Redirect(to, fiber.StatusSeeOther)
}

type errorPage struct {
	Base
	Status  int
	Message string
	// Back, when set, leads back to the page the refused form was on.
	Back string
}

func (h *handler) renderErrorPage(c *fiber.Ctx, he *httpx.Error) error {
	return h.renderErrorPageBack(c, he, "")
}

func (h *handler) renderErrorPageBack(c *fiber.Ctx, he *httpx.Error, back string) error {
	b := h.base(c, "")
	b.Title = b.T("error.title")
	return h.views.Render(c, he.Status, pageError, errorPage{Base: b, Status: he.Status, Message: he.Message(b.Lang), Back: back})
}
