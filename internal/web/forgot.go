package web

import (
	"github.com/gofiber/fiber/v2"

	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
)

// forgotPage asks for a username or an e-mail address, then says the same
// thing whatever was typed.
type forgotPage struct {
	Base
	Login string
	Sent  bool
	Error string
}

// canMailPasswords says whether "Mot de passe oublié ?" is offered: only
// with a mail relay, or the page would promise a mail that never leaves.
func (h *handler) canMailPasswords() bool { return h.notify != nil && h.notify.CanMail() }

func (h *handler) renderForgot(c *fiber.Ctx, status int, p forgotPage) error {
	p.Base = h.loginBase(c)
	p.Title = p.T("forgot.title")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.views.Render(c, status, pageForgot, p)
}

func (h *handler) showForgotPage(c *fiber.Ctx) error {
	if !h.canMailPasswords() {
		return fiber.ErrNotFound
	}
	return h.renderForgot(c, fiber.StatusOK, forgotPage{})
}

// sendPasswordMail queues a password link for the account typed, if any.
// The answer is the same whether one exists or not; only the asking
// address's own limit shows (429).
func (h *handler) sendPasswordMail(c *fiber.Ctx) error {
	if !h.canMailPasswords() {
		return fiber.ErrNotFound
	}
	login := c.FormValue("login")
	u, err := h.auth.PasswordMailFor(c.UserContext(), login, h.client.IP(c))
	if err != nil {
		he, internal := httpx.Classify(err)
		if internal {
			return err
		}
		return h.renderForgot(c, he.Status, forgotPage{Login: login, Error: he.Message(request.Lang(c))})
	}
	if u != nil {
		if err := h.notify.QueuePasswordMail(c.UserContext(), u.ID); err != nil {
			return err
		}
	}
	return h.renderForgot(c, fiber.StatusOK, forgotPage{Sent: true})
}
