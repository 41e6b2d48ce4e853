package export

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"atlas/internal/document"
	"atlas/internal/i18n"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/store"
)

// ImportResult says what an import did to one sheet.
type ImportResult struct {
	Slug      string
	Revision  int
	Created   bool
	Unchanged bool
}

// ImportSheet stores a sheet file as one revision of origin import: a new
// sheet, or the next revision of the sheet its front matter's slug names.
func ImportSheet(ctx context.Context, st *store.Store, sheets *sheet.Service, author *model.User, f SheetFile) (ImportResult, error) {
	meta := f.Meta
	if f.Slug != "" {
		sh, err := st.SheetBySlug(ctx, f.Slug)
		switch {
		case err == nil:
			res, err := sheets.Save(ctx, author, sh.Slug, sheet.SaveInput{
				Base: sh.HeadNumber, Title: f.Title, Body: f.Body, Meta: &meta, Summary: "Import", Origin: model.OriginImport,
			})
			if err != nil {
				return ImportResult{}, err
			}
			return ImportResult{Slug: sh.Slug, Revision: res.Revision.Number, Unchanged: res.Unchanged}, nil
		case !errors.Is(err, store.ErrNotFound):
			return ImportResult{}, err
		}
	}
	sh, rev, err := sheets.Create(ctx, author, sheet.CreateInput{
		Title: f.Title, Body: f.Body, Meta: &meta, Slug: f.Slug, Summary: "Import", Origin: model.OriginImport,
	})
	if err != nil {
		return ImportResult{}, err
	}
	return ImportResult{Slug: sh.Slug, Revision: rev.Number, Created: true}, nil
}

// geoJSON is the part of a (uMap) FeatureCollection an import reads.
type geoJSON struct {
	Type     string `json:"type"`
	Features []struct {
		Type     string `json:"type"`
		Geometry *struct {
			Type        string    `json:"type"`
			Coordinates []float64 `json:"coordinates"`
		} `json:"geometry"`
		Properties map[string]any `json:"properties"`
	} `json:"features"`
}

// ImportGeoJSON reads a FeatureCollection (as uMap exports it) and gives
// each Point's sheet its place: the sheet named by the feature's "slug", or
// whose slug its "name" makes; a feature that matches no sheet creates one,
// its "description" as the first text. Other geometries are skipped.
func ImportGeoJSON(ctx context.Context, st *store.Store, sheets *sheet.Service, author *model.User, data []byte) ([]ImportResult, error) {
	var fc geoJSON
	if err := json.Unmarshal(data, &fc); err != nil {
		return nil, fmt.Errorf("export: not GeoJSON: %w", err)
	}
	if fc.Type != "FeatureCollection" {
		return nil, errors.New("export: a GeoJSON FeatureCollection is expected")
	}
	var results []ImportResult
	for i, feat := range fc.Features {
		g := feat.Geometry
		if g == nil || g.Type != "Point" || len(g.Coordinates) < 2 {
			continue
		}
		name := strings.TrimSpace(text(feat.Properties, "name", "title"))
		if name == "" {
			return results, fmt.Errorf("export: feature %d has no name", i+1)
		}
		place := &model.Place{Name: text(feat.Properties, "place", "name"), Address: text(feat.Properties, "address"), Lat: g.Coordinates[1], Lon: g.Coordinates[0]}
		slug, asked := text(feat.Properties, "slug"), ""
		if slug == "" {
			slug = document.Slug(name)
		} else {
			asked = slug
		}
		sh, err := st.SheetBySlug(ctx, slug)
		if errors.Is(err, store.ErrNotFound) {
			// A slug made from the name is the service's to make, which
			// steps around route words ("New" becomes new-2); one the
			// feature names is kept or refused as it is.
			created, rev, err := sheets.Create(ctx, author, sheet.CreateInput{
				Title: name, Body: text(feat.Properties, "description"), Meta: &model.Meta{Place: place},
				Slug: asked, Summary: i18n.T(i18n.Default, "summary.map_import"), Origin: model.OriginImport,
			})
			if err != nil {
				return results, fmt.Errorf("export: feature %d (%s): %w", i+1, name, err)
			}
			results = append(results, ImportResult{Slug: created.Slug, Revision: rev.Number, Created: true})
			continue
		}
		if err != nil {
			return results, err
		}
		head, err := st.Revision(ctx, sh.ID, sh.HeadNumber)
		if err != nil {
			return results, err
		}
		meta := head.Meta
		meta.Place = place
		res, err := sheets.Save(ctx, author, sh.Slug, sheet.SaveInput{
			Base: head.Number, Title: head.Title, Body: head.Body, Meta: &meta, Summary: i18n.T(i18n.Default, "summary.map_place"), Origin: model.OriginImport,
		})
		if err != nil {
			return results, fmt.Errorf("export: feature %d (%s): %w", i+1, name, err)
		}
		results = append(results, ImportResult{Slug: sh.Slug, Revision: res.Revision.Number, Unchanged: res.Unchanged})
	}
	return results, nil
}

// text returns the first non-empty string property among keys.
func text(props map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, ok := props[k].(string); ok && strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
