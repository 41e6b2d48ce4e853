package web

import (
	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
)

type accountPage struct {
	Base
	Tokens   []model.APIToken
	NewToken string
	Error    string
}

func (h *handler) renderAccount(c *fiber.Ctx, status int, newToken, message string) error {
	tokens, err := h.read.APITokensOfUser(c.UserContext(), request.User(c).ID)
	if err != nil {
		return err
	}
	b := h.base(c, "")
	b.Title = b.T("account.title")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.views.Render(c, status, pageAccount, accountPage{Base: b, Tokens: tokens, NewToken: newToken, Error: message})
}

func (h *handler) showAccountPage(c *fiber.Ctx) error {
	return h.renderAccount(c, fiber.StatusOK, "", "")
}

func (h *handler) changePassword(c *fiber.Ctx) error {
	user := request.User(c)
	ended, err := h.auth.ChangePassword(c.UserContext(), user, c.FormValue("current_password"), c.FormValue("password"))
	if err != nil {
		he, internal := httpx.Classify(err)
		if internal {
			return err
		}
		return h.renderAccount(c, he.Status, "", he.Message(request.Lang(c)))
	}
	// Every session of the account ended; this one continues in a new one.
	token, sess, err := h.auth.StartSession(c.UserContext(), &user.ID)
	if err != nil {
		return err
	}
	h.setSessionCookie(c, token, sess.ExpiresAt)
	// Say that the tokens went too: the programs using them stop at once.
	if ended > 0 {
		h.flash(c, "success", "password_changed_tokens")
	} else {
		h.flash(c, "success", "password_changed")
	}
	return redirect(c, "/account")
}

// createToken shows the new token once, on the page that answers the post:
// it is never stored in clear, so it cannot be shown again.
func (h *handler) createToken(c *fiber.Ctx) error {
	token, err := h.auth.CreateAPIToken(c.UserContext(), request.User(c).ID, c.FormValue("name"))
	if err != nil {
		he, internal := httpx.Classify(err)
		if internal {
			return err
		}
		return h.renderAccount(c, he.Status, "", he.Message(request.Lang(c)))
	}
	return h.renderAccount(c, fiber.StatusCreated, token, "")
}

func (h *handler) deleteToken(c *fiber.Ctx) error {
	id, err := request.ParamInt(c, "id")
	if err != nil {
		return err
	}
	if err := h.auth.DeleteAPIToken(c.UserContext(), request.User(c), int64(id)); err != nil {
		return err
	}
	h.flash(c, "success", "token_deleted")
	return redirect(c, "/account")
}
