package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

// PUT replaces the content, PATCH merges onto its base: given fields
// replace, null clears, absent ones keep; a moved head merges or
// conflicts as for PUT.
func TestAPIPatchMergesMeta(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		place := map[string]any{"name": "Kerinou", "address": "rue de Kerinou", "lat": 48.4, "lon": -4.48}
		r := a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": "Jardin", "body": body1, "slug": "jardin",
			"meta": map[string]any{"subtitle": "partagé", "categories": []string{"jardins-nature"}, "website": "https://a.example", "place": place}})
		if r.status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		meta := func() map[string]any {
			return a.api(http.MethodGet, "/sheets/jardin", "marie", nil).json(t)["meta"].(map[string]any)
		}

		r = a.api(http.MethodPatch, "/sheets/jardin", "marie", map[string]any{"base": 1, "summary": "site", "meta": map[string]any{"website": "https://b.example", "subtitle": nil, "place": map[string]any{"name": "Jardin de Kerinou"}}})
		if r.status != http.StatusOK || r.json(t)["revision"].(map[string]any)["number"] != 2.0 {
			t.Fatalf("patch: %d %s", r.status, r.body)
		}
		m := meta()
		p, _ := m["place"].(map[string]any)
		if m["website"] != "https://b.example" || m["subtitle"] != "" || len(m["categories"].([]any)) != 1 || p == nil || p["name"] != "Jardin de Kerinou" || p["lat"] != 48.4 {
			t.Errorf("after patch, meta = %v", m)
		}
		if show := a.api(http.MethodGet, "/sheets/jardin", "marie", nil).json(t); show["title"] != "Jardin" || show["body"] != body1 {
			t.Errorf("patch of meta changed the text: %v", show)
		}

		// A moved head: another section edited by PUT at base 2, then a
		// PATCH of the title from base 2 merges and keeps that edit.
		edit := strings.Replace(body1, "Une vingtaine", "Une trentaine", 1)
		if r := a.api(http.MethodPut, "/sheets/jardin", "admin", map[string]any{"base": 2, "title": "Jardin", "body": edit, "meta": m}); r.status != http.StatusOK {
			t.Fatalf("put: %d %s", r.status, r.body)
		}
		req := httptest.NewRequest(http.MethodPatch, "/api/v1/sheets/jardin", strings.NewReader(`{"base": 2, "title": "Jardin partagé", "meta": {"place": null}}`))
		req.Header.Set("Content-Type", "application/merge-patch+json")
		req.Header.Set("Authorization", "Bearer "+a.tokens["marie"])
		if r := a.do(req); r.status != http.StatusOK || r.json(t)["merged"] != true {
			t.Fatalf("stale patch: %d %s", r.status, r.body)
		}
		show := a.api(http.MethodGet, "/sheets/jardin", "marie", nil).json(t)
		if show["title"] != "Jardin partagé" || show["body"] != edit || show["meta"].(map[string]any)["place"] != nil || show["meta"].(map[string]any)["website"] != "https://b.example" {
			t.Errorf("merged patch: %v", show)
		}

		// PUT is replace: the fields its meta omits are cleared.
		if r := a.api(http.MethodPut, "/sheets/jardin", "marie", map[string]any{"base": 4, "title": "Jardin partagé", "body": edit, "meta": map[string]any{"subtitle": "ouvert"}}); r.status != http.StatusOK {
			t.Fatalf("put: %d %s", r.status, r.body)
		}
		if m := meta(); m["subtitle"] != "ouvert" || m["website"] != "" || len(m["categories"].([]any)) != 0 {
			t.Errorf("PUT kept omitted fields: %v", m)
		}

		for name, tc := range map[string]struct {
			user, body string
			status     int
		}{
			"no base":         {"marie", `{"meta": {"website": ""}}`, http.StatusPreconditionRequired},
			"unknown base":    {"marie", `{"base": 99, "title": "x"}`, http.StatusUnprocessableEntity},
			"unknown field":   {"marie", `{"base": 5, "meta": {"colour": "vert"}}`, http.StatusBadRequest},
			"wrong type":      {"marie", `{"base": 5, "meta": {"tags": "a"}}`, http.StatusBadRequest},
			"meta not object": {"marie", `{"base": 5, "meta": [1]}`, http.StatusBadRequest},
			"slug not ours":   {"marie", `{"base": 5, "slug": "autre"}`, http.StatusBadRequest},
			"bad category":    {"marie", `{"base": 5, "meta": {"categories": ["licornes"]}}`, http.StatusUnprocessableEntity},
			"anonymous":       {"", `{"base": 5, "title": "x"}`, http.StatusUnauthorized},
		} {
			if r := a.api(http.MethodPatch, "/sheets/jardin", tc.user, tc.body); r.status != tc.status {
				t.Errorf("%s: %d, want %d: %s", name, r.status, tc.status, r.body)
			}
		}
		if r := a.api(http.MethodPatch, "/sheets/nulle-part", "marie", `{"base": 1}`); r.status != http.StatusNotFound {
			t.Errorf("patch of no sheet: %d", r.status)
		}
		if show := a.api(http.MethodGet, "/sheets/jardin", "marie", nil).json(t); show["head"] != 5.0 {
			t.Errorf("refused patches stored revisions: head %v", show["head"])
		}
	})
}
