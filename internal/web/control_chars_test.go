package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/i18n"
	"atlas/internal/testutil"
)

// TestControlCharactersRefused: ESC, BEL, DEL and the other control
// characters are refused in one-line fields (titles, summaries, tags,
// metadata, names), tabs and line breaks included, and in texts of
// several lines (bodies, messages, notes, vote comments) but for tabs and
// line breaks: 400 with a message saying which field, from the API (JSON) and
// the pages (forms), and nothing is stored.
func TestControlCharactersRefused(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Jardin", "## Texte\n\n\tavec une tabulation\n")
		withBoard(t, a, slug)
		review := a.api(http.MethodPost, "/sheets/"+slug+"/reviews", "marie", map[string]any{"revision": 1})
		if review.status != http.StatusCreated {
			t.Fatalf("submit: %d %s", review.status, review.body)
		}
		reviewID := int(review.json(t)["id"].(float64))

		refusedAPI := []struct {
			method, path string
			body         map[string]any
			key          string
		}{
			{"POST", "/sheets", map[string]any{"title": "Jardin\x1b[2J", "body": "x"}, "title"},
			{"POST", "/sheets", map[string]any{"title": "Jardin\tpartagé", "body": "x"}, "title"},
			{"POST", "/sheets", map[string]any{"title": "Jardin", "body": "Sonnerie\x07", "summary": "s"}, "body"},
			{"POST", "/sheets", map[string]any{"title": "Jardin", "body": "x", "summary": "effacé\x7f"}, "summary"},
			{"POST", "/sheets", map[string]any{"title": "Jardin", "body": "x", "meta": map[string]any{"tags": []string{"ok", "é\x1bchap"}}}, "tags"},
			{"POST", "/sheets", map[string]any{"title": "Jardin", "body": "x", "meta": map[string]any{"subtitle": "sous\u0085titre"}}, "meta"},
			{"POST", "/sheets", map[string]any{"title": "Jardin", "body": "x", "meta": map[string]any{"place": map[string]any{"name": "Lieu\x1b", "lat": 48.4, "lon": -4.5}}}, "place"},
			{"PUT", "/sheets/" + slug, map[string]any{"base": 1, "title": "Jardin", "body": "x", "summary": "\x1b]0;titre\x07"}, "summary"},
			{"PATCH", "/sheets/" + slug, map[string]any{"base": 1, "title": "Jar\x08din"}, "title"},
			{"POST", "/sheets/" + slug + "/comments", map[string]any{"body": "Bonjour\x1b[5m !"}, "message"},
			{"POST", "/sheets/" + slug + "/reviews", map[string]any{"revision": 1, "note": "note\x07"}, "note"},
			{"POST", fmt.Sprintf("/reviews/%d/votes", reviewID), map[string]any{"choice": "approve", "revision": 1, "comment": "oui\x1b[8mmais"}, "comment"},
			{"POST", fmt.Sprintf("/reviews/%d/amendments", reviewID), map[string]any{"base": 1, "title": "Jardin\x1b", "body": "x"}, "title"},
		}
		for _, tc := range refusedAPI {
			r := a.api(tc.method, tc.path, "marie", tc.body)
			want := i18n.T("fr", "error.control_character."+tc.key)
			if r.status != http.StatusBadRequest || r.json(t)["error"] != "control_character" || r.json(t)["message"] != want {
				t.Errorf("%s %s %v: %d %s, want 400 control_character %q", tc.method, tc.path, tc.body, r.status, r.body, want)
			}
		}

		b, csrf := sessionBrowser(t, a, a.marie)
		refusedPages := []struct {
			path string
			form url.Values
			key  string
		}{
			{"/sheets", url.Values{"title": {"Jardin\x1b"}, "body": {"x"}}, "title"},
			{"/sheets", url.Values{"title": {"Jardin"}, "body": {"x"}, "tags": {"ok, \x7f"}}, "tags"},
			{"/sheets/" + slug + "/edit", url.Values{"base": {"1"}, "title": {"Jardin"}, "body": {"y"}, "summary": {"\x07"}}, "summary"},
			{"/sheets/" + slug + "/comments", url.Values{"body": {"\x1b[31mrouge"}}, "message"},
			{"/account/tokens", url.Values{"name": {"script\x1b"}}, "token_name"},
		}
		for _, tc := range refusedPages {
			r := postForm(b, tc.path, csrf, tc.form)
			want := i18n.T("fr", "error.control_character."+tc.key)
			if r.status != http.StatusBadRequest || !strings.Contains(html.UnescapeString(string(r.body)), want) {
				t.Errorf("POST %s %v: %d, want 400 with %q", tc.path, tc.form, r.status, want)
			}
		}
		admin, acsrf := sessionBrowser(t, a, a.admin)
		r := postForm(admin, "/admin/users", acsrf, url.Values{"username": {"neuve"}, "email": {"neuve@example.org"}, "role": {"contributor"}, "display_name": {"Neuve\x1b"}, "password": {"un mot de passe assez long"}})
		if want := i18n.T("fr", "error.control_character.display_name"); r.status != http.StatusBadRequest || !strings.Contains(html.UnescapeString(string(r.body)), want) {
			t.Errorf("admin creates an account whose name holds ESC: %d, want 400 with %q", r.status, want)
		}

		// Nothing was stored.
		if r := a.api(http.MethodGet, "/sheets?limit=10", "marie", nil); len(r.json(t)["sheets"].([]any)) != 1 {
			t.Errorf("a refused creation stored a sheet: %s", r.body)
		}
		if r := a.api(http.MethodGet, "/sheets/"+slug+"/revisions", "marie", nil); len(r.json(t)["revisions"].([]any)) != 1 {
			t.Errorf("a refused edit stored a revision: %s", r.body)
		}
		if r := a.api(http.MethodGet, "/sheets/"+slug+"/comments", "marie", nil); strings.Contains(string(r.body), "rouge") {
			t.Errorf("a refused comment was stored: %s", r.body)
		}
		if toks, _ := a.store.APITokensOfUser(t.Context(), a.marie.ID); len(toks) != 1 {
			t.Errorf("marie has %d tokens, want 1", len(toks))
		}
		if _, err := a.store.UserByUsername(t.Context(), "neuve"); err == nil {
			t.Error("the account was created")
		}

		// Tabs and line breaks stay welcome where a text has lines.
		ok := a.api(http.MethodPut, "/sheets/"+slug, "marie", map[string]any{"base": 1, "title": "Jardin", "body": "## Texte\r\n\r\n\tTabulé\n", "summary": "mise en forme"})
		if ok.status != http.StatusOK {
			t.Errorf("body with tabs and CRLF: %d %s", ok.status, ok.body)
		}
		if r := a.api(http.MethodPost, "/sheets/"+slug+"/comments", "marie", map[string]any{"body": "Deux\nlignes\tet une tabulation"}); r.status != http.StatusCreated {
			t.Errorf("comment with lines and a tab: %d %s", r.status, r.body)
		}
	})
}
