package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

// TestBoardMinutesListExactlyThePeriodsDecisions: the minutes of a period
// hold the validations and rejections decided in it, no other, with the
// version's hash, the votes and the rule; the agenda lists the open review.
func TestBoardMinutesListExactlyThePeriodsDecisions(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Monnaie locale", body1)
		withBoard(t, a, slug)
		decide := func(choice, comment string, at time.Time) string {
			t.Helper()
			r := a.api(http.MethodPost, "/sheets/"+slug+"/reviews", "marie", map[string]any{"revision": 1})
			if r.status != http.StatusCreated {
				t.Fatalf("submit: %d %s", r.status, r.body)
			}
			id := itoa(int(r.json(t)["id"].(float64)))
			for _, who := range []string{"anne", "bleuenn"} {
				if r := a.api(http.MethodPost, "/reviews/"+id+"/votes", who, map[string]any{"choice": choice, "revision": 1, "comment": comment}); r.status != http.StatusOK {
					t.Fatalf("vote: %d %s", r.status, r.body)
				}
			}
			if err := d.Conn(t.Context()).Exec("UPDATE reviews SET decided_at = ? WHERE id = ?", at, id).Error; err != nil {
				t.Fatal(err)
			}
			return id
		}
		jan := decide("approve", "<script>*oui*</script>", time.Date(2026, 1, 31, 23, 30, 0, 0, time.UTC))
		feb := decide("reject", "", time.Date(2026, 2, 1, 0, 10, 0, 0, time.UTC))
		withdrawn := a.api(http.MethodPost, "/sheets/"+slug+"/reviews", "marie", map[string]any{"revision": 1}).json(t)["id"].(float64)
		a.api(http.MethodPost, "/reviews/"+itoa(int(withdrawn))+"/withdraw", "marie", nil)
		expired := a.api(http.MethodPost, "/sheets/"+slug+"/reviews", "marie", map[string]any{"revision": 1}).json(t)["id"].(float64)
		for id, at := range map[float64]time.Time{withdrawn: time.Date(2026, 2, 10, 9, 0, 0, 0, time.UTC), expired: time.Date(2026, 2, 20, 9, 0, 0, 0, time.UTC)} {
			if err := d.Conn(t.Context()).Exec("UPDATE reviews SET decided_at = ? WHERE id = ?", at, int64(id)).Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := d.Conn(t.Context()).Exec("UPDATE reviews SET state = 'expired' WHERE id = ?", int64(expired)).Error; err != nil {
			t.Fatal(err)
		}
		open := itoa(int(a.api(http.MethodPost, "/sheets/"+slug+"/reviews", "marie", map[string]any{"revision": 1}).json(t)["id"].(float64)))

		gone, ended := itoa(int(withdrawn)), itoa(int(expired))
		minutes := func(from, to, list string) []string {
			t.Helper()
			r := a.api(http.MethodGet, "/sheets/"+slug+"/board/minutes?from="+from+"&to="+to, "", nil)
			if r.status != http.StatusOK {
				t.Fatalf("minutes %s..%s: %d %s", from, to, r.status, r.body)
			}
			var ids []string
			for _, d := range r.json(t)[list].([]any) {
				ids = append(ids, itoa(int(d.(map[string]any)["review"].(map[string]any)["id"].(float64))))
			}
			return ids
		}
		for _, c := range []struct {
			from, to  string
			want      string
			undecided string
		}{
			{"2026-01-01", "2026-01-31", jan, ""},
			{"2026-02-01", "2026-02-28", feb, gone + "," + ended},
			{"2026-01-31", "2026-02-01", jan + "," + feb, ""},
			{"2026-02-02", "2026-02-15", "", gone},
			{"2026-02-21", "2026-12-31", "", ""},
		} {
			if got := strings.Join(minutes(c.from, c.to, "decisions"), ","); got != c.want {
				t.Errorf("minutes %s..%s = [%s], want [%s]", c.from, c.to, got, c.want)
			}
			if got := strings.Join(minutes(c.from, c.to, "closed_without_decision"), ","); got != c.undecided {
				t.Errorf("minutes %s..%s closed without decision = [%s], want [%s]", c.from, c.to, got, c.undecided)
			}
		}
		for _, q := range []string{"", "from=2026-01-01", "from=2026-02-01&to=2026-01-01", "from=2025-01-01&to=2026-06-01", "from=x&to=y"} {
			if r := a.api(http.MethodGet, "/sheets/"+slug+"/board/minutes?"+q, "", nil); r.status != http.StatusUnprocessableEntity || r.json(t)["error"] != "invalid_period" {
				t.Errorf("minutes ?%s: %d %s", q, r.status, r.body)
			}
		}

		sha := a.api(http.MethodGet, "/sheets/"+slug+"/revisions/1", "", nil).json(t)["sha256"].(string)
		md := string(a.browser().get("/sheets/" + slug + "/board/minutes.md?from=2026-01-01&to=2026-02-28").body)
		for _, want := range []string{"# Procès-verbal du conseil — Monnaie locale", "## Soumission n° " + jan + ", version 1",
			"- Version 1, SHA-256 `" + sha + "`", "- Règle : majorité des sièges", "- Issue : validée, le 2026-01-31 23:30 UTC",
			"- Issue : rejetée, le 2026-02-01 00:10 UTC", `\<script\>\*oui\*\</script\>`, "jours comptés en UTC",
			"## Clôturées sans décision", "- Soumission n° " + gone + ", version 1 : retirée, le 2026-02-10 09:00 UTC",
			"- Soumission n° " + ended + ", version 1 : sans décision, le 2026-02-20 09:00 UTC"} {
			if !strings.Contains(md, want) {
				t.Errorf("minutes.md lacks %q:\n%s", want, md)
			}
		}
		if strings.Contains(md, "<script>") {
			t.Error("minutes.md holds active Markdown")
		}
		page := a.browser().get("/sheets/" + slug + "/board/minutes.html?from=2026-01-01&to=2026-02-28")
		if page.status != http.StatusOK || !strings.Contains(string(page.body), sha) || strings.Contains(string(page.body), "<script>*oui*") {
			t.Errorf("minutes.html: %d", page.status)
		}
		html := string(page.body)
		undecided := strings.Index(html, "Clôturées sans décision")
		if undecided < 0 || strings.LastIndex(html, "Soumission n° "+feb) > undecided || strings.Index(html, "Soumission n° "+gone) < undecided ||
			strings.Index(html, "Soumission n° "+ended) < undecided {
			t.Errorf("minutes.html does not list withdrawals and expiries apart, after the decisions:\n%s", html)
		}
		// A decision at 23:30 UTC on 31 January is in January's minutes and
		// says so, whatever the reader's clock.
		if !strings.Contains(html, `<time datetime="2026-01-31T23:30:00Z">2026-01-31 23:30 UTC</time>`) {
			t.Errorf("minutes.html does not date the January decision in UTC")
		}
		agenda := string(a.browser().get("/sheets/" + slug + "/board/meetings").body)
		if !strings.Contains(agenda, "/reviews/"+open+`"`) || strings.Contains(agenda, "/reviews/"+jan+`"`) {
			t.Errorf("the agenda does not list exactly the open review")
		}
	})
}
