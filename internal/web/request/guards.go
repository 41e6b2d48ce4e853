package request

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/auth"
	"atlas/internal/web/httpx"
)

// RequireLogin lets signed-in accounts through; others get a 401 under
// /api, the login page elsewhere (coming back here after it).
func RequireLogin(c *fiber.Ctx) error {
	if User(c) == nil {
		if httpx.IsAPI(c) {
			return httpx.NewError(fiber.StatusUnauthorized, "unauthorized", "error.authentication_required")
		}
		return c.Redirect("/login?next="+url.QueryEscape(SafeNext(c.OriginalURL())), fiber.StatusSeeOther)
	}
	return c.Next()
}

// RequireAdmin lets administrators through; other accounts get a 403,
// anonymous readers what RequireLogin gives them.
func RequireAdmin(c *fiber.Ctx) error {
	u := User(c)
	if u == nil {
		return RequireLogin(c)
	}
	if !u.IsAdmin() {
		return auth.ErrForbidden
	}
	return c.Next()
}

// SafeNext keeps a post-login redirect on this site: a local path, with no
// control character (which could split the Location header) and no
// backslash (which browsers read as a slash, making "/\\evil" another host).
func SafeNext(next string) string {
	if next == "" || strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return u.RequestURI()
}
