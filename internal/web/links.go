package web

import (
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/auth"
	"atlas/internal/model"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
)

// linkPage is the form behind a one-time link: the first admin's account
// (setup) or a new password (password).
type linkPage struct {
	Base
	Action string // where the form posts: the link itself
	Form   auth.NewUser
	For    *model.User // the account a password link is for
	Error  string
}

// setupPath and passwordPath are the pages of one-time links; their token
// is the last path segment.
func setupPath(token string) string    { return "/setup/" + token }
func passwordPath(token string) string { return "/password/" + token }

// linkURL is a link's absolute address, for the log, the admin's page,
// the API and mail.
func (h *handler) linkURL(c *fiber.Ctx, path string) string { return h.client.BaseURLOf(c) + path }

func (h *handler) renderLinkPage(c *fiber.Ctx, status int, page, title string, p linkPage) error {
	p.Base = h.loginBase(c)
	p.Title = p.T(title)
	// The token is in the address: keep it out of caches and of the
	// Referer of anything the page links to.
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set("Referrer-Policy", "no-referrer")
	return h.views.Render(c, status, page, p)
}

// showSetupPage is the setup link's form, while no account exists.
func (h *handler) showSetupPage(c *fiber.Ctx) error {
	token := c.Params("token")
	if err := h.auth.CheckSetupLink(c.UserContext(), token); err != nil {
		return err
	}
	return h.renderLinkPage(c, fiber.StatusOK, pageSetup, "setup.title", linkPage{Action: setupPath(token)})
}

// completeSetup creates the first admin and signs them in.
func (h *handler) completeSetup(c *fiber.Ctx) error {
	token := c.Params("token")
	form := auth.NewUser{Username: c.FormValue("username"), Email: c.FormValue("email"), DisplayName: c.FormValue("display_name"),
		Password: c.FormValue("password")}
	u, err := h.auth.CompleteSetup(c.UserContext(), token, form)
	if err != nil {
		he, internal := httpx.Classify(err)
		if internal || errors.Is(err, auth.ErrLinkDead) {
			return err
		}
		form.Password = ""
		return h.renderLinkPage(c, he.Status, pageSetup, "setup.title", linkPage{Action: setupPath(token), Form: form, Error: he.Message(request.Lang(c))})
	}
	if err := h.signInAfterLink(c, u); err != nil {
		return err
	}
	h.flash(c, "success", "setup_done")
	return redirect(c, "/")
}

// showPasswordLinkPage is a password link's form.
func (h *handler) showPasswordLinkPage(c *fiber.Ctx) error {
	token := c.Params("token")
	u, err := h.auth.PasswordLinkUser(c.UserContext(), token)
	if err != nil {
		return err
	}
	return h.renderLinkPage(c, fiber.StatusOK, pagePasswordLink, "password_link.title", linkPage{Action: passwordPath(token), For: u})
}

// usePasswordLink sets the password (its sessions and API tokens end) and
// signs the person in.
func (h *handler) usePasswordLink(c *fiber.Ctx) error {
	token := c.Params("token")
	u, err := h.auth.UsePasswordLink(c.UserContext(), token, c.FormValue("password"))
	if err != nil {
		he, internal := httpx.Classify(err)
		if internal || errors.Is(err, auth.ErrLinkDead) {
			return err
		}
		target, lerr := h.auth.PasswordLinkUser(c.UserContext(), token)
		if lerr != nil {
			return lerr
		}
		return h.renderLinkPage(c, he.Status, pagePasswordLink, "password_link.title", linkPage{Action: passwordPath(token), For: target, Error: he.Message(request.Lang(c))})
	}
	if err := h.signInAfterLink(c, u); err != nil {
		return err
	}
	h.flash(c, "success", "password_set")
	return redirect(c, "/")
}

// signInAfterLink starts a session for whoever just used a link: they
// proved they hold it, and the password they chose is theirs.
func (h *handler) signInAfterLink(c *fiber.Ctx, u *model.User) error {
	oldToken, _ := c.Locals(localSessionToken).(string)
	token, sess, err := h.auth.Login(c.UserContext(), u, oldToken)
	if err != nil {
		return err
	}
	h.setSessionCookie(c, token, sess.ExpiresAt)
	h.clearLoginCSRF(c)
	return nil
}

// createResetLink makes a password link for another account and shows it
// once on the accounts page, for the admin to hand over or send.
func (h *handler) createResetLink(c *fiber.Ctx) error {
	id, err := request.ParamInt(c, "id")
	if err != nil {
		return err
	}
	target, err := h.read.UserByID(c.UserContext(), int64(id))
	if err != nil {
		return err
	}
	link, err := h.auth.NewPasswordLink(c.UserContext(), request.User(c), target, "admin", c.FormValue("reason"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.renderAdminUsersPage(c, fiber.StatusCreated, adminUsersPage{NewLink: &shownLink{
		For: target.Username, URL: h.linkURL(c, passwordPath(link.Token)), ExpiresAt: link.ExpiresAt}})
}

// shownLink is a password link shown once to the admin who made it.
type shownLink struct {
	For       string
	URL       string
	ExpiresAt time.Time
}

// apiCreateResetLink is createResetLink for programs:
// POST /api/v1/users/{username}/reset-link → 201 {"url", "expires_at"}.
func (h *handler) apiCreateResetLink(c *fiber.Ctx) error {
	target, err := h.read.UserByUsername(c.UserContext(), c.Params("username"))
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if len(c.Body()) > 0 {
		if err := request.DecodeJSON(c, &in); err != nil {
			return err
		}
	}
	link, err := h.auth.NewPasswordLink(c.UserContext(), request.User(c), target, "admin", in.Reason)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"url": h.linkURL(c, passwordPath(link.Token)), "expires_at": link.ExpiresAt})
}
