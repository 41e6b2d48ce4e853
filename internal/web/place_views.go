package web

import (
	"atlas/internal/config"
	"atlas/internal/web/view"
)

// newMapSettings reads the map settings of the atlas's configuration.
func newMapSettings(cfg config.Config, a *view.Assets) *view.MapSettings {
	return &view.MapSettings{Leaflet: a.Has("vendor/leaflet/leaflet.js"), Geoman: a.Has("vendor/geoman/leaflet-geoman.min.js"), Tiles: cfg.TileURL,
		Attribution: cfg.TileAttribution, Geocoder: cfg.GeocoderURL}
}
