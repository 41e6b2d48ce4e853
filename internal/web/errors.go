package web

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/media"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
)

// handleError is Fiber's single error handler: JSON under /api, a page
// elsewhere, both in the reader's language.
func (h *handler) handleError(c *fiber.Ctx, err error) error {
	he, internal := httpx.Classify(err)
	if internal {
		h.log.Error("request failed",
			"method", c.Method(), "path", c.Path(), "error", err.Error())
	}
	h.headers.Set(c)
	httpx.SetRetryAfter(c, httpx.RetryAfter(err))
	lang := h.errorLang(c)
	if httpx.IsAPI(c) {
		return c.Status(he.Status).JSON(fiber.Map{"error": he.Code, "message": he.Message(lang)})
	}
	c.Locals(localLang, lang)
	if slug := pictureFormSlug(c); slug != "" && he.Status == fiber.StatusRequestEntityTooLarge {
		// A picture too big for the upload form's body, refused before
		// its route (or before the atlas read the request at all, past
		// the largest body any route takes): back to the editor with the
		// reason when the session is known, else the reason and the way
		// back to the editor's pictures.
		tooBig := httpx.NewError(fiber.StatusRequestEntityTooLarge, "picture_too_large", "error.picture_too_large", media.MaxFileBytes>>20)
		if request.User(c) != nil && h.renderEditSheet(c, he.Status, slug, pictureRefusal{Message: tooBig.Message(lang)}) == nil {
			return nil
		}
		return h.renderErrorPageBack(c, tooBig, "/sheets/"+url.PathEscape(slug)+"/edit#pictures")
	}
	return h.renderErrorPage(c, he)
}

// errorLang is the request's language, chosen again when the error came
// before the middleware that records it (a refused form, say).
func (h *handler) errorLang(c *fiber.Ctx) string {
	if lang, ok := c.Locals(localLang).(string); ok {
		return lang
	}
	return h.language(c)
}
