package web

import (
	"sort"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/sheet"
	"atlas/internal/store"
)

// geoFeature is one commons on the map, in GeoJSON. "name" and
// "description" are what uMap shows, so the same file opens there.
type geoFeature struct {
	Type       string         `json:"type"`
	Geometry   geoPoint       `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

type geoPoint struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"` // longitude, latitude
}

type geoCollection struct {
	Type     string       `json:"type"`
	Features []geoFeature `json:"features"`
}

func (h *handler) mapGeoJSON(c *fiber.Ctx) error {
	category := c.Query("category")
	if category != "" {
		if _, ok := sheet.CategoryBySlug(category); !ok {
			return newError(fiber.StatusBadRequest, "unknown_category", "Catégorie inconnue.")
		}
	}
	cards, err := h.store.MapCards(c.UserContext(), category)
	if err != nil {
		return err
	}
	base := h.baseURL(c)
	lang := langOf(c)
	fc := geoCollection{Type: "FeatureCollection", Features: make([]geoFeature, 0, len(cards))}
	for _, card := range cards {
		cats := card.CategoryList()
		names := make([]string, 0, len(cats))
		for _, slug := range cats {
			if cat, ok := sheet.CategoryBySlug(slug); ok {
				names = append(names, categoryName(lang, cat))
			}
		}
		fc.Features = append(fc.Features, geoFeature{
			Type:     "Feature",
			Geometry: geoPoint{Type: "Point", Coordinates: [2]float64{*card.Lon, *card.Lat}},
			Properties: map[string]any{
				"slug": card.Slug, "title": card.Title, "categories": cats, "category_names": names,
				"url": base + "/sheets/" + card.Slug, "name": card.Title, "description": card.Subtitle,
				"place": card.PlaceName,
			},
		})
	}
	c.Set(fiber.HeaderContentType, "application/geo+json")
	c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	return c.JSON(fc)
}

type mapPage struct {
	Base
	Places     []store.CardRow
	Categories []categoryOption
	Category   string
	Source     string
	Tiles      string
	Attrib     string
	HasLeaflet bool
}

func (h *handler) showMapPage(c *fiber.Ctx) error {
	category := c.Query("category")
	if category != "" {
		if _, ok := sheet.CategoryBySlug(category); !ok {
			return fiber.ErrNotFound
		}
	}
	cards, err := h.store.MapCards(c.UserContext(), category)
	if err != nil {
		return err
	}
	// Without JavaScript the map is a list, ordered by place.
	sort.SliceStable(cards, func(i, j int) bool { return cards[i].PlaceName < cards[j].PlaceName })
	p := mapPage{Base: h.base(c, ""), Places: cards, Category: category, Tiles: h.cfg.TileURL, Attrib: h.cfg.TileAttribution,
		HasLeaflet: h.assets.has("vendor/leaflet/leaflet.js")}
	p.Title = p.T("map.title")
	p.Categories = h.categoryOptions(p.Lang, []string{category})
	p.Source = "/map.geojson"
	if category != "" {
		p.Source += "?category=" + category
	}
	return h.views.render(c, fiber.StatusOK, pageMap, p)
}
