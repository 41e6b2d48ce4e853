package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
)

// TestEveryRouteWordIsReserved: a word a route uses as a path segment
// (and that could be a slug) is one no sheet may take; a new route must
// add its words to sheet.reservedSlugs.
func TestEveryRouteWordIsReserved(t *testing.T) {
	a := newTestAtlas(t, testutil.NewSQLite(t))
	slugLike := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	for _, r := range a.app.GetRoutes(true) {
		for _, seg := range strings.Split(r.Path, "/") {
			if slugLike.MatchString(seg) && !sheet.ReservedSlug(seg) {
				t.Errorf("%s %s: the word %q is not in sheet.reservedSlugs", r.Method, r.Path, seg)
			}
		}
	}
}

// TestSheetTitledNewIsReachable: the title "New" made the slug new, whose
// page is the creation form; now it makes new-2, from the page and the
// API, and the slug new asked for by name is refused with a message.
func TestSheetTitledNewIsReachable(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		b, csrf := sessionBrowser(t, a, a.marie)
		r := postForm(b, "/sheets", csrf, url.Values{"title": {"New"}, "body": {"x"}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/sheets/new-2" {
			t.Fatalf("create New: %d %s", r.status, r.header.Get("Location"))
		}
		if r := b.get("/sheets/new-2"); r.status != http.StatusOK || !strings.Contains(string(r.body), "<h1") {
			t.Errorf("the sheet New is not reachable: %d", r.status)
		}
		created := a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": "Edit", "body": "x"})
		if created.status != http.StatusCreated || created.json(t)["slug"] != "edit-2" {
			t.Errorf("API create Edit: %d %s", created.status, created.body)
		}
		refused := a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": "Une fiche", "body": "x", "slug": "new"})
		if m := refused.json(t); refused.status != http.StatusUnprocessableEntity || m["error"] != "slug_reserved" || !strings.Contains(m["message"].(string), "new") {
			t.Errorf("API create with slug new: %d %s", refused.status, refused.body)
		}
	})
}
