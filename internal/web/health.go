package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
)

// health answers 200 "ok" when the database answers, for load balancers and
// container orchestrators.
func (h *handler) health(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := h.store.DB().Ping(ctx); err != nil {
		return c.Status(fiber.StatusServiceUnavailable).SendString("database unreachable")
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString("ok")
}
