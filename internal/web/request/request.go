// Package request answers, for the pages and the JSON API alike, who is
// asking and what they ask: the account, session and language the
// middleware of internal/web put on the request, the guards that need
// them (RequireLogin, RequireAdmin), and the reading of parameters and
// JSON bodies. It knows no handler: internal/web and internal/web/api
// both import it, and it imports neither.
package request

import (
	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/read"
)

// Keys of request-scoped values in Fiber's Locals, set by internal/web's
// middleware (loadSession, bearer).
const (
	KeyUser         = "user"
	KeySession      = "session"
	KeySessionToken = "session_token"
	KeyLang         = "lang"
)

// User is the signed-in account asking, or nil.
func User(c *fiber.Ctx) *model.User {
	u, _ := c.Locals(KeyUser).(*model.User)
	return u
}

// Session is the browser session asking, or nil (anonymous readers and
// API tokens).
func Session(c *fiber.Ctx) *model.Session {
	s, _ := c.Locals(KeySession).(*model.Session)
	return s
}

// Lang is the interface language of the request, French by default.
func Lang(c *fiber.Ctx) string {
	if l, ok := c.Locals(KeyLang).(string); ok {
		return l
	}
	return "fr"
}

// Viewer is who reads this request, for the read policy (read.Viewer).
func Viewer(c *fiber.Ctx) read.Viewer { return read.Viewer{User: User(c)} }
