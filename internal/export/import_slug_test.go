package export_test

import (
	"context"
	"errors"
	"testing"

	"atlas/internal/db"
	"atlas/internal/export"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
)

// TestImportsStepAroundRouteWords: an imported sheet titled "New" gets a
// reachable slug, from a Markdown file or a map; a file whose front
// matter asks for the slug new is refused.
func TestImportsStepAroundRouteWords(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newServices(t, d)
		marie := testutil.User(t, s.store, "marie", model.RoleContributor)
		res, err := export.ImportSheet(ctx, s.store, s.sheets, marie, export.SheetFile{Title: "New", Body: "x"})
		if err != nil || res.Slug != "new-2" {
			t.Errorf("Markdown titled New: %+v (%v), want new-2", res, err)
		}
		_, err = export.ImportSheet(ctx, s.store, s.sheets, marie, export.SheetFile{Slug: "new", Title: "Une fiche", Body: "x"})
		var invalid *sheet.InvalidError
		if !errors.As(err, &invalid) || invalid.Code != "slug_reserved" {
			t.Errorf("front matter slug new: %v, want slug_reserved", err)
		}
		geo := `{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [-4.48, 48.39]}, "properties": {"name": "History"}}]}`
		m, err := export.ImportGeoJSON(ctx, s.store, s.sheets, marie, []byte(geo))
		results := m.Results
		if err != nil || len(results) != 1 || results[0].Slug != "history-2" {
			t.Errorf("map feature History: %+v (%v), want history-2", results, err)
		}
	})
}
