package web

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/i18n"
	"atlas/internal/web/request"
)

type loginPage struct {
	Base
	// Forgot offers "Mot de passe oublié ?": only with a mail relay.
	Forgot bool
	// Signup offers "Créer un compte" (ATLAS_SIGNUP approval or open).
	Signup   bool
	Next     string
	Username string
	Error    string
	// Kept is an editor's refused submission carried through the form
	// (see login_kept.go); KeptBody and KeptSummary show its text.
	Kept        string
	KeptNotice  string
	KeptBody    string
	KeptSummary string
	// KeptOpen shows the kept text unfolded: it could not be reopened in
	// the editor.
	KeptOpen bool
}

// showLoginPage writes nothing to the database: the form's CSRF token is
// the session's when there is one, else the login cookie's (see
// login_guard.go).
func (h *handler) showLoginPage(c *fiber.Ctx) error {
	if request.User(c) != nil {
		return redirect(c, request.SafeNext(c.Query("next")))
	}
	b := h.loginBase(c)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.views.Render(c, fiber.StatusOK, pageLogin, loginPage{Base: b, Next: request.SafeNext(c.Query("next")), Forgot: h.canMailPasswords(), Signup: h.signupOpen()})
}

func (h *handler) login(c *fiber.Ctx) error {
	username, password := c.FormValue("username"), c.FormValue("password")
	next := request.SafeNext(c.FormValue("next"))
	kept, err := readKept(c)
	if err != nil {
		return err
	}
	user, err := h.auth.SignIn(c.UserContext(), username, password, h.client.IP(c))
	if err != nil {
		b := h.loginBase(c)
		status, message, refused := loginRefusal(c, b, err)
		if !refused {
			return err
		}
		p := loginPage{Base: b, Next: next, Username: username, Error: message, Forgot: h.canMailPasswords(), Signup: h.signupOpen()}
		if kept != nil {
			p.Kept, p.KeptBody, p.KeptSummary = c.FormValue("kept"), kept.Form.Body, kept.Form.Summary
			p.KeptNotice = b.T("login.kept")
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		return h.views.Render(c, status, pageLogin, p)
	}
	oldToken, _ := c.Locals(localSessionToken).(string)
	token, sess, err := h.auth.Login(c.UserContext(), user, oldToken)
	if err != nil {
		return err
	}
	h.setSessionCookie(c, token, sess.ExpiresAt)
	h.clearLoginCSRF(c)
	if kept != nil {
		return h.landWithKept(c, user, sess, kept)
	}
	h.flash(c, "success", "logged_in")
	return redirect(c, next)
}

func (h *handler) logout(c *fiber.Ctx) error {
	if token, _ := c.Locals(localSessionToken).(string); token != "" {
		if err := h.auth.Logout(c.UserContext(), token); err != nil {
			return err
		}
	}
	h.clearSessionCookie(c)
	h.flash(c, "info", "logged_out")
	return redirect(c, "/")
}

// switchLanguage remembers the chosen language in a cookie and goes back to
// the page the link was on.
func (h *handler) switchLanguage(c *fiber.Ctx) error {
	lang := c.Params("lang")
	if !i18n.Supported(lang) {
		return fiber.ErrNotFound
	}
	c.Cookie(&fiber.Cookie{
		Name: "atlas_lang", Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		Secure: h.cfg.SecureCookies(), HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
	})
	back := "/"
	if ref, err := url.Parse(c.Get(fiber.HeaderReferer)); err == nil && ref.Path != "" {
		back = request.SafeNext(ref.RequestURI())
	}
	return redirect(c, back)
}
