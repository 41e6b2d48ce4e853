package web

import (
	"crypto/subtle"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/auth"
	"atlas/internal/i18n"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
)

// Keys of request-scoped values in fiber's Locals (see package request).
const (
	localUser         = request.KeyUser
	localSession      = request.KeySession
	localSessionToken = request.KeySessionToken
	localLang         = request.KeyLang
)

// securityHeaders sets the headers on every response, errors included (the
// error handler sets them again after Fiber resets a failed response).
func (h *handler) securityHeaders(c *fiber.Ctx) error {
	h.headers.Set(c)
	return c.Next()
}

// sessionCookieName uses the __Host- prefix when served over https, which
// pins the cookie to this host and path; browsers refuse that prefix on
// plain http, as on a laptop.
func (h *handler) sessionCookieName() string {
	if h.cfg.SecureCookies() {
		return "__Host-atlas_session"
	}
	return "atlas_session"
}

// loadSession resolves the session cookie, if any, to its session and
// account. Anonymous readers without a cookie cost no query.
func (h *handler) loadSession(c *fiber.Ctx) error {
	token := c.Cookies(h.sessionCookieName())
	if token != "" {
		_, slug, _ := addressedSlug(c) // its row comes in the same query
		v, stamp, err := h.visit(c, token, slug)
		sess, user := v.Session, v.User
		switch {
		case errors.Is(err, auth.ErrNoSession):
			h.clearSessionCookie(c)
		case err != nil:
			return err
		default:
			c.Locals(localSession, sess)
			c.Locals(localSessionToken, token)
			c.Locals(localBroughtSheet, v.Sheet)
			c.Locals(localVisitStamp, stamp)
			if user != nil {
				c.Locals(localUser, user)
				c.Locals(unreadKey{}, v.Unread) // see unreadOf
			}
		}
	}
	c.Locals(localLang, h.language(c))
	return c.Next()
}

// bearer authenticates API programs by their token. A token that does not
// resolve is refused outright rather than treated as anonymous, so a typo
// in a script fails loudly.
func (h *handler) bearer(c *fiber.Ctx) error {
	header := c.Get(fiber.HeaderAuthorization)
	if header == "" {
		return c.Next()
	}
	token, ok := strings.CutPrefix(header, "Bearer ")
	if !ok || token == "" {
		return httpx.NewError(fiber.StatusUnauthorized, "unauthorized", "error.bearer_expected")
	}
	_, slug, _ := addressedSlug(c) // its row comes in the same query
	user, sh, err := h.tokenUser(c, strings.TrimSpace(token), slug)
	if errors.Is(err, auth.ErrBadCredentials) {
		return httpx.NewError(fiber.StatusUnauthorized, "unauthorized", "error.token_unknown")
	}
	if err != nil {
		return err
	}
	c.Locals(localUser, user)
	c.Locals(localBroughtSheet, sh)
	c.Locals(localSession, nil) // a token request is not a browser session
	return c.Next()
}

// apiWritesNeedToken: browser sessions may read the API, but only bearer
// tokens write through it, so no cross-site form can drive the API.
func (h *handler) apiWritesNeedToken(c *fiber.Ctx) error {
	if c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead {
		return c.Next()
	}
	if err := h.methods.NotAllowed(c); err != nil {
		return err
	}
	if !strings.HasPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ") {
		return httpx.NewError(fiber.StatusUnauthorized, "unauthorized", "error.token_required")
	}
	return c.Next()
}

// checkCSRF guards every form POST: the _csrf field must equal the token
// bound to the session that posts it.
func (h *handler) checkCSRF(c *fiber.Ctx) error {
	if c.Method() != fiber.MethodPost {
		return c.Next()
	}
	if err := h.methods.NotAllowed(c); err != nil {
		return err
	}
	sess := request.Session(c)
	// Only from the body: a token in the URL would end up in logs and
	// browser history.
	given := string(c.Request().PostArgs().Peek("_csrf"))
	if given == "" {
		if form, err := c.MultipartForm(); err == nil && len(form.Value["_csrf"]) > 0 {
			given = form.Value["_csrf"][0]
		}
	}
	if sess == nil || given == "" || subtle.ConstantTimeCompare([]byte(given), []byte(sess.CSRFToken)) != 1 {
		if anonymousForm(c.Path()) && h.loginCSRFMatches(c, given) {
			return c.Next() // the login form's own token (login_guard.go)
		}
		return h.csrfRefused(c) // an editor's text is kept through login
	}
	return c.Next()
}

// language picks the interface language: an explicit choice (cookie set by
// the language link), then the browser's Accept-Language, then the
// atlas's default.
func (h *handler) language(c *fiber.Ctx) string {
	if l := c.Cookies("atlas_lang"); i18n.Supported(l) {
		return l
	}
	if l := c.AcceptsLanguages(i18n.Languages...); l != "" {
		return l
	}
	return h.cfg.Lang
}

func (h *handler) setSessionCookie(c *fiber.Ctx, token string, expires time.Time) {
	c.Cookie(&fiber.Cookie{
		Name: h.sessionCookieName(), Value: token, Path: "/", Expires: expires,
		Secure: h.cfg.SecureCookies(), HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
	})
}

func (h *handler) clearSessionCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{
		Name: h.sessionCookieName(), Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1,
		Secure: h.cfg.SecureCookies(), HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
	})
}
