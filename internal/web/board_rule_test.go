package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

// TestAPIBoardRule: the rule set with the board, copied by the review,
// shown with the voters, deciding by votes cast; a bad rule is 422.
func TestAPIBoardRule(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Monnaie locale", body1)
		names := withBoard(t, a, slug)
		board := "/sheets/" + slug + "/board"
		for _, bad := range []map[string]any{
			{"kind": "cast"},
			{"kind": "cast", "quorum": 4},
			{"kind": "cast", "quorum": 2, "tie": "coin"},
			{"kind": "lots"},
			{"kind": "seats", "deadline_days": 0},
		} {
			r := a.api(http.MethodPut, board, "admin", map[string]any{"members": names, "rule": bad})
			if r.status != http.StatusUnprocessableEntity || r.json(t)["error"] != "invalid_rule" {
				t.Errorf("rule %v: %d %s", bad, r.status, r.body)
			}
		}
		r := a.api(http.MethodPut, board, "admin", map[string]any{"members": names,
			"rule": map[string]any{"kind": "cast", "quorum": 2, "tie": "open", "deadline_days": 3}})
		if r.status != http.StatusOK {
			t.Fatalf("set rule: %d %s", r.status, r.body)
		}
		want := `"rule":{"kind":"cast","quorum":2,"tie":"open","deadline_days":3}`
		if !strings.Contains(string(r.body), want) {
			t.Errorf("board answer %s, want %s", r.body, want)
		}
		// Members alone keep the rule.
		if r := a.api(http.MethodPut, board, "admin", map[string]any{"members": names}); !strings.Contains(string(r.body), want) {
			t.Errorf("board answer without a rule %s", r.body)
		}

		rv := a.api(http.MethodPost, "/sheets/"+slug+"/reviews", "marie", map[string]any{"revision": 1})
		if rv.status != http.StatusCreated || !strings.Contains(string(rv.body), want) {
			t.Fatalf("submit: %d %s", rv.status, rv.body)
		}
		got := rv.json(t)
		id := itoa(int(got["id"].(float64)))
		if got["deadline_at"] == nil {
			t.Errorf("no deadline_at: %s", rv.body)
		}
		if tally := got["tally"].(map[string]any); tally["voters"] != 0.0 {
			t.Errorf("tally %v", tally)
		}
		// The board's rule changes; the open review keeps its own.
		if r := a.api(http.MethodPut, board, "admin", map[string]any{"members": names, "rule": map[string]any{"kind": "seats"}}); r.status != http.StatusOK {
			t.Fatalf("reset rule: %d %s", r.status, r.body)
		}
		vote := func(who, choice, state string, voters float64) {
			t.Helper()
			r := a.api(http.MethodPost, "/reviews/"+id+"/votes", who, map[string]any{"choice": choice, "revision": 1})
			if r.status != http.StatusOK {
				t.Fatalf("vote by %s: %d %s", who, r.status, r.body)
			}
			got := r.json(t)
			if got["state"] != state || got["tally"].(map[string]any)["voters"] != voters {
				t.Errorf("after %s's vote: state %v, tally %v; want %s with %v voters", who, got["state"], got["tally"], state, voters)
			}
		}
		vote("anne", "approve", "submitted", 1)
		vote("bleuenn", "reject", "submitted", 2) // a tie stays open
		vote("corentin", "approve", "validated", 3)
		show := a.api(http.MethodGet, "/reviews/"+id, "", nil)
		if !strings.Contains(string(show.body), want) {
			t.Errorf("decided review %s", show.body)
		}
		md := a.browser().get("/sheets/" + slug + "/reviews/" + id + "/record.md")
		if !strings.Contains(string(md.body), "- Règle : majorité des présents (votes exprimés), quorum 2, égalité : reste ouverte, sans décision après 3 jours") {
			t.Errorf("record.md states no rule:\n%s", md.body)
		}
	})
}

// TestReviewPastItsDeadlineExpiresWhenRead: the API and the page close a
// due review as they show it; the sheet can then be submitted again.
func TestReviewPastItsDeadlineExpiresWhenRead(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Jardin partagé", body1)
		names := withBoard(t, a, slug)
		if r := a.api(http.MethodPut, "/sheets/"+slug+"/board", "admin", map[string]any{"members": names,
			"rule": map[string]any{"kind": "seats", "deadline_days": 1}}); r.status != http.StatusOK {
			t.Fatalf("set rule: %d %s", r.status, r.body)
		}
		rv := a.api(http.MethodPost, "/sheets/"+slug+"/reviews", "marie", map[string]any{"revision": 1})
		id := itoa(int(rv.json(t)["id"].(float64)))
		page := a.browser().get("/sheets/" + slug + "/reviews/" + id)
		if !strings.Contains(string(page.body), "close sans décision le") {
			t.Errorf("the open review's page shows no deadline")
		}
		past := time.Now().UTC().Add(-time.Minute)
		if err := d.Conn(t.Context()).Exec("UPDATE reviews SET deadline_at = ? WHERE id = ?", past, id).Error; err != nil {
			t.Fatal(err)
		}
		got := a.api(http.MethodGet, "/reviews/"+id, "", nil).json(t)
		if got["state"] != "expired" || got["decided_at"] == nil {
			t.Fatalf("review past its deadline: %v", got)
		}
		page = a.browser().get("/sheets/" + slug + "/reviews/" + id)
		if !strings.Contains(string(page.body), "sans décision") {
			t.Errorf("the page does not say the review closed without decision")
		}
		if ch := a.api(http.MethodGet, "/changes", "", nil); !strings.Contains(string(ch.body), `"action":"expire"`) {
			t.Errorf("recent changes do not show the expiry: %.400s", ch.body)
		}
		if r := a.api(http.MethodPost, "/reviews/"+id+"/votes", "anne", map[string]any{"choice": "approve", "revision": 1}); r.status != http.StatusConflict {
			t.Errorf("vote on an expired review: %d", r.status)
		}
		if r := a.api(http.MethodPost, "/sheets/"+slug+"/reviews", "marie", map[string]any{"revision": 1}); r.status != http.StatusCreated {
			t.Errorf("submit again after expiry: %d %s", r.status, r.body)
		}
	})
}

// TestBoardPageSetsTheRule: the admin chooses the rule in the board form;
// the review page shows it and the voters against the quorum.
func TestBoardPageSetsTheRule(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Tiers-lieu", body1)
		names := withBoard(t, a, slug)
		admin := a.browser()
		admin.login("admin")
		page := admin.get("/sheets/" + slug + "/board")
		if !strings.Contains(string(page.body), "majorité des sièges") || !strings.Contains(string(page.body), `name="rule_quorum"`) {
			t.Fatalf("board page without the rule's fields")
		}
		form := url.Values{"_csrf": {field(page.body, "_csrf")}, "members": names, "rule_kind": {"cast"}, "rule_quorum": {"9"}, "rule_tie": {"reject"}}
		if r := admin.post("/sheets/"+slug+"/board", form); r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "Règle de décision invalide") {
			t.Errorf("quorum over the seats: %d", r.status)
		}
		form.Set("rule_quorum", "2")
		if r := admin.post("/sheets/"+slug+"/board", form); r.status != http.StatusSeeOther {
			t.Fatalf("set rule: %d %.300s", r.status, r.body)
		}
		if page := admin.get("/sheets/" + slug + "/board"); !strings.Contains(string(page.body), `value="2"`) {
			t.Errorf("the board page does not show the quorum chosen")
		}
		rv := a.api(http.MethodPost, "/sheets/"+slug+"/reviews", "marie", map[string]any{"revision": 1})
		id := itoa(int(rv.json(t)["id"].(float64)))
		a.api(http.MethodPost, "/reviews/"+id+"/votes", "anne", map[string]any{"choice": "abstain", "revision": 1})
		body := string(a.browser().get("/sheets/" + slug + "/reviews/" + id).body)
		for _, want := range []string{"Règle : majorité des présents (votes exprimés), quorum 2, égalité : rejet", "1 votant sur quorum 2"} {
			if !strings.Contains(body, want) {
				t.Errorf("review page lacks %q", want)
			}
		}
	})
}
