package web

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
)

// geoFeature is one commons on the map, in GeoJSON. "name" and
// "description" are what uMap shows, so the same file opens there.
type geoFeature struct {
	Type string `json:"type"`
	// Geometry is the place's shape when it has one, else its point.
	Geometry   any         `json:"geometry"`
	Properties geoProperty `json:"properties"`
}

type geoProperty struct {
	Slug          string   `json:"slug"`
	Title         string   `json:"title"`
	Categories    []string `json:"categories"`
	CategoryNames []string `json:"category_names"`
	URL           string   `json:"url"`
	Name          string   `json:"name"`
	Description   string   `json:"description"`
	Place         string   `json:"place"`
	// Marker is where the marker of a shape goes, [lon, lat].
	Marker *[2]float64 `json:"marker,omitempty"`
}

type geoPoint struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"` // longitude, latitude
}

type geoCollection struct {
	Type     string       `json:"type"`
	Features []geoFeature `json:"features"`
}

// mapGeoJSON serves the map's points. The built document is cached under
// the cards' version: any change of any card changes the key, so a cached
// map is never stale. The version itself is kept while the change feed is
// live (see sheetRows), so an unchanged map costs no query at all.
func (h *handler) mapGeoJSON(c *fiber.Ctx) error {
	category := c.Query("category")
	if category != "" {
		if _, ok := sheet.CategoryBySlug(category); !ok {
			return httpx.NewError(fiber.StatusBadRequest, "unknown_category", "error.unknown_category")
		}
	}
	version, err := h.cardsVersion(c)
	if err != nil {
		return err
	}
	key := strings.Join([]string{version, category, request.Lang(c), h.build}, "|")
	c.Set(fiber.HeaderContentType, "application/geo+json")
	c.Set(fiber.HeaderCacheControl, "public, max-age=60")
	return h.caches.sendMap(c, key, func() ([]byte, error) {
		return h.buildGeoJSON(c, category)
	})
}

func (h *handler) buildGeoJSON(c *fiber.Ctx, category string) ([]byte, error) {
	cards, err := h.read.MapCards(c.UserContext(), category)
	if err != nil {
		return nil, err
	}
	// Absolute only from the configured address: the document is cached
	// here and by proxies, and a request's Host is the sender's to choose.
	base := strings.TrimSuffix(h.cfg.BaseURL, "/")
	lang := request.Lang(c)
	fc := geoCollection{Type: "FeatureCollection", Features: make([]geoFeature, 0, len(cards))}
	for _, card := range cards {
		cats := card.CategoryList()
		names := make([]string, 0, len(cats))
		for _, slug := range cats {
			if cat, ok := sheet.CategoryBySlug(slug); ok {
				names = append(names, categoryName(lang, cat))
			}
		}
		point := [2]float64{*card.Lon, *card.Lat}
		var geometry any = geoPoint{Type: "Point", Coordinates: point}
		var marker *[2]float64
		if card.Geometry != "" {
			geometry, marker = json.RawMessage(card.Geometry), &point
		}
		fc.Features = append(fc.Features, geoFeature{
			Type:     "Feature",
			Geometry: geometry,
			Properties: geoProperty{
				Slug: card.Slug, Title: card.Title, Categories: cats, CategoryNames: names,
				URL: base + "/sheets/" + card.Slug, Name: card.Title, Description: card.Subtitle, Place: card.PlaceName,
				Marker: marker,
			},
		})
	}
	return json.Marshal(fc)
}

type mapPage struct {
	Base
	Places     []model.CardRow
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
	cards, err := h.read.MapCards(c.UserContext(), category)
	if err != nil {
		return err
	}
	// Without JavaScript the map is a list, ordered by place.
	sort.SliceStable(cards, func(i, j int) bool { return cards[i].PlaceName < cards[j].PlaceName })
	p := mapPage{Base: h.base(c, ""), Places: cards, Category: category, Tiles: h.cfg.TileURL, Attrib: h.cfg.TileAttribution,
		HasLeaflet: h.assets.Has("vendor/leaflet/leaflet.js")}
	p.Title = p.T("map.title")
	p.Categories = h.categoryOptions(p.Lang, []string{category})
	p.Source = "/map.geojson"
	if category != "" {
		p.Source += "?category=" + category
	}
	return h.views.Render(c, fiber.StatusOK, pageMap, p)
}
