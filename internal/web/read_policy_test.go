package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/testutil"
)

// TestOneReadPolicy checks pages, API, feeds and exports together against
// the read policy (read.Viewer): a sheet is shown by default as its readers
// see it (the validated version without an account, the head with one),
// and its history is public, the same for everyone.
func TestOneReadPolicy(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		f := newAuthzFixture(t, d)
		a := f.a
		const published, pending = "Jardin validé", "Jardin en attente"
		slug := createSheet(t, a, published, body1)
		mustAPI(t, a, http.MethodPut, "/sheets/"+slug+"/board", "admin", map[string]any{"members": []string{"ba", "ba2", "ba3"}}, http.StatusOK)
		review := int64(mustAPI(t, a, http.MethodPost, "/sheets/"+slug+"/reviews", "sam", map[string]any{"revision": 1}, http.StatusCreated)["id"].(float64))
		for _, voter := range []string{"ba", "ba2"} {
			mustAPI(t, a, http.MethodPost, fmt.Sprintf("/reviews/%d/votes", review), voter, map[string]any{"choice": "approve", "revision": 1}, http.StatusOK)
		}
		mustAPI(t, a, http.MethodPut, "/sheets/"+slug, "marie", map[string]any{"base": 1, "title": pending, "body": body1 + "\nUn verger.\n", "summary": "résumé en attente"}, http.StatusOK)
		s := "/sheets/" + slug

		// explicit reads are history: the same answer for everyone.
		explicit := []struct {
			api        bool
			path, want string
		}{
			{true, s + "/revisions/2", "Un verger."},
			{true, s + "/revisions/1", "Des parcelles."},
			{true, s + "?revision=2", pending},
			{true, s + "/diff?from=1&to=2", "Un verger."},
			{true, s + "/revisions?limit=5", "résumé en attente"},
			{true, "/changes", "résumé en attente"},
			{false, s + "/revisions/2", "Un verger."},
			{false, s + "/diff?from=1&to=2", "Un verger."},
			{false, s + "/history", "résumé en attente"},
			{false, "/changes", "résumé en attente"},
			{false, "/feed.atom", "résumé en attente"},
			{false, s + "/feed.atom", "résumé en attente"},
			{false, s + "/export.md?revision=2", "Un verger."},
		}
		for _, tc := range []struct {
			role         string
			defaultTitle string
		}{
			{roleAnon, published},
			{roleContrib, pending},
			{roleBoard, pending},
			{roleAdmin, pending},
		} {
			t.Run(tc.role, func(t *testing.T) {
				user := f.users[tc.role]
				page := readerOf(t, a, user)
				// by default: the sheet as its readers see it, in every form.
				defaults := []response{
					page.get(s), page.get(s + "/export.md"),
					a.api(http.MethodGet, s, f.names[tc.role], nil), a.api(http.MethodGet, s+"/export.md", f.names[tc.role], nil),
				}
				for i, r := range defaults {
					other := published
					if other == tc.defaultTitle {
						other = pending
					}
					if r.status != http.StatusOK || !bytes.Contains(r.body, []byte(tc.defaultTitle)) || bytes.Contains(r.body, []byte(other)) {
						t.Errorf("default read %d: %d, want %q and not %q: %.300s", i, r.status, tc.defaultTitle, other, r.body)
					}
				}
				for _, e := range explicit {
					var r response
					if e.api {
						r = a.api(http.MethodGet, e.path, f.names[tc.role], nil)
					} else {
						r = page.get(e.path)
					}
					if r.status != http.StatusOK || !strings.Contains(string(r.body), e.want) {
						t.Errorf("api=%t GET %s: %d, want 200 with %q: %.300s", e.api, e.path, r.status, e.want, r.body)
					}
				}
			})
		}
	})
}

// readerOf is a browser for a person (nil: without an account).
func readerOf(t *testing.T, a *testAtlas, u *model.User) *browser {
	if u == nil {
		return a.browser()
	}
	b, _ := sessionBrowser(t, a, u)
	return b
}
