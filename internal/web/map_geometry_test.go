package web_test

import (
	"net/http"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

// A place's shape goes through the API, is refused with a message naming
// what is wrong, and comes out of /map.geojson in place of the point.
func TestMapGeoJSONEmitsGeometry(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		garden := map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{-4.49, 48.40}, {-4.47, 48.40}, {-4.47, 48.41}, {-4.49, 48.41}, {-4.49, 48.40}}}}
		r := a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": "Jardin de Kerinou", "body": "x",
			"meta": map[string]any{"place": map[string]any{"name": "Kerinou", "geometry": garden}}})
		if r.status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		open := map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{-4.49, 48.40}, {-4.47, 48.40}, {-4.47, 48.41}, {-4.49, 48.41}}}}
		r = a.api(http.MethodPut, "/sheets/jardin-de-kerinou", "marie", map[string]any{"base": 1, "title": "Jardin de Kerinou", "body": "x",
			"meta": map[string]any{"place": map[string]any{"name": "Kerinou", "geometry": open}}})
		if got := r.json(t); r.status != http.StatusUnprocessableEntity || got["error"] != "invalid_geometry" || !strings.Contains(got["message"].(string), "pas fermé") {
			t.Errorf("open ring: %d %s", r.status, r.body)
		}
		fc := a.api(http.MethodGet, "/map.geojson", "", nil).json(t)
		features := fc["features"].([]any)
		if len(features) != 1 {
			t.Fatalf("geojson = %v", fc)
		}
		f := features[0].(map[string]any)
		g := f["geometry"].(map[string]any)
		marker := f["properties"].(map[string]any)["marker"].([]any)
		if g["type"] != "Polygon" || len(g["coordinates"].([]any)[0].([]any)) != 5 || marker[0] != -4.48 || marker[1] != 48.405 {
			t.Errorf("feature = %v", f)
		}
		if page := a.browser().get("/map"); page.status != http.StatusOK || !strings.Contains(string(page.body), "Kerinou") {
			t.Errorf("map page: %d", page.status)
		}
	})
}
