package sheet_test

import (
	"errors"
	"testing"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

// A place's shape is stored normalized, its marker defaults to a point of
// the shape, the map's card carries it, and saving the same shape again
// (read back from either database) is no change.
func TestPlaceGeometryIsStoredNormalized(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		route := `{ "coordinates": [[-4.50, 48.40], [-4.45, 48.39], [-4.40, 48.38]], "type": "LineString" }`
		sh, rev, err := e.svc.Create(e.ctx, e.marie, sheet.CreateInput{Title: "Balade des jardins", Body: "x",
			Meta: &model.Meta{Place: &model.Place{Name: "Brest", Address: "Brest", Geometry: model.Geometry(route)}}})
		if err != nil {
			t.Fatal(err)
		}
		want := `{"type":"LineString","coordinates":[[-4.5,48.4],[-4.45,48.39],[-4.4,48.38]]}`
		stored, err := e.store.Revision(e.ctx, sh.ID, rev.Number)
		if err != nil {
			t.Fatal(err)
		}
		p := stored.Meta.Place
		if p == nil || p.Lat != 48.39 || p.Lon != -4.45 {
			t.Fatalf("place %+v: the marker should be the route's middle vertex", p)
		}
		if got, _ := p.Geometry.MarshalJSON(); string(got) != want {
			t.Errorf("stored geometry %s, want %s", got, want)
		}
		cards, err := e.store.MapCards(e.ctx, "")
		if err != nil || len(cards) != 1 || cards[0].Geometry != want {
			t.Fatalf("map cards %+v (%v)", cards, err)
		}
		lists, err := e.store.Cards(e.ctx, store.CardFilter{})
		if err != nil || len(lists) != 1 || lists[0].Geometry != "" {
			t.Errorf("lists should not read the geometry: %+v (%v)", lists, err)
		}

		// The same shape written otherwise, and the stored meta as read
		// back, are both no change.
		same := model.Meta{Place: &model.Place{Name: "Brest", Address: "Brest", Lat: 48.39, Lon: -4.45,
			Geometry: model.Geometry(`{"type":"LineString","coordinates":[[-4.5,48.4],[-4.45,48.390],[-4.4,48.38]]}`)}}
		res, err := e.svc.Save(e.ctx, e.marie, sh.Slug, sheet.SaveInput{Base: 1, Title: "Balade des jardins", Body: "x", Meta: &same})
		if err != nil || !res.Unchanged {
			t.Errorf("same shape: %+v %v", res, err)
		}
		res, err = e.svc.Save(e.ctx, e.marie, sh.Slug, sheet.SaveInput{Base: 1, Title: "Balade des jardins", Body: "x", Meta: &stored.Meta})
		if err != nil || !res.Unchanged {
			t.Errorf("stored meta: %+v %v", res, err)
		}
	})
}

func TestInvalidGeometryIsRefused(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		open := model.Geometry(`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`)
		_, _, err := e.svc.Create(e.ctx, e.marie, sheet.CreateInput{Title: "Jardin", Body: "x",
			Meta: &model.Meta{Place: &model.Place{Lat: 48, Lon: -4, Geometry: open}}})
		var inv *sheet.InvalidError
		if !errors.As(err, &inv) || inv.Code != "invalid_geometry" || inv.Field != "meta.place.geometry" || inv.Key != "error.geometry.open_ring" {
			t.Fatalf("open ring: %v", err)
		}
		if n, _ := e.store.CardsVersion(e.ctx); n[:2] != "0-" {
			t.Errorf("a refused sheet left a card: %s", n)
		}
	})
}
