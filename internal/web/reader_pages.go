package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/web/request"
)

// readerPageBytes bounds the signed-in pages kept whole (see
// sendReaderPage): a few hundred history pages.
const readerPageBytes = 8 << 20

// sendReaderPage answers a sheet's page as maybeCached does, and for a
// signed-in reader whose session is kept (see keptVisit) keeps the page
// itself, per reader. Only for pages whose every per-reader part is their
// Base (the header's name, role and unread count, the session's CSRF
// token): the key names the session's load (its stamp, which a notice, a
// write or age replaces), the sheet's cache version, the language, the
// release and variant, the page's own parameters. A page with a one-off
// message is not kept.
func (h *handler) sendReaderPage(c *fiber.Ctx, page string, sh *model.Sheet, variant string, data func() (any, error)) error {
	stamp, _ := c.Locals(localVisitStamp).(uint64)
	if stamp == 0 || request.User(c) == nil || fenced(c) {
		return h.maybeCached(c, page, sh, variant, data)
	}
	if _, flash := h.flashOf(c); flash {
		return h.maybeCached(c, page, sh, variant, data)
	}
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	key := strconv.FormatUint(stamp, 10) + "|" + pageKey(page, sh, request.Lang(c), h.build, variant)
	return sendCached(c, h.caches.readerPages, key, varyLanguage, func() ([]byte, error) {
		d, err := data()
		if err != nil {
			return nil, err
		}
		return h.views.Bytes(page, d)
	})
}
