package web

import (
	"crypto/rand"
	"encoding/base64"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/web/request"
)

// flashCookie carries a one-off message to the next page:
// "kind:key:token", a catalogue key and a token this process issued.
const flashCookie = "atlas_flash"

// localFlash memoizes the request's flash once its token is spent.
const localFlash = "flash"

// flashLifetime is how long an issued message waits for its page.
const flashLifetime = time.Minute

// maxFlashTokens bounds the messages waiting at once: a flood of form
// posts cannot grow the table; past it a message is simply not shown.
const maxFlashTokens = 10000

// flashTokens are the messages issued and not shown yet. A message is
// shown only against a token found here, and the token is spent by
// showing it: a made-up or replayed atlas_flash cookie shows nothing, and
// so cannot make an anonymous page skip the page cache.
//
// The table is this process's: with several instances, a message read on
// another one is lost, which costs a notice, never a wrong page.
type flashTokens struct {
	mu   sync.Mutex
	live map[string]time.Time // token → when it lapses
}

func newFlashTokens() *flashTokens {
	return &flashTokens{live: map[string]time.Time{}}
}

// issue returns a new token, or "" when too many are waiting.
func (f *flashTokens) issue(now time.Time) string {
	var raw [12]byte
	_, _ = rand.Read(raw[:]) // crypto/rand.Read never fails
	token := base64.RawURLEncoding.EncodeToString(raw[:])
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.live) >= maxFlashTokens {
		for t, lapse := range f.live {
			if now.After(lapse) {
				delete(f.live, t)
			}
		}
		if len(f.live) >= maxFlashTokens {
			return ""
		}
	}
	f.live[token] = now.Add(flashLifetime)
	return token
}

// take spends token, reporting whether it was issued and is still valid.
func (f *flashTokens) take(token string, now time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	lapse, ok := f.live[token]
	if ok {
		delete(f.live, token)
	}
	return ok && !now.After(lapse)
}

// flashMessage is a flash shown on this request's page.
type flashMessage struct {
	kind, key string
}

// flash leaves a message for the next page, as a catalogue key: the cookie
// carries no user text, so it cannot inject anything.
func (h *handler) flash(c *fiber.Ctx, kind, key string) {
	token := h.caches.flashes.issue(time.Now())
	if token == "" {
		return
	}
	c.Cookie(&fiber.Cookie{
		Name: flashCookie, Value: kind + ":" + key + ":" + token, Path: "/", MaxAge: int(flashLifetime.Seconds()),
		Secure: h.cfg.SecureCookies(), HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// flashOf returns the request's message, if its cookie holds a token this
// process issued; the token is spent and the cookie cleared, so the
// message shows once; any other cookie is ignored. Without the cookie it costs one header lookup: it
// runs on every anonymous read.
func (h *handler) flashOf(c *fiber.Ctx) (flashMessage, bool) {
	raw := c.Cookies(flashCookie)
	if raw == "" {
		return flashMessage{}, false
	}
	if m, ok := c.Locals(localFlash).(*flashMessage); ok {
		return *m, m.key != ""
	}
	m := &flashMessage{}
	kind, rest, _ := strings.Cut(raw, ":")
	key, token, _ := strings.Cut(rest, ":")
	if (kind == "info" || kind == "success" || kind == "error") && token != "" && h.caches.flashes.take(token, time.Now()) {
		m.kind, m.key = kind, strings.Clone(key)
		// Cleared on the path it was set on, or the browser keeps sending
		// it. Only here: a page served from the cache carries no cookie
		// (an unknown token lapses with the cookie, in a minute).
		c.Cookie(&fiber.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(0, 0),
			Secure: h.cfg.SecureCookies(), HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode})
	}
	c.Locals(localFlash, m)
	return *m, m.key != ""
}

// anonymousCacheable reports whether this request's page is the same for
// every anonymous reader: no account, and no real one-off message (a
// forged cookie is no reason to render).
func (h *handler) anonymousCacheable(c *fiber.Ctx) bool {
	if request.User(c) != nil {
		return false
	}
	_, ok := h.flashOf(c)
	return !ok
}
