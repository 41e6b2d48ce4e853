package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestBoardDecidesByVotesCast: an admin gives a board of six the rule
// "majorité des présents, quorum 4"; three members vote (one for, one
// against, one abstaining) and nothing is decided; the fourth approves and
// the version is validated by two votes to one, on a computer and a phone.
func TestBoardDecidesByVotesCast(t *testing.T) { onEachDatabase(t, boardRuleJourney) }

func boardRuleJourney(t *testing.T, srv *server) {
	members := []string{"anne", "bleuenn", "corentin", "dewi", "erwan", "fanch"}
	roles := map[string]string{"marie": "contributor", "gwen": "admin"}
	for _, m := range members {
		roles[m] = "contributor"
	}
	srv.createUsers(t, roles)
	tokens := map[string]string{}
	for _, u := range []string{"marie", "bleuenn", "corentin"} {
		tokens[u] = srv.run(t, "", "token", "create", "--username", u)
	}
	shot := newShots(t)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	chromium := startChromium(t, ctx)
	gwen := newBrowser(t, chromium, srv, "gwen")
	gwen.login(t, "gwen")
	anne := newBrowser(t, chromium, srv, "anne")
	anne.login(t, "anne")
	dewi := newBrowser(t, chromium, srv, "dewi")
	dewi.login(t, "dewi")

	for _, width := range []int64{1280, 375} {
		created := srv.api(t, tokens["marie"], http.MethodPost, "/sheets", map[string]any{
			"title": fmt.Sprintf("Repair café (%d)", width), "body": "## La communauté\n\nDes voisins réparent ensemble.\n",
		}, http.StatusCreated)
		slug := created["slug"].(string)

		gwen.viewport(t, width)
		gwen.open(t, "/sheets/"+slug+"/board")
		for _, m := range members {
			gwen.click(t, "#member-"+m)
		}
		gwen.click(t, "#rule-cast")
		gwen.setValue(t, "#rule-quorum", "4")
		shot.save(t, gwen, fmt.Sprintf("board-rule-form-%d", width))
		gwen.submit(t, `form[action$="/board"] button[type=submit]`)
		wantFlash(t, gwen, "conseil")

		review := srv.api(t, tokens["marie"], http.MethodPost, "/sheets/"+slug+"/reviews", map[string]any{"revision": 1}, http.StatusCreated)
		reviewPath := fmt.Sprintf("/sheets/%s/reviews/%d", slug, int(review["id"].(float64)))
		if rule := review["rule"].(map[string]any); rule["kind"] != "cast" || rule["quorum"] != 4.0 {
			t.Fatalf("the review copied the rule %v", rule)
		}

		anne.viewport(t, width)
		anne.open(t, reviewPath)
		if text := anne.text(t, ".review-summary"); !strings.Contains(text, "majorité des présents (votes exprimés), quorum 4") {
			anne.fatalf(t, "the review page does not state the rule:\n%s", text)
		}
		anne.submit(t, `button[name=choice][value=approve]`)
		wantFlash(t, anne, "vote")
		reviewAPI := fmt.Sprintf("/reviews/%d/votes", int(review["id"].(float64)))
		srv.api(t, tokens["bleuenn"], http.MethodPost, reviewAPI, map[string]any{"choice": "reject", "revision": 1}, http.StatusOK)
		srv.api(t, tokens["corentin"], http.MethodPost, reviewAPI, map[string]any{"choice": "abstain", "revision": 1}, http.StatusOK)

		dewi.viewport(t, width)
		dewi.open(t, reviewPath)
		summary := dewi.text(t, ".review-summary")
		if !strings.Contains(summary, "3 votants sur quorum 4") || dewi.text(t, ".review-summary .badge") != "soumise au CA" {
			dewi.fatalf(t, "after three votes of a quorum of four:\n%s", summary)
		}
		if w := eval[int](t, dewi, "document.documentElement.scrollWidth"); w > int(width) {
			dewi.fatalf(t, "the review page overflows a %d px screen: %d px wide", width, w)
		}
		shot.save(t, dewi, fmt.Sprintf("board-rule-quorum-pending-%d", width))
		dewi.submit(t, `button[name=choice][value=approve]`)
		wantFlash(t, dewi, "vote")
		if got := dewi.text(t, ".review-summary .badge"); got != "validée" {
			dewi.fatalf(t, "after the fourth vote (2 for, 1 against, 1 abstention), state %q, want validée:\n%s", got, dewi.pageText(t))
		}
		if !strings.Contains(dewi.text(t, ".review-summary"), "4 votants sur quorum 4") {
			dewi.fatalf(t, "the decided review does not show its voters:\n%s", dewi.text(t, ".review-summary"))
		}
		shot.save(t, dewi, fmt.Sprintf("board-rule-decided-%d", width))

		// The minutes of the day list the decision, ready to print.
		day := time.Now().UTC().Format(time.DateOnly)
		dewi.open(t, "/sheets/"+slug+"/board/meetings")
		dewi.setValue(t, "#minutes-from", day)
		dewi.setValue(t, "#minutes-to", day)
		dewi.submit(t, `.minutes-form button[type=submit]:not([formaction])`)
		if text := dewi.text(t, ".minutes"); !strings.Contains(text, "validée") || !strings.Contains(text, "quorum 4") {
			dewi.fatalf(t, "the minutes of the day:\n%s", text)
		}
		if w := eval[int](t, dewi, "document.documentElement.scrollWidth"); w > int(width) {
			dewi.fatalf(t, "the minutes overflow a %d px screen: %d px wide", width, w)
		}
		shot.save(t, dewi, fmt.Sprintf("board-minutes-%d", width))
	}
}
