package web_test

import (
	"encoding/xml"
	"net/http"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

// A decision in recent changes and feeds names the member whose vote
// closed it; every feed entry has an author.
func TestDecisionEntriesNameWhoClosedTheVote(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Monnaie locale", body1)
		withBoard(t, a, slug)
		r := a.api(http.MethodPost, "/sheets/"+slug+"/reviews", "marie", map[string]any{"revision": 1})
		if r.status != http.StatusCreated {
			t.Fatalf("submit: %d %s", r.status, r.body)
		}
		votes := "/reviews/" + itoa(int(r.json(t)["id"].(float64))) + "/votes"
		for _, voter := range []string{"anne", "bleuenn"} {
			if r := a.api(http.MethodPost, votes, voter, map[string]any{"choice": "approve", "revision": 1}); r.status != http.StatusOK {
				t.Fatalf("vote of %s: %d %s", voter, r.status, r.body)
			}
		}
		found := false
		for _, c := range a.api(http.MethodGet, "/changes?sheet="+slug, "", nil).json(t)["changes"].([]any) {
			if ch := c.(map[string]any); ch["action"] == "validate" {
				found = true
				if ch["author"] != "bleuenn" {
					t.Errorf("validation's author = %q, want the closing voter", ch["author"])
				}
			}
		}
		if !found {
			t.Fatal("no validation in recent changes")
		}
		// A decision recorded before decisions had an actor (the audit log
		// is append-only, so those stay): the feed names the board.
		sh, err := a.store.SheetBySlug(t.Context(), slug)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.store.AppendAudit(t.Context(), &model.AuditEntry{CreatedAt: time.Now().UTC(), Action: store.AuditReject, SheetID: &sh.ID}); err != nil {
			t.Fatal(err)
		}
		var feed struct {
			Entries []struct {
				Title  string `xml:"title"`
				Author string `xml:"author>name"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal(a.browser().get("/sheets/"+slug+"/feed.atom").body, &feed); err != nil || len(feed.Entries) != 4 {
			t.Fatalf("feed: %v %+v", err, feed)
		}
		for _, e := range feed.Entries {
			if e.Author == "" {
				t.Errorf("feed entry %q has no author", e.Title)
			}
		}
		if feed.Entries[0].Author != "conseil" {
			t.Errorf("an actorless decision's author = %q", feed.Entries[0].Author)
		}
	})
}
