package web

import (
	"crypto/subtle"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/auth"
	"atlas/internal/web/httpx"
)

// The login form needs a CSRF token before there is a session to bind it
// to. An anonymous session written for every visit of /login cost a row
// per cookieless request, a crawler's or a flood's; instead the token is
// a random value in a cookie of its own, which the form repeats (double
// submit). Another site can neither read that cookie nor set it
// (HttpOnly, SameSite=Strict, and the __Host- prefix over https), so it
// cannot fill the field. A session is written only when someone logs in.

// loginCSRFLifetime is how long a login form stays usable.
const loginCSRFLifetime = 2 * time.Hour

func (h *handler) loginCSRFCookieName() string {
	if h.cfg.SecureCookies() {
		return "__Host-atlas_login"
	}
	return "atlas_login"
}

// loginCSRF is the visitor's login token: the cookie's when it holds one,
// else a new one, set in the cookie.
func (h *handler) loginCSRF(c *fiber.Ctx) string {
	if token := c.Cookies(h.loginCSRFCookieName()); wellFormedToken(token) {
		return token
	}
	token := auth.NewToken()
	c.Cookie(&fiber.Cookie{
		Name: h.loginCSRFCookieName(), Value: token, Path: "/", MaxAge: int(loginCSRFLifetime.Seconds()),
		Secure: h.cfg.SecureCookies(), HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode,
	})
	return token
}

// loginCSRFMatches tells whether a posted login form repeats its cookie.
func (h *handler) loginCSRFMatches(c *fiber.Ctx, given string) bool {
	token := c.Cookies(h.loginCSRFCookieName())
	return wellFormedToken(token) && subtle.ConstantTimeCompare([]byte(given), []byte(token)) == 1
}

// clearLoginCSRF drops the cookie once logged in: the session's token
// takes over.
func (h *handler) clearLoginCSRF(c *fiber.Ctx) {
	if c.Cookies(h.loginCSRFCookieName()) == "" {
		return
	}
	c.Cookie(&fiber.Cookie{
		Name: h.loginCSRFCookieName(), Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1,
		Secure: h.cfg.SecureCookies(), HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode,
	})
}

// wellFormedToken: what auth.NewToken makes, 43 URL-safe base64 characters.
func wellFormedToken(token string) bool {
	if len(token) != 43 {
		return false
	}
	return !strings.ContainsFunc(token, func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '-' && r != '_'
	})
}

// anonymousForm says whether a path's form is posted by someone not signed
// in, with the login cookie's token: the login form and the one-time
// links' forms.
func anonymousForm(path string) bool {
	return path == "/login" || path == "/forgot" || path == "/signup" || strings.HasPrefix(path, "/setup/") || strings.HasPrefix(path, "/password/")
}

// loginBase is the base of the login page: its form carries the session's
// token when there is a session, else the login cookie's.
func (h *handler) loginBase(c *fiber.Ctx) Base {
	b := h.base(c, "")
	b.Title = b.T("login.title")
	if b.CSRF == "" {
		b.CSRF = h.loginCSRF(c)
	}
	return b
}

// loginRefusal is the status and message of a login attempt that did not
// log in, setting Retry-After when waiting helps; ok is false for an
// error that is not a refusal.
func loginRefusal(c *fiber.Ctx, b Base, err error) (status int, message string, ok bool) {
	var throttled *auth.ThrottledError
	switch {
	case errors.Is(err, auth.ErrBusy):
		httpx.SetRetryAfter(c, auth.BusyRetryAfter)
		return fiber.StatusServiceUnavailable, b.T("login.busy"), true
	case errors.As(err, &throttled) && throttled.Checked:
		httpx.SetRetryAfter(c, throttled.RetryAfter)
		return fiber.StatusUnauthorized, b.T("login.failed_wait", httpx.WaitText(b.Lang, throttled.RetryAfter)), true
	case throttled != nil:
		httpx.SetRetryAfter(c, throttled.RetryAfter)
		return fiber.StatusTooManyRequests, b.T("login.throttled", httpx.WaitText(b.Lang, throttled.RetryAfter)), true
	case errors.Is(err, auth.ErrBadCredentials):
		return fiber.StatusUnauthorized, b.T("login.failed"), true
	case errors.Is(err, auth.ErrPending):
		return fiber.StatusForbidden, b.T("login.pending"), true
	}
	return 0, "", false
}
