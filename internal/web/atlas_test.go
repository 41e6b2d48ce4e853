package web_test

import (
	"encoding/xml"
	"net/http"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

func TestSearchFindsWhatReadersSee(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		r := a.api(http.MethodPost, "/sheets", "marie", map[string]any{
			"title": "École du Bouguen", "body": "## La gouvernance\n\nLe jardin est gouverné par les parents d'élèves.\n",
			"meta": map[string]any{"categories": []string{"jardins-nature"}, "tags": []string{"Potager"}},
		})
		if r.status != http.StatusCreated {
			t.Fatal(r.status)
		}
		createSheet(t, a, "Monnaie locale", "Une gouvernance partagée de la monnaie.")
		res := a.api(http.MethodGet, "/search?q=gouvernance", "", nil).json(t)["results"].([]any)
		if len(res) != 2 {
			t.Fatalf("gouvernance: %v", res)
		}
		hits := a.api(http.MethodGet, "/search?q=ecole", "", nil).json(t)["results"].([]any)
		if len(hits) != 1 || hits[0].(map[string]any)["slug"] != "ecole-du-bouguen" {
			t.Fatalf("ecole: %v", hits)
		}
		first := a.api(http.MethodGet, "/search?q=gouverne", "", nil).json(t)["results"].([]any)
		snippet := ""
		for _, h := range first {
			if h.(map[string]any)["slug"] == "ecole-du-bouguen" {
				snippet = h.(map[string]any)["snippet"].(string)
			}
		}
		if !strings.Contains(snippet, "<mark>gouverné</mark>") || strings.Contains(snippet, "d'élèves") {
			t.Errorf("snippet = %q (want the match marked and the rest HTML-escaped)", snippet)
		}
		// A later edit is searchable at once while the sheet is a draft.
		a.api(http.MethodPut, "/sheets/monnaie-locale", "marie", map[string]any{"base": 1, "title": "Monnaie locale", "body": "Le heol circule à Brest."})
		if got := a.api(http.MethodGet, "/search?q=heol", "", nil).json(t)["results"].([]any); len(got) != 1 {
			t.Errorf("heol: %v", got)
		}
		if got := a.api(http.MethodGet, "/search?q=gouvernance", "", nil).json(t)["results"].([]any); len(got) != 1 {
			t.Errorf("old words still found: %v", got)
		}
		page := string(a.browser().get("/search?q=gouvern%C3%A9").body)
		if !strings.Contains(page, "École du Bouguen") || !strings.Contains(page, "<mark>gouverné</mark>") {
			t.Errorf("search page shows no result: %.3000s", page[strings.Index(page, "<main"):])
		}
		if r := a.api(http.MethodGet, "/search?q="+strings.Repeat("x", 600), "", nil); r.status != http.StatusBadRequest {
			t.Errorf("long query: %d", r.status)
		}
		// Filters on the list.
		list := a.api(http.MethodGet, "/sheets?category=jardins-nature", "", nil).json(t)["sheets"].([]any)
		if len(list) != 1 || list[0].(map[string]any)["slug"] != "ecole-du-bouguen" {
			t.Errorf("category filter: %v", list)
		}
		if list := a.api(http.MethodGet, "/sheets?tag=potager", "", nil).json(t)["sheets"].([]any); len(list) != 1 {
			t.Errorf("tag filter: %v", list)
		}
		if r := a.api(http.MethodGet, "/sheets?category=licornes", "", nil); r.status != http.StatusBadRequest {
			t.Errorf("unknown category filter: %d", r.status)
		}
	})
}

func TestChangesAndFeeds(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Repair café", body1)
		a.api(http.MethodPut, "/sheets/"+slug, "admin", map[string]any{"base": 1, "title": "Repair café", "body": body1 + "\nCoquille.\n", "minor": true, "summary": "coquille"})
		withBoard(t, a, slug)
		a.api(http.MethodPost, "/sheets/"+slug+"/reviews", "marie", map[string]any{"revision": 2})
		ch := a.api(http.MethodGet, "/changes", "", nil).json(t)["changes"].([]any)
		if len(ch) != 3 || ch[0].(map[string]any)["type"] != "board" || ch[0].(map[string]any)["action"] != "submit" {
			t.Fatalf("changes = %v", ch)
		}
		if got := a.api(http.MethodGet, "/changes?hide_minor=1", "", nil).json(t)["changes"].([]any); len(got) != 2 {
			t.Errorf("hide minor: %v", got)
		}
		if got := a.api(http.MethodGet, "/changes?user=admin", "", nil).json(t)["changes"].([]any); len(got) != 1 {
			t.Errorf("by admin: %v", got)
		}
		page := a.api(http.MethodGet, "/changes?limit=2", "", nil).json(t)
		next, _ := page["next"].(string)
		if next == "" {
			t.Fatalf("no cursor: %v", page)
		}
		rest := a.api(http.MethodGet, "/changes?limit=2&before="+next, "", nil).json(t)["changes"].([]any)
		if len(rest) != 1 || rest[0].(map[string]any)["revision"] != 1.0 {
			t.Errorf("second page = %v", rest)
		}
		for _, bad := range []string{"before=abc", "category=licornes", "user=personne", "limit=0"} {
			if r := a.api(http.MethodGet, "/changes?"+bad, "", nil); r.status < 400 || r.status >= 500 {
				t.Errorf("%s: %d", bad, r.status)
			}
		}
		for _, path := range []string{"/feed.atom", "/sheets/" + slug + "/feed.atom"} {
			r := a.browser().get(path)
			var feed struct {
				Entries []struct {
					Title string `xml:"title"`
				} `xml:"entry"`
			}
			if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "application/atom+xml") || xml.Unmarshal(r.body, &feed) != nil || len(feed.Entries) != 3 {
				t.Errorf("%s: %d %s", path, r.status, r.body)
			}
		}
		if r := a.browser().get("/changes"); r.status != http.StatusOK || !strings.Contains(string(r.body), "Repair café") {
			t.Errorf("changes page: %d", r.status)
		}
	})
}

func TestMapGeoJSON(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": "Jardin de Kerinou", "body": "x",
			"meta": map[string]any{"categories": []string{"jardins-nature"}, "place": map[string]any{"name": "Kerinou", "lat": 48.4, "lon": -4.48}}})
		a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": "Hébergeur", "body": "x", "meta": map[string]any{"categories": []string{"numerique"}}})
		fc := a.api(http.MethodGet, "/map.geojson", "", nil).json(t)
		features := fc["features"].([]any)
		if fc["type"] != "FeatureCollection" || len(features) != 1 {
			t.Fatalf("geojson = %v", fc)
		}
		f := features[0].(map[string]any)
		coords := f["geometry"].(map[string]any)["coordinates"].([]any)
		props := f["properties"].(map[string]any)
		if coords[0] != -4.48 || coords[1] != 48.4 || props["slug"] != "jardin-de-kerinou" || props["name"] != "Jardin de Kerinou" || !strings.HasSuffix(props["url"].(string), "/sheets/jardin-de-kerinou") {
			t.Errorf("feature = %v", f)
		}
		if got := a.api(http.MethodGet, "/map.geojson?category=numerique", "", nil).json(t)["features"].([]any); len(got) != 0 {
			t.Errorf("category filter: %v", got)
		}
		page := string(a.browser().get("/map").body)
		if !strings.Contains(page, "Kerinou") || !strings.Contains(page, `id="atlas-map"`) {
			t.Error("the map page lacks its list of places")
		}
		home := a.browser().get("/")
		if home.status != http.StatusOK || !strings.Contains(string(home.body), "Jardins et nature en ville</a> <span class=\"muted\">(1)") {
			t.Errorf("home page categories: %d", home.status)
		}
	})
}
