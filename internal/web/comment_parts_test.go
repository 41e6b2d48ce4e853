package web_test

import (
	"net/http"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

// A discussion is kept rendered under the sheet's version: a signed-in
// reader who saw it sees a new message on the next reading.
func TestKeptDiscussionShowsANewComment(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Discussion gardée", body1)
		reader := a.browser()
		reader.login("marie")
		if page := string(reader.get("/sheets/" + slug).body); strings.Contains(page, `class="comment"`) {
			t.Fatal("a message before any was written")
		}
		for n, text := range []string{"Première remarque", "Seconde remarque"} {
			if r := a.api(http.MethodPost, "/sheets/"+slug+"/comments", "admin", map[string]any{"body": text, "revision": 1}); r.status != http.StatusCreated {
				t.Fatalf("comment: %d %s", r.status, r.body)
			}
			page := string(reader.get("/sheets/" + slug).body)
			if got := strings.Count(page, `<li class="comment" id=`); got != n+1 || !strings.Contains(page, text) {
				t.Errorf("after %d comments, the page shows %d, %q among them: %v", n+1, got, text, strings.Contains(page, text))
			}
		}
	})
}
