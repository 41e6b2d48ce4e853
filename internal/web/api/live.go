package api

import "github.com/gofiber/fiber/v2"

// apiLive tells who is co-writing a sheet and whether the shared text
// differs from its base.
func (h *Handler) apiLive(c *fiber.Ctx) error {
	sh, err := h.read.SheetBySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	info, err := h.live.Info(c.UserContext(), sh)
	if err != nil {
		return err
	}
	return c.JSON(info)
}
