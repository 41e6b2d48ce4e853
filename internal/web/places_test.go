package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/testutil"
	"atlas/internal/web"
)

// leafletInstalled: the map markup is there only when `make assets`
// installed Leaflet into public/vendor (which the binary embeds).
func leafletInstalled(t *testing.T, a *testAtlas) bool {
	t.Helper()
	return strings.Contains(string(a.browser().get("/map").body), "vendor/leaflet/leaflet.js")
}

// A sheet with a place shows its address, a mailto: link for the e-mail
// address of its contact, tags that lead to their list, the coordinates
// tucked in a <details>, and the mini-map when Leaflet is installed.
func TestSheetPageShowsItsPlace(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		r := a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": "Jardin", "body": body1, "slug": "jardin",
			"meta": map[string]any{"tags": []string{"compost", "vélo"}, "contact": "Marie (marie.k@example.org, 02 98 00 00 00)",
				"place": map[string]any{"name": "Kerinou", "address": "3 rue de Kerinou, Brest", "lat": 48.4, "lon": -4.48}}})
		if r.status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		page := string(a.browser().get("/sheets/jardin").body)
		for _, want := range []string{
			`<span class="place-address">3 rue de Kerinou, Brest</span>`,
			`Marie (<a href="mailto:marie.k@example.org">marie.k@example.org</a>, 02 98 00 00 00)`,
			`<a href="/sheets?tag=compost"`, `<a href="/sheets?tag=v%c3%a9lo"`,
			`<details class="coordinates">`, `48.4, -4.48`,
		} {
			if !strings.Contains(page, want) {
				t.Errorf("sheet page lacks %s", want)
			}
		}
		if leafletInstalled(t, a) {
			for _, want := range []string{`class="mini-map" hidden`, `data-lat="48.4" data-lon="-4.48"`, `js/place-map.js`} {
				if !strings.Contains(page, want) {
					t.Errorf("sheet page lacks %s", want)
				}
			}
		}
		// A contact with no e-mail address stays text; a sheet without a
		// place loads no map.
		r = a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": "Atelier", "body": body1, "slug": "atelier",
			"meta": map[string]any{"contact": "Demander à l'accueil @mairie"}})
		if r.status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		page = string(a.browser().get("/sheets/atelier").body)
		if strings.Contains(page, "mailto:") || strings.Contains(page, "place-map.js") || !strings.Contains(page, "Demander à l&#39;accueil @mairie") {
			t.Errorf("sheet without place or address: mailto or map script, or contact lost")
		}
	})
}

// The editor keeps the coordinates typed or put by its map, with a
// decimal comma too, and offers the map only for the whole sheet.
func TestEditorPlaceFields(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		b := a.browser()
		b.login("marie")
		token := b.csrf("/sheets/new")
		r := b.post("/sheets", url.Values{"_csrf": {token}, "title": {"Jardin"}, "body": {body1}, "licence": {"CC-BY-SA-4.0"},
			"place_name": {"Kerinou"}, "lat": {"48,401234"}, "lon": {"-4.481"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		slug := strings.TrimPrefix(r.header.Get("Location"), "/sheets/")
		p := a.api(http.MethodGet, "/sheets/"+slug, "marie", nil).json(t)["meta"].(map[string]any)["place"].(map[string]any)
		if p["lat"] != 48.401234 || p["lon"] != -4.481 {
			t.Errorf("place = %v", p)
		}
		edit := b.get("/sheets/" + slug + "/edit").body
		if field(edit, "lat") != "48.401234" || field(edit, "lon") != "-4.481" {
			t.Errorf("editor shows lat %q lon %q", field(edit, "lat"), field(edit, "lon"))
		}
		if leafletInstalled(t, a) {
			if !strings.Contains(string(edit), `data-place-picker hidden`) || !strings.Contains(string(edit), "js/place-picker.js") {
				t.Error("editor lacks its place map")
			}
			if section := b.get("/sheets/" + slug + "/edit?section=1").body; strings.Contains(string(section), "place-picker") {
				t.Error("a section's editor loads the place map")
			}
		}
	})
}

// The address search is off unless the host sets ATLAS_GEOCODER_URL: no
// search box and no third party in the CSP; once set, its origin is the
// only one added to connect-src.
func TestGeocoderOnlyWhenConfigured(t *testing.T) {
	d := testutil.NewSQLite(t)
	a := newTestAtlas(t, d)
	b := a.browser()
	b.login("marie")
	page := b.get("/sheets/new")
	if csp := page.header.Get("Content-Security-Policy"); strings.Contains(csp, "connect-src") {
		t.Errorf("default CSP names a connect-src: %s", csp)
	}
	if strings.Contains(string(page.body), "data-geocoder") {
		t.Error("default editor offers an address search")
	}

	a = newTestAtlasWith(t, testutil.NewSQLite(t), func(deps *web.Deps) {
		deps.Config.GeocoderURL = "https://geo.example.org/search/"
	})
	b = a.browser()
	b.login("marie")
	page = b.get("/sheets/new")
	if csp := page.header.Get("Content-Security-Policy"); !strings.Contains(csp, "connect-src 'self' https://geo.example.org;") {
		t.Errorf("CSP with a geocoder: %s", csp)
	}
	if leafletInstalled(t, a) && !strings.Contains(string(page.body), `data-geocoder="https://geo.example.org/search/"`) {
		t.Error("editor lacks the address search")
	}
}

// The editor's GeoJSON field: a shape typed (or drawn) there is saved,
// normalized, beside the marker the coordinates give; a shape alone gets
// its marker from the service; a bad shape is a 422 page naming the field,
// the text kept as typed and nothing saved.
func TestEditorPlaceGeometry(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		b := a.browser()
		b.login("marie")
		route := `{ "type": "LineString",
  "coordinates": [[-4.50, 48.39], [-4.49, 48.395], [-4.48, 48.40]] }`
		r := b.post("/sheets", url.Values{"_csrf": {b.csrf("/sheets/new")}, "title": {"Cartopartie"}, "body": {body1}, "licence": {"CC-BY-SA-4.0"},
			"place_name": {"Départ"}, "lat": {"48.39"}, "lon": {"-4.5"}, "place_geometry": {route}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		place := func(slug string) map[string]any {
			return a.api(http.MethodGet, "/sheets/"+slug, "marie", nil).json(t)["meta"].(map[string]any)["place"].(map[string]any)
		}
		p := place("cartopartie")
		g, _ := p["geometry"].(map[string]any)
		if p["lat"] != 48.39 || p["lon"] != -4.5 || g == nil || g["type"] != "LineString" || len(g["coordinates"].([]any)) != 3 {
			t.Fatalf("place = %v", p)
		}
		normalized := `{"type":"LineString","coordinates":[[-4.5,48.39],[-4.49,48.395],[-4.48,48.4]]}`
		edit := string(b.get("/sheets/cartopartie/edit").body)
		if !strings.Contains(edit, `<details class="place-geometry" open>`) || !strings.Contains(edit, html.EscapeString(normalized)) {
			t.Errorf("the editor does not show the stored shape %s", normalized)
		}
		if leafletInstalled(t, a) && !strings.Contains(string(a.browser().get("/sheets/cartopartie").body), `data-geometry="`+html.EscapeString(normalized)+`"`) {
			t.Error("the mini-map lacks the shape")
		}

		for _, bad := range []struct{ text, says string }{
			{`{"type":"Polygon","coordinates":[[[-4.49,48.40],[-4.47,48.40],[-4.47,48.41],[-4.49,48.41]]]}`, "pas fermé"},
			{`{"type": "LineString", "coordinates": [[-4.5, 95], [-4.4, 48]]}`, "latitude"},
			{`{oops`, "GeoJSON"},
		} {
			r = b.post("/sheets/cartopartie/edit", url.Values{"_csrf": {b.csrf("/sheets/cartopartie/edit")}, "base": {"1"}, "title": {"Cartopartie"},
				"body": {body1}, "licence": {"CC-BY-SA-4.0"}, "place_name": {"Départ"}, "lat": {"48.39"}, "lon": {"-4.5"}, "place_geometry": {bad.text}})
			page := string(r.body)
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(page, bad.says) ||
				!strings.Contains(page, `name="place_geometry" rows="4" spellcheck="false" autocomplete="off" aria-describedby="place-geometry-hint" aria-invalid="true">`+html.EscapeString(bad.text)+`</textarea>`) {
				t.Errorf("%s: %d, the page does not name the field or lost the text", bad.text, r.status)
			}
		}
		if revs := a.api(http.MethodGet, "/sheets/cartopartie/revisions", "marie", nil).json(t)["revisions"].([]any); len(revs) != 1 {
			t.Errorf("refused shapes saved %d revisions", len(revs))
		}

		// A shape without coordinates: the marker goes on it.
		r = b.post("/sheets", url.Values{"_csrf": {b.csrf("/sheets/new")}, "title": {"Verger"}, "body": {body1}, "licence": {"CC-BY-SA-4.0"},
			"place_geometry": {`{"type":"Polygon","coordinates":[[[-4.49,48.40],[-4.47,48.40],[-4.47,48.41],[-4.49,48.41],[-4.49,48.40]]]}`}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("create with a shape alone: %d %s", r.status, r.body)
		}
		if p := place("verger"); p["lat"] != 48.405 || p["lon"] != -4.48 {
			t.Errorf("marker of a shape alone: %v", p)
		}
	})
}

// A shape half typed is no reason to lose a draft: the draft keeps the
// rest and leaves the shape out, as it does half-typed coordinates.
func TestDraftLeavesOutAHalfTypedShape(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		b := a.browser()
		b.login("marie")
		token := b.csrf("/sheets/new")
		for _, shape := range []string{`{"type":"LineString","coordinates":[[-4.5,48.39],`, `{"type":"LineString","coordinates":[[-4.5,48.39],[-4.49,48.395]]}`} {
			r := b.post("/drafts/new", url.Values{"_csrf": {token}, "title": {"Balade"}, "body": {"x"}, "place_name": {"Départ"}, "place_geometry": {shape}})
			if r.status != http.StatusOK {
				t.Fatalf("draft with shape %s: %d %s", shape, r.status, r.body)
			}
		}
		draft := a.api(http.MethodGet, "/drafts/new", "marie", nil).json(t)
		p, _ := draft["meta"].(map[string]any)["place"].(map[string]any)
		if g, _ := p["geometry"].(map[string]any); p["name"] != "Départ" || g == nil || g["type"] != "LineString" {
			t.Errorf("draft place = %v", p)
		}
	})
}
