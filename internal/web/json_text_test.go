package web_test

import (
	"net/http"
	"testing"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

// Text Go's decoder would silently turn into U+FFFD is refused, and
// nothing is stored; real pairs, escaped backslashes and a U+FFFD sent as
// such pass.
func TestAPIRefusesInvalidUTF8AndLoneSurrogates(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		for name, body := range map[string]string{
			"invalid byte":          "{\"title\": \"Four \xff\", \"body\": \"x\"}",
			"truncated sequence":    "{\"title\": \"Four\", \"body\": \"\xe2\x82\"}",
			"lone high surrogate":   `{"title": "Four \ud800", "body": "x"}`,
			"lone low surrogate":    `{"title": "Four", "body": "\udc00 x"}`,
			"high then other":       `{"title": "Four \ud83d\u0041", "body": "x"}`,
			"high at end of string": `{"title": "Four", "body": "x\uD83D"}`,
		} {
			r := a.api(http.MethodPost, "/sheets", "marie", body)
			if r.status != http.StatusBadRequest || r.json(t)["error"] != "invalid_utf8" {
				t.Errorf("%s: %d %s", name, r.status, r.body)
			}
		}
		if list := a.api(http.MethodGet, "/sheets", "", nil).json(t)["sheets"].([]any); len(list) != 0 {
			t.Errorf("refused bodies stored sheets: %v", list)
		}

		slug := createSheet(t, a, "Four", "x\n")
		r := a.api(http.MethodPut, "/sheets/"+slug, "marie", `{"base": 1, "title": "Four", "body": "y \ud800\n"}`)
		if r.status != http.StatusBadRequest {
			t.Errorf("save with a lone surrogate: %d %s", r.status, r.body)
		}
		if show := a.api(http.MethodGet, "/sheets/"+slug, "marie", nil).json(t); show["head"] != 1.0 || show["body"] != "x\n" {
			t.Errorf("refused save changed the sheet: %v", show)
		}

		r = a.api(http.MethodPost, "/sheets", "marie", `{"title": "Rire \ud83d\ude00", "body": "a \\ud800 b \ufffd\n", "slug": "rire"}`)
		if r.status != http.StatusCreated {
			t.Fatalf("valid escapes: %d %s", r.status, r.body)
		}
		if show := a.api(http.MethodGet, "/sheets/rire", "marie", nil).json(t); show["title"] != "Rire 😀" || show["body"] != "a \\ud800 b \uFFFD\n" {
			t.Errorf("valid escapes stored as %q, %q", show["title"], show["body"])
		}
	})
}
