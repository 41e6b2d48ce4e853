package export_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/export"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "umap", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// heads maps every sheet's slug to its head revision number: what an
// import must leave alone when it changes nothing.
func heads(t *testing.T, st *store.Store) map[string]int {
	t.Helper()
	rows, err := st.Cards(context.Background(), store.CardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.Slug] = r.HeadNumber
	}
	return out
}

func placeOf(t *testing.T, st *store.Store, slug string) *model.Place {
	t.Helper()
	ctx := context.Background()
	sh, err := st.SheetBySlug(ctx, slug)
	if err != nil {
		t.Fatalf("%s: %v", slug, err)
	}
	rev, err := st.Revision(ctx, sh.ID, sh.HeadNumber)
	if err != nil {
		t.Fatal(err)
	}
	return rev.Meta.Place
}

// TestMapImportReadsRealShapedFiles: a uMap export with points, a route,
// areas, their Multi forms and two points of one name, then a .umap
// backup; importing each again adds nothing.
func TestMapImportReadsRealShapedFiles(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newServices(t, d)
		marie := testutil.User(t, s.store, "marie", model.RoleContributor)

		m, err := export.ImportGeoJSON(ctx, s.store, s.sheets, marie, readFixture(t, "brest.geojson"))
		if err != nil {
			t.Fatal(err)
		}
		if m.Created != 8 || m.Updated != 0 || m.Unchanged != 0 || len(m.Results) != 8 {
			t.Fatalf("first import: %+v", m)
		}
		// Two book boxes of one name are two sheets, each with its place.
		if m.Results[3].Slug != "boite-a-livres" || m.Results[4].Slug != "boite-a-livres-2" {
			t.Errorf("duplicate names: %+v", m.Results)
		}
		if a, b := placeOf(t, s.store, "boite-a-livres"), placeOf(t, s.store, "boite-a-livres-2"); a.Lat != 48.3901 || b.Lat != 48.4012 || a.Geometry != nil {
			t.Errorf("book boxes: %+v %+v", a, b)
		}
		route := placeOf(t, s.store, "cartopartie-de-recouvrance")
		if !strings.HasPrefix(string(route.Geometry), `{"type":"LineString","coordinates":[[-4.49512,48.38321],`) || route.Lat != 48.38652 || route.Lon != -4.48733 {
			t.Errorf("route: %+v %s", route, route.Geometry)
		}
		for slug, kind := range map[string]string{"verger-du-bouguen": "Polygon", "jardins-familiaux-de-lambezellec": "MultiPolygon",
			"balade-des-communs": "MultiLineString", "composteurs-du-pilier-rouge": "MultiPoint"} {
			p := placeOf(t, s.store, slug)
			if !strings.HasPrefix(string(p.Geometry), `{"type":"`+kind+`"`) || p.Lat == 0 {
				t.Errorf("%s: %+v %s", slug, p, p.Geometry)
			}
		}
		if p := placeOf(t, s.store, "jardins-familiaux-de-lambezellec"); p.Address != "rue Anatole France, Brest" {
			t.Errorf("address: %+v", p)
		}
		sh, _ := s.store.SheetBySlug(ctx, "jardin-partage-de-kerinou")
		if rev, _ := s.store.Revision(ctx, sh.ID, 1); !strings.HasPrefix(rev.Body, "Des parcelles cultivées") || rev.Origin != model.OriginImport {
			t.Errorf("description: %+v", rev)
		}

		before := heads(t, s.store)
		m, err = export.ImportGeoJSON(ctx, s.store, s.sheets, marie, readFixture(t, "brest.geojson"))
		if err != nil || m.Created != 0 || m.Updated != 0 || m.Unchanged != 8 {
			t.Fatalf("second import: %+v (%v)", m, err)
		}
		if after := heads(t, s.store); len(after) != 8 || !sameHeads(before, after) {
			t.Errorf("the second import changed sheets: %v then %v", before, after)
		}

		m, err = export.ImportGeoJSON(ctx, s.store, s.sheets, marie, readFixture(t, "brest.umap"))
		if err != nil || m.Created != 3 || len(m.Results) != 3 || m.Results[2].Slug != "velorution-du-jeudi" {
			t.Fatalf(".umap backup: %+v (%v)", m, err)
		}
		if p := placeOf(t, s.store, "grainotheque-de-saint-marc"); p.Address != "Saint-Marc, Brest" || p.Lon != -4.4547 {
			t.Errorf("backup point: %+v", p)
		}
		m, err = export.ImportGeoJSON(ctx, s.store, s.sheets, marie, readFixture(t, "brest.umap"))
		if err != nil || m.Unchanged != 3 || m.Created+m.Updated != 0 {
			t.Errorf(".umap again: %+v (%v)", m, err)
		}
	})
}

func sameHeads(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestMapImportIsAtomic: a bad feature in the middle refuses the whole
// file, names every bad feature, and leaves the atlas as it was (the
// sheets before it used to stay).
func TestMapImportIsAtomic(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newServices(t, d)
		marie := testutil.User(t, s.store, "marie", model.RoleContributor)
		if _, err := export.ImportGeoJSON(ctx, s.store, s.sheets, marie, readFixture(t, "brest.umap")); err != nil {
			t.Fatal(err)
		}
		before := heads(t, s.store)
		file := `{"type": "FeatureCollection", "features": [
			{"type": "Feature", "geometry": {"type": "Point", "coordinates": [-4.41, 48.41]}, "properties": {"name": "Nouveau jardin"}},
			{"type": "Feature", "geometry": {"type": "Point", "coordinates": [-4.42, 48.42]}, "properties": {"name": "Grainothèque", "slug": "grainotheque-de-saint-marc"}},
			{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}, "properties": {"name": "Parc ouvert"}},
			{"type": "Feature", "geometry": {"type": "Point", "coordinates": [-4.43, 48.43]}, "properties": {"description": "sans nom"}},
			{"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[-4.4, 148.4], [-4.5, 48.5]]}, "properties": {"name": "Trop au nord"}},
			{"type": "Feature", "geometry": {"type": "Point", "coordinates": [-4.44, 48.44]}, "properties": {"name": "Encore un"}}
		]}`
		_, err := export.ImportGeoJSON(ctx, s.store, s.sheets, marie, []byte(file))
		var refused *export.RefusedError
		if !errors.As(err, &refused) || len(refused.Features) != 3 {
			t.Fatalf("err = %v", err)
		}
		msg := err.Error()
		for _, want := range []string{`feature 3 "Parc ouvert"`, "pas fermé", "feature 4 ", "no name", `feature 5 "Trop au nord"`, "148.4"} {
			if !strings.Contains(msg, want) {
				t.Errorf("the refusal should say %q: %s", want, msg)
			}
		}
		if after := heads(t, s.store); !sameHeads(before, after) {
			t.Errorf("a refused file changed the atlas: %v then %v", before, after)
		}
		if p := placeOf(t, s.store, "grainotheque-de-saint-marc"); p.Lat != 48.3921 {
			t.Errorf("the named sheet moved: %+v", p)
		}
		for _, bad := range []string{`{"type": "Feature"}`, `{"type": "umap", "layers": [{"type": "Topology"}]}`, `[]`} {
			if _, err := export.ImportGeoJSON(ctx, s.store, s.sheets, marie, []byte(bad)); err == nil {
				t.Errorf("%s: accepted", bad)
			}
		}
		two := `{"type": "FeatureCollection", "features": [
			{"type": "Feature", "geometry": {"type": "Point", "coordinates": [-4.41, 48.41]}, "properties": {"name": "A", "slug": "jardin"}},
			{"type": "Feature", "geometry": {"type": "Point", "coordinates": [-4.42, 48.42]}, "properties": {"name": "B", "slug": "jardin"}},
			{"type": "Feature", "geometry": {"type": "Point", "coordinates": [-4.42, 48.42]}, "properties": {"name": "C", "slug": "new"}},
			{"type": "Feature", "geometry": {"type": "Point", "coordinates": [-4.42, 48.42]}, "properties": {"name": "D\u001b[31m"}}
		]}`
		_, err = export.ImportGeoJSON(ctx, s.store, s.sheets, marie, []byte(two))
		if !errors.As(err, &refused) || len(refused.Features) != 3 || refused.Features[0].Index != 2 || refused.Features[1].Index != 3 || refused.Features[2].Index != 4 {
			t.Errorf("one slug twice, a route word, a control character: %v", err)
		}
	})
}

// TestMapImportUpdatesOnlyTheSheetItNames: a feature sharing a sheet's
// name makes its own sheet; one naming the sheet's slug moves its place
// and keeps its address, its title and its text.
func TestMapImportUpdatesOnlyTheSheetItNames(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newServices(t, d)
		marie := testutil.User(t, s.store, "marie", model.RoleContributor)
		_, _, err := s.sheets.Create(ctx, marie, sheet.CreateInput{Title: "Jardin de Kerinou", Body: "## La communauté\n\nDes voisins.\n",
			Meta: &model.Meta{Tags: []string{"potager"}, Place: &model.Place{Name: "Bas de Kerinou", Address: "rue de Kerinou, Brest", Lat: 48.4075, Lon: -4.4783}}})
		if err != nil {
			t.Fatal(err)
		}
		same := `{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [-4.47, 48.41]}, "properties": {"name": "Jardin de Kerinou"}}]}`
		m, err := export.ImportGeoJSON(ctx, s.store, s.sheets, marie, []byte(same))
		if err != nil || m.Created != 1 || m.Results[0].Slug != "jardin-de-kerinou-2" {
			t.Fatalf("a namesake: %+v (%v)", m, err)
		}
		if p := placeOf(t, s.store, "jardin-de-kerinou"); p.Lat != 48.4075 {
			t.Errorf("the namesake moved the first garden: %+v", p)
		}

		outline := `{"type": "FeatureCollection", "features": [{"type": "Feature",
			"geometry": {"type": "Polygon", "coordinates": [[[-4.479, 48.407], [-4.477, 48.407], [-4.477, 48.408], [-4.479, 48.408], [-4.479, 48.407]]]},
			"properties": {"name": "Kerinou", "slug": "jardin-de-kerinou"}}]}`
		m, err = export.ImportGeoJSON(ctx, s.store, s.sheets, marie, []byte(outline))
		if err != nil || m.Updated != 1 || m.Results[0].Revision != 2 {
			t.Fatalf("update by slug: %+v (%v)", m, err)
		}
		sh, _ := s.store.SheetBySlug(ctx, "jardin-de-kerinou")
		rev, _ := s.store.Revision(ctx, sh.ID, 2)
		p := rev.Meta.Place
		if p.Address != "rue de Kerinou, Brest" || p.Name != "Bas de Kerinou" || p.Lat != 48.4075 || p.Lon != -4.478 || !strings.HasPrefix(string(p.Geometry), `{"type":"Polygon"`) {
			t.Errorf("updated place: %+v", p)
		}
		if rev.Title != "Jardin de Kerinou" || rev.Body != "## La communauté\n\nDes voisins.\n" || len(rev.Meta.Tags) != 1 || rev.Origin != model.OriginImport {
			t.Errorf("the update touched more than the place: %+v", rev)
		}
		if m, err = export.ImportGeoJSON(ctx, s.store, s.sheets, marie, []byte(outline)); err != nil || m.Unchanged != 1 {
			t.Errorf("the same outline again: %+v (%v)", m, err)
		}
		moved := strings.Replace(outline, `"slug"`, `"address": "2 rue de Kerinou, Brest", "slug"`, 1)
		if m, err = export.ImportGeoJSON(ctx, s.store, s.sheets, marie, []byte(moved)); err != nil || m.Updated != 1 {
			t.Fatalf("new address: %+v (%v)", m, err)
		}
		if p := placeOf(t, s.store, "jardin-de-kerinou"); p.Address != "2 rue de Kerinou, Brest" {
			t.Errorf("the file's address: %+v", p)
		}
	})
}

// TestArchiveKeepsShapes: the shapes an import gave travel in an archive
// and reach the restored atlas's map.
func TestArchiveKeepsShapes(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		src := newServices(t, d)
		marie := testutil.User(t, src.store, "marie", model.RoleContributor)
		if _, err := export.ImportGeoJSON(ctx, src.store, src.sheets, marie, readFixture(t, "brest.umap")); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := export.WriteArchive(ctx, src.store, &buf); err != nil {
			t.Fatal(err)
		}
		var fresh *db.DB
		if d.Dialect == db.Postgres {
			fresh = testutil.NewPostgres(t)
		} else {
			fresh = testutil.NewSQLite(t)
		}
		dst := newServices(t, fresh)
		if _, err := export.RestoreArchive(ctx, dst.store, dst.sheets, bytes.NewReader(buf.Bytes()), int64(buf.Len())); err != nil {
			t.Fatal(err)
		}
		want, _ := src.store.MapCards(ctx, "")
		got, err := dst.store.MapCards(ctx, "")
		if err != nil || len(got) != 3 || len(want) != 3 {
			t.Fatalf("map cards after restore: %+v (%v)", got, err)
		}
		for i := range want {
			if got[i].Geometry != want[i].Geometry || *got[i].Lat != *want[i].Lat {
				t.Errorf("card %d: %+v, want %+v", i, got[i], want[i])
			}
		}
	})
}
