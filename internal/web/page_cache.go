package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
)

// anonymousCacheable reports whether this request's page is the same for
// every anonymous reader: no account, and no one-off flash message.
func anonymousCacheable(c *fiber.Ctx) bool {
	return userOf(c) == nil && c.Cookies(flashCookie) == ""
}

// maybeCached renders a sheet's page, from the page cache when the reader
// is anonymous (the page is then the same for all of them).
func (h *handler) maybeCached(c *fiber.Ctx, page string, sh *model.Sheet, data func() (any, error)) error {
	if anonymousCacheable(c) {
		return h.servePageCached(c, page, sh, func() ([]byte, error) {
			d, err := data()
			if err != nil {
				return nil, err
			}
			return h.views.bytes(page, d)
		})
	}
	d, err := data()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	return h.views.render(c, fiber.StatusOK, page, d)
}

// servePageCached answers an anonymous reader from the page cache. The key
// holds the sheet's cache version (moved by every write that changes its
// pages), the language and the release, so a cached page is never stale.
// The same key is the page's strong ETag: a browser or reverse proxy that
// has it gets a 304.
func (h *handler) servePageCached(c *fiber.Ctx, kind string, sh *model.Sheet, build func() ([]byte, error)) error {
	key := fmt.Sprintf("%s|%d|%d|%s|%s|%s", kind, sh.ID, sh.CacheVersion, langOf(c), h.build, c.OriginalURL())
	sum := sha256.Sum256([]byte(key))
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	c.Set(fiber.HeaderETag, etag)
	// Proxies may keep it; everyone revalidates, which costs a 304.
	c.Set(fiber.HeaderCacheControl, "public, max-age=0, must-revalidate")
	c.Set(fiber.HeaderVary, "Cookie, Accept-Language, Accept-Encoding")
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	page, ok := h.pages.get(key)
	if !ok {
		var err error
		if page, err = build(); err != nil {
			return err
		}
		h.pages.put(key, page)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(page)
}
