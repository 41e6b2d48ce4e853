package web_test

import (
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
