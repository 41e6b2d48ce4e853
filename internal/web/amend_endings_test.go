package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

// An amendment sent back unchanged from the browser, on a revision stored
// with CRLF, is refused as unchanged like a save: the browser's LF line
// endings alone make no revision.
func TestBrowserAmendmentLeavesCRLFRevisionsAlone(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		crlf := strings.ReplaceAll(endingsBody, "\n", "\r\n")
		slug := createSheet(t, a, "Jardin", crlf)
		withBoard(t, a, slug)
		r := a.api(http.MethodPost, "/sheets/"+slug+"/reviews", "marie", map[string]any{"revision": 1})
		if r.status != http.StatusCreated {
			t.Fatalf("submit: %d %s", r.status, r.body)
		}
		amend := "/sheets/" + slug + "/reviews/" + itoa(int(r.json(t)["id"].(float64))) + "/amend"
		b := a.browser()
		b.login("marie")

		r = browserEdit(t, b, amend, func(f url.Values) {
			if !strings.Contains(f.Get("body"), "\r\n") {
				t.Fatal("the simulated browser sends no CRLF")
			}
		})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "déjà la version actuelle") {
			t.Errorf("unchanged amendment: %d, want 422 unchanged %.300s", r.status, r.body)
		}
		if r := a.api(http.MethodGet, "/sheets/"+slug+"/revisions/2", "marie", nil); r.status != http.StatusNotFound {
			t.Errorf("an unchanged amendment stored revision 2: %d %s", r.status, r.body)
		}
		if got := apiBody(t, a, slug, "1")["body"]; got != crlf {
			t.Errorf("revision 1 changed: %q", got)
		}

		// A real amendment still goes through.
		r = browserEdit(t, b, amend, func(f url.Values) { replaceIn(f, "body", "samedi", "dimanche") })
		if r.status != http.StatusSeeOther {
			t.Fatalf("amendment: %d %.300s", r.status, r.body)
		}
		if got := apiBody(t, a, slug, "2")["body"].(string); !strings.Contains(got, "dimanche") {
			t.Errorf("amended body %q", got)
		}
	})
}
