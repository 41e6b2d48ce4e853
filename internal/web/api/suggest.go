package api

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/web/httpx"
	"atlas/internal/web/site"
)

// apiSuggest answers GET /api/v1/suggest?kind=person|sheet&q=: up to ten
// people or sheets whose name contains q, for the filters' suggestions.
// Answers are public (names shown in history anyway) and kept a minute.
func (h *Handler) apiSuggest(c *fiber.Ctx) error {
	q := strings.TrimSpace(c.Query("q"))
	if len([]rune(q)) > 100 {
		return httpx.NewError(fiber.StatusBadRequest, "bad_request", "error.suggest_query")
	}
	find := h.read.SheetsMatching
	switch c.Query("kind") {
	case "person":
		find = h.read.PeopleMatching
	case "sheet":
	default:
		return httpx.NewError(fiber.StatusBadRequest, "bad_request", "error.suggest_kind")
	}
	out := []fiber.Map{}
	if len([]rune(q)) >= 2 {
		matches, err := find(c.UserContext(), q, site.MaxChoices)
		if err != nil {
			return err
		}
		for _, m := range matches {
			out = append(out, fiber.Map{"value": m.Key, "label": m.Label})
		}
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	return c.JSON(fiber.Map{"suggestions": out})
}
