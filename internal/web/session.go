package web

import (
	"errors"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/auth"
	"atlas/internal/i18n"
)

type loginPage struct {
	Base
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

// showLoginPage gives an anonymous visitor a session just for the form's
// CSRF token; logging in replaces it.
func (h *handler) showLoginPage(c *fiber.Ctx) error {
	if userOf(c) != nil {
		return redirect(c, safeNext(c.Query("next")))
	}
	if err := h.ensureSession(c); err != nil {
		return err
	}
	b := h.base(c, "")
	b.Title = b.T("login.title")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.views.render(c, fiber.StatusOK, pageLogin, loginPage{Base: b, Next: safeNext(c.Query("next"))})
}

// ensureSession gives a visitor without one an anonymous session, which
// the login form needs for its CSRF token; logging in replaces it.
func (h *handler) ensureSession(c *fiber.Ctx) error {
	if sessionOf(c) != nil {
		return nil
	}
	token, sess, err := h.auth.StartSession(c.UserContext(), nil)
	if err != nil {
		return err
	}
	h.setSessionCookie(c, token, sess.ExpiresAt)
	c.Locals(localSession, sess)
	return nil
}

func (h *handler) login(c *fiber.Ctx) error {
	username, password := c.FormValue("username"), c.FormValue("password")
	next := safeNext(c.FormValue("next"))
	kept, err := readKept(c)
	if err != nil {
		return err
	}
	user, err := h.auth.SignIn(c.UserContext(), username, password, h.clientIP(c))
	if errors.Is(err, auth.ErrThrottled) || errors.Is(err, auth.ErrBadCredentials) {
		b := h.base(c, "")
		b.Title = b.T("login.title")
		status, message := fiber.StatusUnauthorized, b.T("login.failed")
		if errors.Is(err, auth.ErrThrottled) {
			status, message = fiber.StatusTooManyRequests, b.T("login.throttled")
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(auth.ThrottleWindow.Seconds())))
		}
		p := loginPage{Base: b, Next: next, Username: username, Error: message}
		if kept != nil {
			p.Kept, p.KeptBody, p.KeptSummary = c.FormValue("kept"), kept.Form.Body, kept.Form.Summary
			p.KeptNotice = b.T("login.kept")
		}
		return h.views.render(c, status, pageLogin, p)
	}
	if err != nil {
		return err
	}
	oldToken, _ := c.Locals(localSessionToken).(string)
	token, sess, err := h.auth.Login(c.UserContext(), user, oldToken)
	if err != nil {
		return err
	}
	h.setSessionCookie(c, token, sess.ExpiresAt)
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
		back = safeNext(ref.RequestURI())
	}
	return redirect(c, back)
}
