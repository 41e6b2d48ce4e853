package request

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/web/httpx"
)

// CardFilter reads ?category=&tag= and the keyset cursor.
func CardFilter(c *fiber.Ctx, limit int, cursorParam string) (model.CardFilter, error) {
	f := model.CardFilter{Category: c.Query("category"), Tag: strings.TrimSpace(c.Query("tag")), Limit: limit, After: c.Query(cursorParam)}
	if f.Category != "" {
		if _, ok := sheet.CategoryBySlug(f.Category); !ok {
			return f, httpx.NewError(fiber.StatusBadRequest, "unknown_category", "error.unknown_category_list", categorySlugs())
		}
	}
	if len(f.Tag) > 60 || len(f.After) > 200 {
		return f, httpx.NewError(fiber.StatusBadRequest, "bad_request", "error.filter_too_long")
	}
	return f, nil
}

func categorySlugs() string {
	slugs := make([]string, len(sheet.Categories))
	for i, c := range sheet.Categories {
		slugs[i] = c.Slug
	}
	return strings.Join(slugs, ", ")
}
