package web

import (
	"github.com/gofiber/fiber/v2"

	"atlas/internal/read"
)

// viewerOf is who reads this request, for the read policy (read.Viewer).
func viewerOf(c *fiber.Ctx) read.Viewer { return read.Viewer{User: userOf(c)} }
