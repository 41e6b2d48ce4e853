package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

// TestDiffIsComputedOncePerPairOfBodies: a comparison page used to compute
// its diff at every signed-in reading and again after any write to the
// sheet (a comment moves the page cache's key). The rendered diff is now
// kept under the two bodies' hashes and the language.
func TestDiffIsComputedOncePerPairOfBodies(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Comparée", body1)
		if r := a.api(http.MethodPut, "/sheets/"+slug, "marie", map[string]any{"base": 1, "title": "Comparée", "body": strings.Replace(body1, "vingtaine", "trentaine", 1)}); r.status != http.StatusCreated && r.status != http.StatusOK {
			t.Fatalf("save: %d %s", r.status, r.body)
		}
		path := "/sheets/" + slug + "/diff?from=1&to=2"
		b := a.browser()
		b.login("marie")
		var first []byte
		for i := range 3 {
			r := b.get(path)
			if r.status != http.StatusOK || !strings.Contains(string(r.body), "trentaine") {
				t.Fatalf("signed-in reading %d: %d", i, r.status)
			}
			if i == 0 {
				first = r.body
			}
		}
		a.browser().get(path)
		if r := a.api(http.MethodPost, "/sheets/"+slug+"/comments", "marie", map[string]any{"body": "Bravo"}); r.status != http.StatusCreated {
			t.Fatalf("comment: %d", r.status)
		}
		if r := a.browser().get(path); !bytes.Contains(r.body, []byte("trentaine")) {
			t.Error("the anonymous page after a comment lacks the diff")
		}
		// A review of version 2 shows the same comparison, kept.
		mustAPI(t, a, http.MethodPut, "/sheets/"+slug+"/board", "admin", map[string]any{"members": []string{"admin"}}, http.StatusOK)
		review := mustAPI(t, a, http.MethodPost, "/sheets/"+slug+"/reviews", "marie", map[string]any{"revision": 2}, http.StatusCreated)
		for range 2 {
			if r := b.get(fmt.Sprintf("/sheets/%s/reviews/%d", slug, int64(review["id"].(float64)))); !bytes.Contains(r.body, []byte("trentaine</ins>")) {
				t.Errorf("the review page lacks the diff: %d", r.status)
			}
		}
		if got := cacheCounter(t, a, "diffs", "misses_total"); got != 1 {
			t.Errorf("the diff was computed %d times, want 1", got)
		}
		if !bytes.Contains(first, []byte(`<ins>trentaine</ins>`)) && !bytes.Contains(first, []byte(`trentaine</ins>`)) {
			t.Errorf("the kept diff lacks the inserted word")
		}
		// The API's answer is kept too, and the same each time.
		r1 := a.api(http.MethodGet, "/sheets/"+slug+"/diff?from=1&to=2", "", nil)
		r2 := a.api(http.MethodGet, "/sheets/"+slug+"/diff?from=1&to=2", "", nil)
		if r1.status != http.StatusOK || !bytes.Equal(r1.body, r2.body) || !bytes.Contains(r1.body, []byte("trentaine")) {
			t.Errorf("API diff: %d %s / %s", r1.status, r1.body, r2.body)
		}
	})
}
