package web_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

// A method a path does not support is a 405 naming the ones it does,
// whoever asks, on the API as on pages.
func TestUnsupportedMethodIsNotAllowed(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Four à pain", "Le four.\n")
		for _, tc := range []struct {
			method, path, user, allow string
		}{
			{http.MethodDelete, "/api/v1/sheets/" + slug, "", "GET, HEAD, PUT, PATCH"},
			{http.MethodDelete, "/api/v1/sheets/" + slug, "marie", "GET, HEAD, PUT, PATCH"},
			{http.MethodDelete, "/api/v1/sheets/nowhere", "marie", "GET, HEAD, PUT, PATCH"},
			{http.MethodPatch, "/api/v1/sheets/" + slug + "/comments", "", "GET, HEAD, POST"},
			{http.MethodGet, "/api/v1/reviews/1/votes", "marie", "POST"},
			{http.MethodPost, "/sheets/" + slug + "/history", "", "GET, HEAD"},
			{http.MethodDelete, "/sheets/" + slug, "", "GET, HEAD"},
			{http.MethodGet, "/logout", "", "POST"},
		} {
			req := httptest.NewRequest(tc.method, tc.path, nil)
			if tc.user != "" {
				req.Header.Set("Authorization", "Bearer "+a.tokens[tc.user])
			}
			r := a.do(req)
			if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != tc.allow {
				t.Errorf("%s %s as %q: %d, Allow %q, want 405 and %q: %.200s", tc.method, tc.path, tc.user, r.status, r.header.Get("Allow"), tc.allow, r.body)
			}
		}
		// A path no route names stays a 404.
		if r := a.api(http.MethodDelete, "/nothing/here", "marie", nil); r.status != http.StatusNotFound {
			t.Errorf("DELETE on no route: %d", r.status)
		}
		if r := a.api(http.MethodDelete, "/sheets/"+slug, "marie", nil); r.json(t)["error"] != "method_not_allowed" {
			t.Errorf("API 405 body: %s", r.body)
		}
	})
}
