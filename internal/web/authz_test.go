package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

// TestAuthzMatrixCoversEveryRoute fails when a route is added without
// deciding who may use it, or when the matrix names a route that is gone.
func TestAuthzMatrixCoversEveryRoute(t *testing.T) {
	a := newTestAtlas(t, testutil.NewSQLite(t))
	inMatrix := map[string]bool{}
	for _, r := range readMatrix(t) {
		inMatrix[r.key()] = true
	}
	routes := registeredRoutes(a)
	if len(routes) < 50 {
		t.Fatalf("only %d routes registered: GetRoutes is not seeing the app", len(routes))
	}
	for _, k := range routes {
		if !inMatrix[k] {
			t.Errorf("route %s is not in testdata/authz_matrix.txt: decide who may use it", k)
		}
		delete(inMatrix, k)
	}
	for k := range inMatrix {
		t.Errorf("testdata/authz_matrix.txt lists %s, which is not a registered route", k)
	}
}

func TestAuthzMatrix(t *testing.T) {
	rows := readMatrix(t)
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		f := newAuthzFixture(t, d)
		var w *world
		dirty := true
		for _, row := range rows {
			// Reads share a world; a row that may write gets a fresh one,
			// and so does the row after it.
			if dirty || row.method != http.MethodGet {
				w = f.newWorld(t)
			}
			dirty = row.method != http.MethodGet
			for _, role := range runOrder {
				c := call{}
				if build := matrixCalls[row.key()]; build != nil {
					c = build(t, w, role)
				}
				path := w.instantiate(t, row.path, c.vars)
				r := w.send(t, row.method, path, role, c.body)
				if got, want := outcome(r), row.want[role]; got != want {
					t.Errorf("authz_matrix.txt:%d %s as %s: got %s, want %s (request %s %s): %.200s",
						row.line, row.key(), role, got, want, row.method, path, r.body)
				}
				if r.status >= 500 {
					t.Errorf("%s %s as %s: server error %d", row.method, path, role, r.status)
				}
			}
		}
	})
}

// TestObjectsOfAnotherSheetAre404: a review is addressed under its sheet;
// sheet A's path with sheet B's review names nothing, whatever one's rights
// on B.
func TestObjectsOfAnotherSheetAre404(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		f := newAuthzFixture(t, d)
		w := f.newWorld(t)
		under := fmt.Sprintf("/sheets/%s/reviews/%d", w.slugA, w.reviewB)
		for _, role := range []string{roleOtherBoard, roleAdmin, roleAnon} {
			for _, p := range []string{"", "/record.json", "/record.md", "/amend"} {
				if role == roleAnon && p == "/amend" {
					continue // the login check comes first
				}
				b, _ := sessionBrowser(t, f.a, f.users[role])
				if r := b.get(under + p); r.status != http.StatusNotFound {
					t.Errorf("GET %s as %s: %d, want 404", under+p, role, r.status)
				}
			}
		}
		// bb sits on B's board: through A's path the vote must not land on B.
		revB := strconv.Itoa(w.review(t, w.reviewB).RevisionNumber)
		posts := map[string]url.Values{
			"/votes":    {"choice": {"approve"}, "revision": {revB}},
			"/amend":    {"base": {revB}, "title": {"Détournée"}, "body": {"détournée"}},
			"/withdraw": {},
		}
		for _, role := range []string{roleOtherBoard, roleAdmin} {
			for p, form := range posts {
				b, csrf := sessionBrowser(t, f.a, f.users[role])
				if r := postForm(b, under+p, csrf, form); r.status != http.StatusNotFound {
					t.Errorf("POST %s as %s: %d, want 404", under+p, role, r.status)
				}
			}
		}
		// A comment on A naming B's review.
		b, csrf := sessionBrowser(t, f.a, f.users[roleOtherBoard])
		if r := postForm(b, "/sheets/"+w.slugA+"/comments", csrf, url.Values{"body": {"égaré"}, "review": {strconv.FormatInt(w.reviewB, 10)}}); r.status != http.StatusNotFound {
			t.Errorf("comment on A about B's review: %d, want 404", r.status)
		}
		// Nothing reached B's review.
		rb := mustAPI(t, f.a, http.MethodGet, fmt.Sprintf("/reviews/%d", w.reviewB), "", nil, http.StatusOK)
		if rb["state"] != "submitted" || len(rb["votes"].([]any)) != 0 || rb["revision"] != 1.0 {
			t.Errorf("B's review changed through A's path: %v", rb)
		}
		if head := w.sheet(t, w.slugB).HeadNumber; head != 1 {
			t.Errorf("B's head = %d after amendments through A's path", head)
		}
		if n := len(mustAPI(t, f.a, http.MethodGet, "/sheets/"+w.slugB+"/comments", "", nil, http.StatusOK)["comments"].([]any)); n != 0 {
			t.Errorf("B has %d comments", n)
		}
	})
}

// TestRevisionsBeyondHeadAre404 tries every way of naming a revision with
// numbers that do not exist.
func TestRevisionsBeyondHeadAre404(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		f := newAuthzFixture(t, d)
		w := f.newWorld(t)
		head := w.sheet(t, w.slugA).HeadNumber
		s := "/sheets/" + w.slugA
		for _, n := range []int{head + 1, head + 1000, 0, -1} {
			num := strconv.Itoa(n)
			for _, user := range []string{"", "marie"} {
				for _, p := range []string{s + "/revisions/" + num, s + "?revision=" + num, s + "/diff?from=1&to=" + num, s + "/diff?from=" + num + "&to=1"} {
					r := f.a.api(http.MethodGet, p, user, nil)
					// Zero and negatives are malformed parameters (400) in a
					// query, nameless objects (404) in a path.
					want := http.StatusNotFound
					if n < 1 && strings.Contains(p, "=") {
						want = http.StatusBadRequest
					}
					if r.status != want {
						t.Errorf("API GET %s as %q: %d, want %d", p, user, r.status, want)
					}
				}
			}
			if n >= 1 {
				if r := f.a.api(http.MethodPost, s+"/restore", "marie", map[string]any{"revision": n}); r.status != http.StatusNotFound {
					t.Errorf("API restore %d: %d, want 404", n, r.status)
				}
				if r := f.a.api(http.MethodPost, s+"/undo", "marie", map[string]any{"revision": n}); r.status != http.StatusNotFound {
					t.Errorf("API undo %d: %d, want 404", n, r.status)
				}
			}
			b, csrf := sessionBrowser(t, f.a, f.a.marie)
			for _, p := range []string{s + "/revisions/" + num, s + "/diff?from=1&to=" + num} {
				want := http.StatusNotFound
				if n < 1 && strings.Contains(p, "=") {
					want = http.StatusBadRequest
				}
				if r := b.get(p); r.status != want {
					t.Errorf("GET %s: %d, want %d", p, r.status, want)
				}
			}
			if r := postForm(b, s+"/revisions/"+num+"/restore", csrf, url.Values{}); r.status != http.StatusNotFound {
				t.Errorf("POST restore of %d: %d, want 404", n, r.status)
			}
			if r := postForm(b, s+"/revisions/"+num+"/undo", csrf, url.Values{}); r.status != http.StatusNotFound {
				t.Errorf("POST undo of %d: %d, want 404", n, r.status)
			}
			if r := b.get(s + "/revisions/" + num + "/undo"); r.status != http.StatusNotFound {
				t.Errorf("GET undo of %d: %d, want 404", n, r.status)
			}
			if r := f.a.api(http.MethodPost, s+"/comments", "marie", map[string]any{"body": "x", "revision": n}); r.status != http.StatusUnprocessableEntity {
				t.Errorf("comment on revision %d: %d, want 422", n, r.status)
			}
		}
		if got := w.sheet(t, w.slugA).HeadNumber; got != head {
			t.Errorf("head moved from %d to %d", head, got)
		}
	})
}
