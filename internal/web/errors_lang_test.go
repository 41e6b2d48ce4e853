package web_test

import (
	"bytes"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

// TestErrorsSpeakTheReadersLanguage: an error carries a code and is
// translated when it is shown, so the same refusal reads in French by
// default and in English for a reader who asks for it (Accept-Language or
// the language cookie), on pages and in the API's JSON alike.
func TestErrorsSpeakTheReadersLanguage(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Cible", body1)
		apiCases := []struct {
			name, method, path, user string
			body                     any
			code, fr, en             string
		}{
			{"sentinel", http.MethodGet, "/sheets/absente", "", nil, "not_found",
				"Cette page ou cet objet n'existe pas.", "This page or item does not exist."},
			{"sheet service", http.MethodPost, "/sheets", "marie", map[string]any{"title": " ", "body": "x"}, "title_required",
				"le titre est obligatoire", "the title is required"},
			{"sheet service with an argument", http.MethodPost, "/sheets", "marie", map[string]any{"title": "x", "meta": map[string]any{"categories": []string{"licornes"}}}, "unknown_category",
				"catégorie inconnue : licornes", "unknown category: licornes"},
			{"unknown members", http.MethodPut, "/sheets/" + slug + "/board", "admin", map[string]any{"members": []string{"marie", "zoe", "yann"}}, "unknown_members",
				"Comptes inconnus ou désactivés : zoe, yann", "Unknown or disabled accounts: zoe, yann"},
			{"handler", http.MethodGet, "/sheets?limit=-3", "", nil, "bad_request",
				"Le paramètre limit doit être un entier entre 1 et 200.", "The parameter limit must be a whole number from 1 to 200."},
			{"bare status", http.MethodGet, "/nothing", "", nil, "not_found",
				"Cette page n'existe pas.", "This page does not exist."},
		}
		for _, tc := range apiCases {
			for lang, want := range map[string]string{"": tc.fr, "en-GB,en;q=0.8": tc.en, "fr-FR": tc.fr} {
				got := apiIn(t, a, lang, tc.method, tc.path, tc.user, tc.body)
				if got["error"] != tc.code || got["message"] != want {
					t.Errorf("%s, Accept-Language %q: %v, want %s %q", tc.name, lang, got, tc.code, want)
				}
			}
		}

		// Pages: the cookie set by the language link wins over the header.
		b := a.browser()
		if r := b.get("/lang/en"); r.status != http.StatusSeeOther {
			t.Fatalf("language switch: %d", r.status)
		}
		page := b.get("/sheets/absente")
		if page.status != http.StatusNotFound || !strings.Contains(string(page.body), `<html lang="en">`) ||
			!strings.Contains(html.UnescapeString(string(page.body)), "This page or item does not exist.") {
			t.Errorf("English 404 page: %d %s", page.status, page.body)
		}
		french := a.browser().get("/sheets/absente")
		if !strings.Contains(html.UnescapeString(string(french.body)), "Cette page ou cet objet n'existe pas.") {
			t.Errorf("French 404 page: %d %s", french.status, french.body)
		}

		// A refusal before the session is read still finds the language.
		req := httptest.NewRequest(http.MethodGet, "/?q=%ff", nil)
		req.Header.Set("Accept-Language", "en")
		if r := a.do(req); r.status != http.StatusBadRequest ||
			!strings.Contains(html.UnescapeString(string(r.body)), "The request contains invalid characters") {
			t.Errorf("early refusal: %d %s", r.status, r.body)
		}

		// A refused account on the admin page, in English.
		b.login("admin")
		form := url.Values{"_csrf": {b.csrf("/admin/users")}, "username": {"X"}, "email": {"x@example.org"},
			"role": {"contributor"}, "password": {"un mot de passe assez long"}}
		r := b.post("/admin/users", form)
		if r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(string(r.body), "2 to 40 lowercase letters, digits, dots, dashes or underscores") {
			t.Errorf("English refused account: %d %s", r.status, r.body)
		}
	})
}

// apiIn sends an API request with the given Accept-Language ("" for none)
// and returns its JSON answer.
func apiIn(t *testing.T, a *testAtlas, lang, method, path, user string, body any) map[string]any {
	t.Helper()
	var data []byte
	if body != nil {
		data, _ = json.Marshal(body)
	}
	req := httptest.NewRequest(method, "/api/v1"+path, bytes.NewReader(data))
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+a.tokens[user])
	}
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	return a.do(req).json(t)
}
