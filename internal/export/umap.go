package export

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"atlas/internal/document"
	"atlas/internal/geo"
	"atlas/internal/i18n"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/store"
)

// A map import reads a GeoJSON FeatureCollection (what uMap exports, and
// what /map.geojson serves) or uMap's backup of a whole map (".umap": the
// map's settings and its layers, each a FeatureCollection). Each feature
// is a sheet's place. The file is checked whole before anything is
// written, then written in one transaction: a bad feature refuses the
// file and changes nothing.

// mapFile is the part of either format an import reads.
type mapFile struct {
	Type     string       `json:"type"`
	Features []mapFeature `json:"features"`
	Layers   []struct {
		Type     string       `json:"type"`
		Features []mapFeature `json:"features"`
	} `json:"layers"`
}

type mapFeature struct {
	Type       string          `json:"type"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties map[string]any  `json:"properties"`
}

// MapImport says what a map import did.
type MapImport struct {
	Results                     []ImportResult // in the file's order
	Created, Updated, Unchanged int
}

// FeatureError is a feature the import refused: its number in the file
// (from 1, counted across a backup's layers) and its name.
type FeatureError struct {
	Index int
	Name  string
	Err   error
}

func (e *FeatureError) Error() string {
	name := e.Name
	if len([]rune(name)) > 60 {
		name = string([]rune(name)[:60]) + "…"
	}
	return fmt.Sprintf("feature %d %q: %s", e.Index, name, reason(e.Err))
}

func (e *FeatureError) Unwrap() error { return e.Err }

// RefusedError is a file refused whole: every feature found wrong, and
// nothing changed.
type RefusedError struct {
	Features []*FeatureError
}

func (e *RefusedError) Error() string {
	lines := make([]string, len(e.Features))
	for i, f := range e.Features {
		lines[i] = f.Error()
	}
	// One line: the command prints it as its one reason.
	return fmt.Sprintf("nothing changed, %d feature(s) refused: %s", len(e.Features), strings.Join(lines, "; "))
}

// reason says why in the atlas's language, as a page would.
func reason(err error) string {
	var invalid *sheet.InvalidError
	if errors.As(err, &invalid) {
		return invalid.Field + ": " + i18n.T(i18n.Default, invalid.Key, invalid.Args...)
	}
	return err.Error()
}

// plannedFeature is a checked feature, ready to write.
type plannedFeature struct {
	index       int
	name, slug  string
	placeName   string // "" when the file names no place
	address     string // "" when the file gives none: the sheet's is kept
	lat, lon    float64
	marker      bool           // lat, lon were given (a Point, or a shape's "marker")
	geometry    model.Geometry // normalized; nil for a Point
	description string
	result      ImportResult
}

// ImportGeoJSON gives sheets the places of a map file. A feature whose
// properties name a sheet ("slug") updates that sheet's place, or creates
// the sheet with that slug. Any other feature makes a sheet of its name,
// even when another sheet has that name (two gardens may share one),
// unless a sheet of that name already has exactly this place: then the
// feature was imported before and nothing changes. So the same file
// imported twice adds no revision. An update keeps the sheet's address
// unless the feature gives one, and never touches its title or text.
func ImportGeoJSON(ctx context.Context, st *store.Store, sheets *sheet.Service, author *model.User, data []byte) (MapImport, error) {
	features, err := readMapFile(data)
	if err != nil {
		return MapImport{}, err
	}
	planned, err := planFeatures(features)
	if err != nil {
		return MapImport{}, err
	}
	// Features naming their sheet go first, so a sheet a file names is
	// never taken by a feature that only shares its name.
	order := make([]*plannedFeature, len(planned))
	for i := range planned {
		order[i] = &planned[i]
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].slug != "" && order[j].slug == "" })
	err = st.WithTx(ctx, func(ctx context.Context) error {
		claimed := map[int64]bool{}
		for _, f := range order {
			if err := writeFeature(ctx, st, sheets, author, f, claimed); err != nil {
				return &RefusedError{Features: []*FeatureError{{Index: f.index, Name: f.name, Err: err}}}
			}
		}
		return nil
	})
	if err != nil {
		return MapImport{}, err
	}
	var out MapImport
	for _, f := range planned {
		out.Results = append(out.Results, f.result)
		switch {
		case f.result.Created:
			out.Created++
		case f.result.Unchanged:
			out.Unchanged++
		default:
			out.Updated++
		}
	}
	return out, nil
}

func readMapFile(data []byte) ([]mapFeature, error) {
	var f mapFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("export: not GeoJSON: %w", err)
	}
	switch f.Type {
	case "FeatureCollection":
		return f.Features, nil
	case "umap":
		var all []mapFeature
		for i, l := range f.Layers {
			if l.Type != "FeatureCollection" {
				return nil, fmt.Errorf("export: layer %d of the uMap backup is not a FeatureCollection", i+1)
			}
			all = append(all, l.Features...)
		}
		return all, nil
	}
	return nil, fmt.Errorf("export: a GeoJSON FeatureCollection or a uMap backup (.umap) is expected, not %q", f.Type)
}

// planFeatures checks every feature and reports all those that are wrong.
func planFeatures(features []mapFeature) ([]plannedFeature, error) {
	var refused []*FeatureError
	planned := make([]plannedFeature, 0, len(features))
	slugs := map[string]int{}
	for i, feat := range features {
		f, err := planFeature(i+1, feat)
		if err == nil && f.slug != "" {
			if first, ok := slugs[f.slug]; ok {
				err = fmt.Errorf("the slug %q is already that of feature %d", f.slug, first)
			} else {
				slugs[f.slug] = f.index
			}
		}
		if err != nil {
			refused = append(refused, &FeatureError{Index: i + 1, Name: f.name, Err: err})
			continue
		}
		planned = append(planned, f)
	}
	if len(refused) > 0 {
		return nil, &RefusedError{Features: refused}
	}
	return planned, nil
}

func planFeature(index int, feat mapFeature) (plannedFeature, error) {
	props := feat.Properties
	f := plannedFeature{
		index: index, name: strings.TrimSpace(text(props, "name", "title")), slug: strings.TrimSpace(text(props, "slug")),
		placeName: strings.TrimSpace(text(props, "place")), address: strings.TrimSpace(text(props, "address")),
		description: text(props, "description"),
	}
	if feat.Type != "Feature" {
		return f, fmt.Errorf("a GeoJSON Feature is expected, not %q", feat.Type)
	}
	if f.name == "" {
		return f, errors.New("it has no name (properties.name)")
	}
	// What the sheet service would refuse, refused here, before any write.
	switch {
	case utf8.RuneCountInString(f.name) > sheet.MaxTitleRunes:
		return f, &sheet.InvalidError{Field: "title", Code: "title_too_long", Key: "error.title_too_long", Args: []any{sheet.MaxTitleRunes}}
	case !utf8.ValidString(f.name) || !document.OneLine(f.name):
		return f, &sheet.InvalidError{Field: "title", Code: "control_character", Key: "error.control_character.title"}
	case len(f.description) > sheet.MaxBodyBytes:
		return f, &sheet.InvalidError{Field: "body", Code: "body_too_large", Key: "error.body_too_large"}
	case !utf8.ValidString(f.description) || !document.Text(f.description):
		return f, &sheet.InvalidError{Field: "body", Code: "control_character", Key: "error.control_character.body"}
	case f.slug != "" && !sheet.ValidSlug(f.slug):
		return f, &sheet.InvalidError{Field: "slug", Code: "invalid_slug", Key: "error.slug_invalid"}
	}
	if geo.IsNull(feat.Geometry) {
		return f, errors.New("it has no geometry")
	}
	g, err := geo.Parse(feat.Geometry)
	if err != nil {
		var ge *geo.Error
		if errors.As(err, &ge) {
			err = &sheet.InvalidError{Field: "geometry", Code: "invalid_geometry", Key: ge.Key, Args: ge.Args}
		}
		return f, err
	}
	if g.Type == "Point" {
		f.lat, f.lon = g.Marker()
		f.marker = true
	} else {
		f.geometry = g.JSON()
		if lon, lat, ok := markerOf(props); ok {
			f.lat, f.lon, f.marker = lat, lon, true
		}
	}
	// The place as it would be stored, checked by the rules of a save.
	p := f.place(nil, true)
	if _, err := sheet.NormalizeMeta(model.Meta{Place: &p}); err != nil {
		return f, err
	}
	return f, nil
}

// markerOf reads the "marker" property /map.geojson writes beside a shape.
func markerOf(props map[string]any) (lon, lat float64, ok bool) {
	m, _ := props["marker"].([]any)
	if len(m) != 2 {
		return 0, 0, false
	}
	lon, ok1 := m[0].(float64)
	lat, ok2 := m[1].(float64)
	if !ok1 || !ok2 || math.Abs(lon) > 180 || math.Abs(lat) > 90 {
		return 0, 0, false
	}
	return lon, lat, true
}

// place is the feature's place on a sheet whose place is old (nil for
// none, or for a sheet being created): what the file gives replaces, what
// it leaves out is kept.
func (f *plannedFeature) place(old *model.Place, creating bool) model.Place {
	var p model.Place
	if old != nil {
		p = *old
	}
	switch {
	case f.placeName != "":
		p.Name = f.placeName
	case creating || old == nil:
		p.Name = f.name
	}
	if f.address != "" {
		p.Address = f.address
	}
	switch {
	case f.marker:
		p.Lat, p.Lon = f.lat, f.lon
	case old != nil && bytes.Equal(old.Geometry, f.geometry):
		// The same shape keeps the marker its writers placed.
	default:
		p.Lat, p.Lon = 0, 0 // the save puts it on the shape
	}
	p.Geometry = f.geometry
	return p
}

func writeFeature(ctx context.Context, st *store.Store, sheets *sheet.Service, author *model.User, f *plannedFeature, claimed map[int64]bool) error {
	if f.slug != "" {
		sh, err := st.SheetBySlug(ctx, f.slug)
		switch {
		case err == nil:
			claimed[sh.ID] = true
			return updatePlace(ctx, st, sheets, author, f, sh)
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
	} else {
		// A sheet of this name whose place the feature leaves as it is
		// was made by this file before.
		same, err := st.SheetsByTitle(ctx, f.name)
		if err != nil {
			return err
		}
		for i := range same {
			sh := &same[i]
			if claimed[sh.ID] {
				continue
			}
			head, err := st.Revision(ctx, sh.ID, sh.HeadNumber)
			if err != nil {
				return err
			}
			if head.Meta.Place != nil && samePlace(head.Meta, f.place(head.Meta.Place, false)) {
				claimed[sh.ID] = true
				f.result = ImportResult{Slug: sh.Slug, Revision: head.Number, Unchanged: true}
				return nil
			}
		}
	}
	p := f.place(nil, true)
	// A slug made from the name is the service's to make, which steps
	// around route words ("New" becomes new-2) and taken slugs (a second
	// "Jardin" becomes jardin-2); one the feature names is kept or
	// refused as it is.
	created, rev, err := sheets.Create(ctx, author, sheet.CreateInput{
		Title: f.name, Body: f.description, Meta: &model.Meta{Place: &p},
		Slug: f.slug, Summary: i18n.T(i18n.Default, "summary.map_import"), Origin: model.OriginImport,
	})
	if err != nil {
		return err
	}
	claimed[created.ID] = true
	f.result = ImportResult{Slug: created.Slug, Revision: rev.Number, Created: true}
	return nil
}

// samePlace reports whether giving meta's sheet the place p would change
// nothing, comparing both as a save would store them.
func samePlace(meta model.Meta, p model.Place) bool {
	before := meta
	if meta.Place != nil {
		old := *meta.Place
		before.Place = &old
	}
	after := meta
	after.Place = &p
	a, errA := sheet.NormalizeMeta(before)
	b, errB := sheet.NormalizeMeta(after)
	if errA != nil || errB != nil {
		return false
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

func updatePlace(ctx context.Context, st *store.Store, sheets *sheet.Service, author *model.User, f *plannedFeature, sh *model.Sheet) error {
	head, err := st.Revision(ctx, sh.ID, sh.HeadNumber)
	if err != nil {
		return err
	}
	meta := head.Meta
	p := f.place(head.Meta.Place, false)
	meta.Place = &p
	res, err := sheets.Save(ctx, author, sh.Slug, sheet.SaveInput{
		Base: head.Number, Title: head.Title, Body: head.Body, Meta: &meta,
		Summary: i18n.T(i18n.Default, "summary.map_place"), Origin: model.OriginImport,
	})
	if err != nil {
		return err
	}
	f.result = ImportResult{Slug: sh.Slug, Revision: res.Revision.Number, Unchanged: res.Unchanged}
	return nil
}
