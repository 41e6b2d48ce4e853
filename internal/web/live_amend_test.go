package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/live"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
)

// A board amendment written together has its own session, seeded with
// the reviewed revision (not the head, not the sheet's session); saving
// it credits its co-writers and moves the review; the last leave saves
// the rest as a further amendment; only who may amend joins.
func TestLiveAmendmentMovesTheReview(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newLiveAtlas(t, d, quickLive(t))
		sh := liveSheet(t, a, "Statuts du jardin.\n\nArticle 2.\n")
		withBoard(t, a.testAtlas, sh.Slug)
		r := a.api(http.MethodPost, "/sheets/"+sh.Slug+"/reviews", "marie", map[string]any{"revision": 1})
		if r.status != http.StatusCreated {
			t.Fatalf("submit: %d %s", r.status, r.body)
		}
		id := int(r.json(t)["id"].(float64))
		// The sheet moves on after the submission, and has its own session.
		if _, err := a.sheets.Save(t.Context(), a.marie, sh.Slug, sheet.SaveInput{Base: 1, Title: "Jardin partagé",
			Body: "Statuts du jardin.\n\nArticle 2, revu.\n", Summary: "à côté"}); err != nil {
			t.Fatalf("ordinary edit: %v", err)
		}
		plain := a.join(t, sh.Slug, a.cookieOf("admin"), 3000)
		plainSession := plain.next("hello")["session"]

		c1 := a.join(t, amendSocket(sh.Slug, id), a.cookieOf("anne"), 3001)
		h1 := c1.next("hello")
		session := h1["session"]
		if session == plainSession || h1["seed"] != "Statuts du jardin.\n\nArticle 2.\n" || h1["base"] != float64(1) {
			t.Fatalf("amendment hello: %v (sheet session %v)", h1, plainSession)
		}
		c2 := a.join(t, amendSocket(sh.Slug, id), a.cookieOf("marie"), 3002) // the submitter
		if h2 := c2.next("hello"); h2["session"] != session {
			t.Fatalf("two sessions for one amendment: %v", h2)
		}
		// Neither the admin (no seat) nor a board member of nobody joins.
		testutil.User(t, a.store, "paul", model.RoleContributor)
		for _, who := range []string{"admin", "paul"} {
			c := a.join(t, amendSocket(sh.Slug, id), a.cookieOf(who), 3010)
			if m := c.next("error"); m["code"] != "not_allowed" {
				t.Fatalf("%s: %v", who, m)
			}
			if code := c.closeCode(); code != live.CloseNotAllowed {
				t.Fatalf("%s closed with %d", who, code)
			}
		}
		c1.update([]byte("a"))
		c2.update([]byte("m"))
		c1.next("update")
		c1.next("update")
		// The sheet's session knows nothing of it.
		plain.send(map[string]any{"t": "ping"})
		plain.next("pong")
		for _, m := range plain.skipped {
			if m["t"] == "update" {
				t.Fatalf("the sheet's session got the amendment's update: %v", m)
			}
		}
		// Sessions do not cross: the sheet's on the amendment form, the
		// amendment's on the edit form.
		if resp := postAmend(t, a, "anne", sh.Slug, id, plainSession, "x\n"); resp.status != http.StatusUnprocessableEntity {
			t.Fatalf("sheet session on the amendment: %d %s", resp.status, resp.body)
		}
		if resp := postLiveSave(t, a, "", sh.Slug, session, 2, "x\n"); resp.status != http.StatusUnprocessableEntity {
			t.Fatalf("amendment session on the edit form: %d %s", resp.status, resp.body)
		}

		resp := postAmend(t, a, "anne", sh.Slug, id, session, "Statuts du jardin, amendés ensemble.\n\nArticle 2.\n")
		if resp.status != http.StatusCreated {
			t.Fatalf("amend: %d %s", resp.status, resp.body)
		}
		got := resp.json(t)
		if fmt.Sprint(got["coauthors"]) != "[anne marie]" || got["url"] != "/sheets/"+sh.Slug+"/reviews/"+itoa(id) {
			t.Fatalf("amend answer: %v", got)
		}
		// Merged onto the head (3), the amendment is revision 3: the
		// session hears of it and its leader merges it.
		if m := c1.next("external"); m["revision"] != float64(3) {
			t.Fatalf("external: %v", m)
		}
		rv := a.api(http.MethodGet, "/reviews/"+itoa(id), "marie", nil).json(t)
		if rv["revision"] != float64(3) {
			t.Fatalf("review stayed on %v", rv["revision"])
		}
		rev := apiBody(t, a.testAtlas, sh.Slug, "3")
		if rev["origin"] != "amendment" || fmt.Sprint(rev["coauthors"]) != "[anne marie]" || rev["body"] != "Statuts du jardin, amendés ensemble.\n\nArticle 2, revu.\n" {
			t.Fatalf("amendment revision: %v", rev)
		}
		page := a.browser().get("/sheets/" + sh.Slug + "/reviews/" + itoa(id))
		if !strings.Contains(string(page.body), `<span class="coauthors">Co-écrit avec <a`) {
			t.Fatalf("review page without the co-writers: %s", page.body)
		}
		editor := a.browser()
		editor.login("anne")
		if e := editor.get("/sheets/" + sh.Slug + "/reviews/" + itoa(id) + "/amend"); !strings.Contains(string(e.body), `data-socket="/sheets/`+sh.Slug+`/reviews/`+itoa(id)+`/live/socket"`) {
			t.Fatal("the amendment editor without its socket")
		}
		// The leader takes the amendment in (as the browser does).
		c1.send(map[string]any{"t": "rebased", "revision": 3})
		c2.next("base")
		// More typing, then everyone leaves: saved as a further amendment.
		c2.update([]byte("b"))
		c1.update([]byte("c"))
		c1.next("update")
		c1.next("update")
		c1.send(map[string]any{"t": "text", "seq": 4, "text": "Statuts du jardin, amendés ensemble.\n\nArticle 2, revu et voté.\n"})
		c1.send(map[string]any{"t": "ping"})
		c1.next("pong")
		_ = c1.ws.Close()
		_ = c2.ws.Close()
		waitHead(t, a, sh.ID, 4)
		auto, err := a.store.Revision(t.Context(), sh.ID, 4)
		if err != nil {
			t.Fatal(err)
		}
		if auto.Origin != model.OriginAmendment || !strings.HasPrefix(auto.Summary, "amendement co-écrit (examen n° "+itoa(id)+") : ") || !strings.Contains(auto.Summary, " et ") {
			t.Fatalf("automatic amendment: %+v", auto)
		}
		if rv := a.api(http.MethodGet, "/reviews/"+itoa(id), "marie", nil).json(t); rv["revision"] != float64(4) {
			t.Fatalf("the automatic amendment left the review on %v", rv["revision"])
		}
		page = a.browser().get("/sheets/" + sh.Slug + "/reviews/" + itoa(id))
		if n := strings.Count(string(page.body), "Co-écrit avec"); n != 2 {
			t.Fatalf("%d amendments written together on the review page", n)
		}
	})
}

// An amendment session whose review closes meanwhile: its writers are
// closed out (4001 review_closed), and what they typed is saved as a
// plain version of the sheet, the review staying where it was.
func TestLiveAmendmentOfAClosedReviewKeepsTheText(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newLiveAtlas(t, d, quickLive(t))
		sh := liveSheet(t, a, "Règlement.\n")
		withBoard(t, a.testAtlas, sh.Slug)
		r := a.api(http.MethodPost, "/sheets/"+sh.Slug+"/reviews", "marie", map[string]any{"revision": 1})
		if r.status != http.StatusCreated {
			t.Fatalf("submit: %d %s", r.status, r.body)
		}
		id := int(r.json(t)["id"].(float64))
		c1 := a.join(t, amendSocket(sh.Slug, id), a.cookieOf("anne"), 4001)
		c1.next("hello")
		c2 := a.join(t, amendSocket(sh.Slug, id), a.cookieOf("bleuenn"), 4002)
		c2.next("hello")
		c1.update([]byte("a"))
		c2.update([]byte("b"))
		c1.next("update")
		c1.next("update")
		c1.send(map[string]any{"t": "text", "seq": 2, "text": "Règlement, presque amendé.\n"})
		c1.send(map[string]any{"t": "ping"})
		c1.next("pong")
		if w := a.api(http.MethodPost, "/reviews/"+itoa(id)+"/withdraw", "marie", nil); w.status != http.StatusOK {
			t.Fatalf("withdraw: %d %s", w.status, w.body)
		}
		for _, c := range []*liveClient{c1, c2} {
			if m := c.next("error"); m["code"] != "review_closed" {
				t.Fatalf("closed review: %v", m)
			}
			if code := c.closeCode(); code != live.CloseNotAllowed {
				t.Fatalf("closed with %d", code)
			}
		}
		waitHead(t, a, sh.ID, 2)
		rev, err := a.store.Revision(t.Context(), sh.ID, 2)
		if err != nil {
			t.Fatal(err)
		}
		if rev.Origin != model.OriginLive || rev.Body != "Règlement, presque amendé.\n" || !strings.Contains(rev.Summary, "clos entre-temps") {
			t.Fatalf("kept text: %+v", rev)
		}
		rv := a.api(http.MethodGet, "/reviews/"+itoa(id), "marie", nil).json(t)
		if rv["revision"] != float64(1) || rv["state"] != "withdrawn" {
			t.Fatalf("review: %v", rv)
		}
		// A closed review's socket refuses at once.
		c := a.join(t, amendSocket(sh.Slug, id), a.cookieOf("anne"), 4003)
		if m := c.next("error"); m["code"] != "review_closed" {
			t.Fatalf("join of a closed review: %v", m)
		}
	})
}
