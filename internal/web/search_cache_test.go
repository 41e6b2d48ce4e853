package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

// A search asked again, in other words with the same terms, is answered
// from the results kept under the atlas's version; a change of what
// readers see makes a new version, so the next search sees it at once.
func TestSearchResultsAreKeptUntilTheAtlasChanges(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		createSheet(t, a, "Monnaie locale", "Une gouvernance partagée de la monnaie.")
		b := a.browser()
		metric := func(name string) string {
			t.Helper()
			for _, line := range strings.Split(a.metrics(t), "\n") {
				if strings.HasPrefix(line, name+`{cache="searches"} `) {
					return strings.TrimPrefix(line, name+`{cache="searches"} `)
				}
			}
			return "absent"
		}
		for _, q := range []string{"gouvernance", "Gouvernances%20!", "gouverné"} {
			res := a.api(http.MethodGet, "/search?q="+q, "", nil).json(t)["results"].([]any)
			if len(res) != 1 || !strings.Contains(res[0].(map[string]any)["snippet"].(string), "<mark>") {
				t.Fatalf("%s: %v", q, res)
			}
		}
		if !strings.Contains(string(b.get("/search?q=gouvernance").body), "<mark>gouvernance</mark>") {
			t.Error("the search page does not show the kept result")
		}
		if hits, misses := metric("atlas_cache_hits_total"), metric("atlas_cache_misses_total"); hits != "3" || misses != "1" {
			t.Errorf("searches: %s hits, %s misses; want 3 and 1", hits, misses)
		}
		a.api(http.MethodPut, "/sheets/monnaie-locale", "marie", map[string]any{"base": 1, "title": "Monnaie locale", "body": "Le heol circule à Brest."})
		if got := a.api(http.MethodGet, "/search?q=gouvernance", "", nil).json(t)["results"].([]any); len(got) != 0 {
			t.Errorf("after the edit, gouvernance still finds %v", got)
		}
		if got := a.api(http.MethodGet, "/search?q=heol", "", nil).json(t)["results"].([]any); len(got) != 1 {
			t.Errorf("after the edit, heol finds %v", got)
		}
	})
}

// A search whose hits are large sheets matched only at their end answers
// every hit: the first ones with their opening, those past the snippets'
// budget with their subtitle, without reading their bodies.
func TestSearchOverLargeSheetsShowsEveryHit(t *testing.T) {
	testutil.Dialects(t, testSearchOverLargeSheets)
}

func testSearchOverLargeSheets(t *testing.T, d *db.DB) {
	a := newTestAtlas(t, d)
	const n = 12
	for i := 0; i < n; i++ {
		body := testutil.DistinctWords(10+i, 200<<10) + "\n\nLa gouvernance du lieu.\n"
		r := a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": fmt.Sprintf("Grande fiche %d", i), "body": body,
			"meta": map[string]any{"subtitle": fmt.Sprintf("Sous-titre %d", i)}})
		if r.status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
	}
	res := a.api(http.MethodGet, "/search?q=gouvernance&limit=50", "", nil).json(t)["results"].([]any)
	if len(res) != n {
		t.Fatalf("%d results, want %d", len(res), n)
	}
	subtitles := 0
	for _, r := range res {
		snippet := r.(map[string]any)["snippet"].(string)
		switch {
		case strings.HasPrefix(snippet, "Sous-titre "):
			subtitles++
		case snippet == "":
			t.Errorf("%s: no snippet", r.(map[string]any)["slug"])
		}
	}
	if subtitles == 0 || subtitles == n {
		t.Errorf("%d of %d hits show their subtitle", subtitles, n)
	}
}
