package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/testutil"
)

// withBoard adds three board members with tokens and seats them.
func withBoard(t *testing.T, a *testAtlas, slug string) []string {
	t.Helper()
	names := []string{"anne", "bleuenn", "corentin"}
	for _, n := range names {
		u := testutil.User(t, a.store, n, model.RoleContributor)
		tok, err := a.auth.CreateAPIToken(t.Context(), u.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		a.tokens[n] = tok
	}
	r := a.api(http.MethodPut, "/sheets/"+slug+"/board", "admin", map[string]any{"members": names})
	if r.status != http.StatusOK {
		t.Fatalf("set board: %d %s", r.status, r.body)
	}
	return names
}

func TestAPIBoardWorkflow(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Monnaie locale", body1)
		if r := a.api(http.MethodPost, "/sheets/"+slug+"/reviews", "marie", map[string]any{"revision": 1}); r.status != http.StatusUnprocessableEntity || r.json(t)["error"] != "no_board" {
			t.Errorf("submit without board: %d %s", r.status, r.body)
		}
		if r := a.api(http.MethodPut, "/sheets/"+slug+"/board", "marie", map[string]any{"members": []string{"marie"}}); r.status != http.StatusForbidden {
			t.Errorf("contributor set the board: %d", r.status)
		}
		if r := a.api(http.MethodPut, "/sheets/"+slug+"/board", "admin", map[string]any{"members": []string{"personne"}}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("unknown member: %d", r.status)
		}
		withBoard(t, a, slug)
		show := a.api(http.MethodGet, "/sheets/"+slug, "", nil).json(t)
		if board := show["board"].([]any); len(board) != 3 {
			t.Errorf("board = %v", show["board"])
		}

		r := a.api(http.MethodPost, "/sheets/"+slug+"/reviews", "marie", map[string]any{"revision": 1, "note": "pour amendement et validation"})
		if r.status != http.StatusCreated {
			t.Fatalf("submit: %d %s", r.status, r.body)
		}
		rv := r.json(t)
		id := int(rv["id"].(float64))
		path := "/reviews/" + itoa(id)
		if rv["state"] != "submitted" || rv["sheet"] != slug || rv["submitted_by"] != "marie" {
			t.Errorf("review = %v", rv)
		}
		tally := rv["tally"].(map[string]any)
		if tally["seats"] != 3.0 || tally["needed"] != 2.0 {
			t.Errorf("tally = %v", tally)
		}
		if r := a.api(http.MethodPost, "/sheets/"+slug+"/reviews", "marie", map[string]any{"revision": 1}); r.status != http.StatusConflict {
			t.Errorf("second open review: %d", r.status)
		}
		if got := a.api(http.MethodGet, "/sheets/"+slug, "", nil).json(t); got["open_review"] != float64(id) {
			t.Errorf("open_review = %v", got["open_review"])
		}
		if revs := a.api(http.MethodGet, "/sheets/"+slug+"/revisions", "", nil).json(t)["revisions"].([]any); revs[0].(map[string]any)["state"] != "submitted" {
			t.Errorf("revision state = %v", revs[0])
		}

		// Votes: outsiders 403, bad choice 400, wrong revision 409.
		if r := a.api(http.MethodPost, path+"/votes", "marie", map[string]any{"choice": "approve", "revision": 1}); r.status != http.StatusForbidden {
			t.Errorf("outsider vote: %d", r.status)
		}
		if r := a.api(http.MethodPost, path+"/votes", "anne", map[string]any{"choice": "oui", "revision": 1}); r.status != http.StatusBadRequest {
			t.Errorf("bad choice: %d", r.status)
		}
		if r := a.api(http.MethodPost, path+"/votes", "anne", map[string]any{"choice": "approve", "revision": 2}); r.status != http.StatusConflict {
			t.Errorf("vote on another revision: %d", r.status)
		}
		r = a.api(http.MethodPost, path+"/votes", "anne", map[string]any{"choice": "approve", "revision": 1, "comment": "d'accord"})
		if r.status != http.StatusOK || len(r.json(t)["votes"].([]any)) != 1 {
			t.Fatalf("vote: %d %s", r.status, r.body)
		}

		// An amendment moves the review and makes Anne's vote stale.
		amended := strings.Replace(body1, "Des parcelles.", "Des parcelles et un verger.", 1)
		r = a.api(http.MethodPost, path+"/amendments", "bleuenn", map[string]any{"base": 1, "title": "Monnaie locale", "body": amended, "summary": "verger"})
		if r.status != http.StatusCreated {
			t.Fatalf("amend: %d %s", r.status, r.body)
		}
		am := r.json(t)
		if am["revision"].(map[string]any)["origin"] != "amendment" || am["review"].(map[string]any)["revision"] != 2.0 {
			t.Errorf("amendment = %v", am)
		}
		votes := am["review"].(map[string]any)["votes"].([]any)
		if votes[0].(map[string]any)["counted"] != false {
			t.Errorf("vote before the amendment still counted: %v", votes)
		}
		if r := a.api(http.MethodPost, path+"/amendments", "bleuenn", map[string]any{"title": "x", "body": "y"}); r.status != http.StatusPreconditionRequired {
			t.Errorf("amend without base: %d", r.status)
		}
		a.api(http.MethodPost, path+"/votes", "anne", map[string]any{"choice": "approve", "revision": 2})
		r = a.api(http.MethodPost, path+"/votes", "corentin", map[string]any{"choice": "approve", "revision": 2})
		final := r.json(t)
		if final["state"] != "validated" || final["decided_at"] == nil {
			t.Fatalf("after 2 of 3 approvals: %v", final)
		}
		show = a.api(http.MethodGet, "/sheets/"+slug, "", nil).json(t)
		if show["published"] != 2.0 || show["body"] != amended || show["open_review"] != nil {
			t.Errorf("sheet after validation = %v", show)
		}
		if r := a.api(http.MethodPost, path+"/votes", "bleuenn", map[string]any{"choice": "reject", "revision": 2}); r.status != http.StatusConflict {
			t.Errorf("vote on a decided review: %d", r.status)
		}
		if r := a.api(http.MethodPost, path+"/withdraw", "marie", nil); r.status != http.StatusConflict {
			t.Errorf("withdraw a decided review: %d", r.status)
		}

		// Readers now see the validated version even after a new edit.
		a.api(http.MethodPut, "/sheets/"+slug, "marie", map[string]any{"base": 2, "title": "Monnaie locale", "body": amended + "\nBrouillon.\n"})
		anon := a.api(http.MethodGet, "/sheets/"+slug, "", nil).json(t)
		if anon["body"] != amended || anon["pending"] != true || anon["head"] != 3.0 {
			t.Errorf("anonymous view after a new edit = %v", anon)
		}
		if mine := a.api(http.MethodGet, "/sheets/"+slug, "marie", nil).json(t); !strings.Contains(mine["body"].(string), "Brouillon.") {
			t.Error("contributors do not see the head")
		}
		states := map[float64]string{}
		for _, rv := range a.api(http.MethodGet, "/sheets/"+slug+"/revisions", "", nil).json(t)["revisions"].([]any) {
			m := rv.(map[string]any)
			states[m["number"].(float64)] = m["state"].(string)
		}
		if states[1] != "superseded" || states[2] != "validated" || states[3] != "draft" {
			t.Errorf("revision states = %v", states)
		}

		// The decision record names every vote and the revision's hash.
		record := a.api(http.MethodGet, path+"/record", "", nil).json(t)
		entries := record["entries"].([]any)
		last := entries[len(entries)-1].(map[string]any)
		if last["action"] != "validate" || len(last["revision_sha256"].(string)) != 64 {
			t.Errorf("record = %v", record)
		}
		list := a.api(http.MethodGet, "/sheets/"+slug+"/reviews", "", nil).json(t)
		if len(list["reviews"].([]any)) != 1 {
			t.Errorf("reviews = %v", list)
		}
		if r := a.api(http.MethodGet, "/reviews/999", "", nil); r.status != http.StatusNotFound {
			t.Errorf("missing review: %d", r.status)
		}
	})
}

func TestAPIComments(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Discussion", body1)
		r := a.api(http.MethodPost, "/sheets/"+slug+"/comments", "marie", map[string]any{"body": "Merci pour cette fiche **complète**.", "revision": 1})
		if r.status != http.StatusCreated || r.json(t)["author"] != "marie" {
			t.Fatalf("comment: %d %s", r.status, r.body)
		}
		for name, body := range map[string]any{"empty": map[string]any{"body": "  "}, "bad revision": map[string]any{"body": "x", "revision": 9}} {
			if r := a.api(http.MethodPost, "/sheets/"+slug+"/comments", "marie", body); r.status != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d", name, r.status)
			}
		}
		if r := a.api(http.MethodPost, "/sheets/"+slug+"/comments", "", map[string]any{"body": "anonyme"}); r.status != http.StatusUnauthorized {
			t.Errorf("anonymous comment: %d", r.status)
		}
		list := a.api(http.MethodGet, "/sheets/"+slug+"/comments", "", nil).json(t)["comments"].([]any)
		if len(list) != 1 {
			t.Errorf("comments = %v", list)
		}
		page := string(a.browser().get("/sheets/" + slug).body)
		if !strings.Contains(page, "<strong>complète</strong>") {
			t.Error("the comment's Markdown is not rendered on the sheet page")
		}
	})
}

func TestBoardPagesFlow(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Tiers-lieu", body1)
		admin := a.browser()
		admin.login("admin")
		boardPage := admin.get("/sheets/" + slug + "/board")
		if boardPage.status != http.StatusOK {
			t.Fatalf("board page: %d", boardPage.status)
		}
		for _, n := range []string{"anne", "bleuenn", "corentin"} {
			testutil.User(t, a.store, n, model.RoleContributor)
		}
		r := admin.post("/sheets/"+slug+"/board", url.Values{"_csrf": {field(boardPage.body, "_csrf")}, "members": {"anne", "bleuenn", "corentin"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("set board: %d %.300s", r.status, r.body)
		}
		marie := a.browser()
		marie.login("marie")
		if r := marie.get("/sheets/" + slug + "/board"); r.status != http.StatusForbidden {
			t.Errorf("contributor board page: %d", r.status)
		}
		sheetPage := marie.get("/sheets/" + slug)
		if !strings.Contains(string(sheetPage.body), "Soumettre au CA") {
			t.Fatal("no submit form on the sheet page")
		}
		r = marie.post("/sheets/"+slug+"/reviews", url.Values{"_csrf": {field(sheetPage.body, "_csrf")}, "revision": {"1"}, "note": {"à valider"}})
		if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "/reviews/") {
			t.Fatalf("submit: %d %s", r.status, r.header.Get("Location"))
		}
		reviewURL := r.header.Get("Location")

		for i, n := range []string{"anne", "bleuenn"} {
			b := a.browser()
			b.login(n)
			page := b.get(reviewURL)
			if !strings.Contains(string(page.body), `value="approve"`) {
				t.Fatalf("%s sees no vote buttons", n)
			}
			r := b.post(reviewURL+"/votes", url.Values{"_csrf": {field(page.body, "_csrf")}, "revision": {"1"}, "choice": {"approve"}})
			if r.status != http.StatusSeeOther {
				t.Fatalf("vote %d: %d %.300s", i, r.status, r.body)
			}
		}
		// Marie is not on the board: no buttons, and a forged vote is 403.
		page := marie.get(reviewURL)
		if strings.Contains(string(page.body), `value="approve"`) {
			t.Error("a non-member sees vote buttons")
		}
		if r := marie.post(reviewURL+"/votes", url.Values{"_csrf": {field(page.body, "_csrf")}, "revision": {"1"}, "choice": {"approve"}}); r.status != http.StatusForbidden {
			t.Errorf("non-member vote: %d", r.status)
		}
		anon := string(a.browser().get("/sheets/" + slug).body)
		if !strings.Contains(anon, "Validée par le CA le") || !strings.Contains(anon, "(2 voix sur 3)") || strings.Contains(anon, "Brouillon non validé") {
			t.Error("the sheet page does not show the validation")
		}
		md := a.browser().get(reviewURL + "/record.md")
		if md.status != http.StatusOK || !strings.Contains(string(md.body), "| validate |") {
			t.Errorf("record.md: %d %s", md.status, md.body)
		}
		for _, path := range []string{"/sheets/" + slug + "/reviews", "/admin/audit", "/inbox"} {
			if r := admin.get(path); r.status != http.StatusOK {
				t.Errorf("%s: %d", path, r.status)
			}
		}
		if inbox := string(marie.get("/inbox").body); !strings.Contains(inbox, "Décision du conseil") {
			t.Error("the submitter's inbox lacks the decision")
		}
		// A review of another sheet in the path is 404.
		other := createSheet(t, a, "Autre", "x")
		if r := marie.get(strings.Replace(reviewURL, slug, other, 1)); r.status != http.StatusNotFound {
			t.Errorf("review under another sheet: %d", r.status)
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
