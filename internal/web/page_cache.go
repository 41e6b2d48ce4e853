package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/web/request"
)

// maybeCached renders a sheet's page, from the page cache when the reader
// is anonymous (the page is then the same for all of them).
//
// The key holds the sheet's cache version (moved by every write that
// changes its pages), the language, the release and variant — the page's
// own parameters, already parsed, so made-up query strings cannot fill the
// cache with copies. A cached page is never stale, and the key is also the
// page's strong ETag: a browser or reverse proxy that has it gets a 304.
func (h *handler) maybeCached(c *fiber.Ctx, page string, sh *model.Sheet, variant string, data func() (any, error)) error {
	if !h.anonymousCacheable(c) {
		d, err := data()
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderCacheControl, "private, no-cache")
		return h.views.Render(c, fiber.StatusOK, page, d)
	}
	// Proxies may keep it; everyone revalidates, which costs a 304.
	c.Set(fiber.HeaderCacheControl, "public, max-age=0, must-revalidate")
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return h.caches.sendSheetPage(c, page, sh, request.Lang(c), variant, func() ([]byte, error) {
		d, err := data()
		if err != nil {
			return nil, err
		}
		return h.views.Bytes(page, d)
	})
}

// pageKey is a page's key in the page cache (see maybeCached), built
// without fmt: it is computed on every anonymous read.
func pageKey(page string, sh *model.Sheet, lang, build, variant string) string {
	b := make([]byte, 0, len(page)+len(lang)+len(build)+len(variant)+48)
	b = append(b, page...)
	b = append(b, '|')
	b = strconv.AppendInt(b, sh.ID, 10)
	b = append(b, '|')
	b = strconv.AppendInt(b, sh.CacheVersion, 10)
	b = append(b, '|')
	b = append(b, lang...)
	b = append(b, '|')
	b = append(b, build...)
	b = append(b, '|')
	b = append(b, variant...)
	return string(b)
}
