package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

const undoBody = "## Les membres\n\nUne vingtaine de voisins.\n\n## Les ressources\n\nDes parcelles et un composteur.\n\n## La gouvernance\n\nUne réunion par mois.\n"

// undoSheet writes a sheet of four revisions: 1 undoBody by marie, 2 the
// members changed by admin, 3 the governance by marie, 4 the resources by
// admin.
func undoSheet(t *testing.T, a *testAtlas) string {
	t.Helper()
	slug := createSheet(t, a, "Jardin à défaire", undoBody)
	body := undoBody
	for i, ed := range [][3]string{
		{"admin", "Une vingtaine de voisins.", "Une trentaine de voisins."},
		{"marie", "Une réunion par mois.", "Une réunion par semaine."},
		{"admin", "Des parcelles et un composteur.", "Des parcelles, un composteur et une serre."},
	} {
		body = strings.Replace(body, ed[1], ed[2], 1)
		r := a.api(http.MethodPut, "/sheets/"+slug, ed[0], map[string]any{"base": i + 1, "title": "Jardin à défaire", "body": body, "summary": "modification " + strconv.Itoa(i+2)})
		if r.status != http.StatusOK {
			t.Fatalf("edit %d: %d %s", i+2, r.status, r.body)
		}
	}
	return slug
}

func TestUndoAPI(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := undoSheet(t, a)
		s := "/sheets/" + slug

		if r := a.api(http.MethodPost, s+"/undo", "", map[string]any{"revision": 2}); r.status != http.StatusUnauthorized {
			t.Errorf("anonymous undo: %d", r.status)
		}
		for _, c := range []struct {
			body       map[string]any
			status     int
			code, text string
		}{
			{map[string]any{"revision": 1}, 422, "undo_first_revision", "première version"},
			{map[string]any{}, 422, "revision_required", "numéro"},
			{map[string]any{"revision": 9}, 404, "not_found", ""},
			{map[string]any{"revision": 2, "base": 4}, 400, "bad_request", ""},
		} {
			r := a.api(http.MethodPost, s+"/undo", "marie", c.body)
			if r.status != c.status || r.json(t)["error"] != c.code || !strings.Contains(r.json(t)["message"].(string), c.text) {
				t.Errorf("undo %v: %d %s", c.body, r.status, r.body)
			}
		}
		if r := a.api(http.MethodPost, s+"/undo", "marie", map[string]any{"revision": 2, "summary": strings.Repeat("x", 300<<10)}); r.status != http.StatusRequestEntityTooLarge {
			t.Errorf("undo with a 300 KiB body: %d", r.status)
		}

		r := a.api(http.MethodPost, s+"/undo", "marie", map[string]any{"revision": 2})
		if r.status != http.StatusCreated {
			t.Fatalf("undo of 2: %d %s", r.status, r.body)
		}
		got := r.json(t)
		if got["number"] != 5.0 || got["origin"] != "undo" || got["reverts"] != 1.0 || got["parent"] != 4.0 || got["author"] != "marie" ||
			got["summary"] != "Annulation de la modification 2 de admin" {
			t.Errorf("undo answer %v", got)
		}
		sheet := a.api(http.MethodGet, s, "marie", nil).json(t)
		want := strings.NewReplacer("par mois", "par semaine", "Des parcelles et un composteur.", "Des parcelles, un composteur et une serre.").Replace(undoBody)
		if sheet["body"] != want || sheet["head"] != 5.0 {
			t.Errorf("after undo: head %v body\n%v", sheet["head"], sheet["body"])
		}
		r = a.api(http.MethodPost, s+"/undo", "marie", map[string]any{"revision": 2})
		if r.status != http.StatusUnprocessableEntity || r.json(t)["error"] != "already_undone" || !strings.Contains(r.json(t)["message"].(string), "déjà annulée") {
			t.Errorf("second undo of 2: %d %s", r.status, r.body)
		}

		// Revision 6 rewrites what revision 4 wrote: undoing 4 overlaps it.
		cur := a.api(http.MethodGet, s, "marie", nil).json(t)
		overlap := strings.Replace(cur["body"].(string), "Des parcelles, un composteur et une serre.", "Des parcelles, deux composteurs et une serre.", 1)
		if r := a.api(http.MethodPut, s, "admin", map[string]any{"base": 5, "title": "Jardin à défaire", "body": overlap}); r.status != http.StatusOK {
			t.Fatalf("edit 6: %d %s", r.status, r.body)
		}
		r = a.api(http.MethodPost, s+"/undo", "marie", map[string]any{"revision": 4})
		if r.status != http.StatusConflict {
			t.Fatalf("overlapped undo: %d %s", r.status, r.body)
		}
		c := r.json(t)
		mine, _ := c["mine"].(map[string]any)
		conflicts, _ := c["conflicts"].([]any)
		if c["error"] != "conflict" || c["head"] != 6.0 || mine == nil || mine["title"] != "Jardin à défaire" ||
			mine["body"] != strings.Replace(overlap, "Des parcelles, deux composteurs et une serre.", "Des parcelles et un composteur.", 1) || len(conflicts) != 1 {
			t.Errorf("conflict answer %s", r.body)
		}
		if h := a.api(http.MethodGet, s, "marie", nil).json(t)["head"]; h != 6.0 {
			t.Errorf("head %v after a conflict", h)
		}

		// Restores say what they bring back too; other revisions say null.
		r = a.api(http.MethodPost, s+"/restore", "admin", map[string]any{"revision": 3})
		if r.status != http.StatusCreated || r.json(t)["reverts"] != 3.0 {
			t.Errorf("restore: %d %s", r.status, r.body)
		}
		list := a.api(http.MethodGet, s+"/revisions", "", nil).json(t)["revisions"].([]any)
		for _, x := range list {
			rev := x.(map[string]any)
			wantReverts := map[float64]any{7: 3.0, 5: 1.0}[rev["number"].(float64)]
			if reverts, present := rev["reverts"]; !present || reverts != wantReverts {
				t.Errorf("revision %v: reverts %v (present %t), want %v", rev["number"], reverts, present, wantReverts)
			}
		}
		if one := a.api(http.MethodGet, s+"/revisions/5", "", nil).json(t); one["origin"] != "undo" || one["reverts"] != 1.0 {
			t.Errorf("revision 5: %v", one)
		}

	})
}

func TestUndoPages(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := undoSheet(t, a)
		s := "/sheets/" + slug

		anon := a.browser()
		hist := string(anon.get(s + "/history").body)
		if !strings.Contains(hist, `href="`+s+`/revisions/2/undo"`) || !strings.Contains(hist, "Annuler cette modification") || strings.Contains(hist, `/revisions/1/undo"`) {
			t.Errorf("history links: %s", hist)
		}
		if r := anon.get(s + "/revisions/2/undo"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
			t.Errorf("anonymous undo page: %d %s", r.status, r.header.Get("Location"))
		}
		if one := string(anon.get(s + "/diff?from=2&to=3").body); !strings.Contains(one, `href="`+s+`/revisions/3/undo"`) {
			t.Error("the diff of one change does not offer to undo it")
		}
		if two := string(anon.get(s + "/diff?from=1&to=3").body); strings.Contains(two, "/undo") {
			t.Error("the diff of two changes offers an undo")
		}

		b := a.browser()
		b.login("marie")
		page := b.get(s + "/revisions/2/undo")
		body := string(page.body)
		if page.status != http.StatusOK || field(page.body, "summary") != "Annulation de la modification 2 de admin" ||
			!strings.Contains(body, `action="`+s+`/revisions/2/undo"`) || !strings.Contains(body, "<del>trentaine</del>") || !strings.Contains(body, "<ins>vingtaine</ins>") {
			t.Errorf("confirmation page: %d %s", page.status, body)
		}
		if r := b.get(s + "/revisions/1/undo"); r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "première version") {
			t.Errorf("undo page of revision 1: %d", r.status)
		}
		if r := b.post(s+"/revisions/2/undo", url.Values{"summary": {"x"}}); r.status != http.StatusForbidden {
			t.Errorf("undo without CSRF: %d", r.status)
		}
		r := b.post(s+"/revisions/2/undo", url.Values{"_csrf": {field(page.body, "_csrf")}, "summary": {field(page.body, "summary")}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != s {
			t.Fatalf("undo: %d %s", r.status, r.header.Get("Location"))
		}
		shown := string(b.get(s).body)
		if !strings.Contains(shown, "La modification est annulée") || !strings.Contains(shown, "Une vingtaine de voisins.") || !strings.Contains(shown, "Une réunion par semaine.") {
			t.Errorf("sheet after the undo: %s", shown)
		}
		hist = string(b.get(s + "/history").body)
		if !strings.Contains(hist, "Annulation de la modification 2 de admin") || !strings.Contains(hist, `<span class="badge">annulation</span>`) {
			t.Errorf("history after the undo: %s", hist)
		}
		if r := b.get(s + "/revisions/2/undo"); r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "déjà annulée") {
			t.Errorf("undo page of a change undone: %d", r.status)
		}

		// An undo that later edits overlap: the editor's conflict screen, on
		// the proposed text, saved from the head like any edit.
		cur := a.api(http.MethodGet, s, "marie", nil).json(t)
		overlap := strings.Replace(cur["body"].(string), "Une réunion par semaine.", "Une réunion par semaine, le lundi.", 1)
		if r := a.api(http.MethodPut, s, "admin", map[string]any{"base": 5, "title": "Jardin à défaire", "body": overlap}); r.status != http.StatusOK {
			t.Fatalf("edit 6: %d %s", r.status, r.body)
		}
		page = b.get(s + "/revisions/3/undo")
		if page.status != http.StatusOK || !strings.Contains(string(page.body), "touchent les mêmes passages") || !strings.Contains(string(page.body), "Ouvrir le texte proposé") {
			t.Errorf("confirmation of an overlapped undo: %d %s", page.status, page.body)
		}
		r = b.post(s+"/revisions/3/undo", url.Values{"_csrf": {field(page.body, "_csrf")}, "summary": {"Annulation de la 3"}})
		proposed := strings.Replace(overlap, "Une réunion par semaine, le lundi.", "Une réunion par mois.", 1)
		conflictPage := string(r.body)
		if r.status != http.StatusConflict || !strings.Contains(conflictPage, "La modification 3 ne peut pas être annulée telle quelle") ||
			field(r.body, "body") != proposed || field(r.body, "base") != "6" || field(r.body, "summary") != "Annulation de la 3" ||
			!strings.Contains(conflictPage, `action="`+s+`/edit"`) || !strings.Contains(conflictPage, "depuis la version 3, celle dont la modification est annulée, jusqu&#39;à la version 6") {
			t.Fatalf("conflict screen: %d body %q base %q summary %q\n%s", r.status, field(r.body, "body"), field(r.body, "base"), field(r.body, "summary"), conflictPage)
		}
		if h := a.api(http.MethodGet, s, "marie", nil).json(t)["head"]; h != 6.0 {
			t.Errorf("head %v after a conflict", h)
		}
		edited := strings.Replace(proposed, "Une réunion par mois.", "Une réunion par mois, le lundi.", 1)
		r = b.post(s+"/edit", url.Values{"_csrf": {field(r.body, "_csrf")}, "base": {"6"}, "title": {"Jardin à défaire"}, "body": {edited}, "summary": {"Annulation de la 3"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("saving the proposed text: %d", r.status)
		}
		if got := a.api(http.MethodGet, s, "marie", nil).json(t); got["body"] != edited || got["head"] != 7.0 {
			t.Errorf("after saving the proposed text: head %v body %v", got["head"], got["body"])
		}

		// English.
		b.get("/lang/en")
		if en := string(b.get(s + "/revisions/4/undo").body); !strings.Contains(en, "Undo change 4") || field([]byte(en), "summary") != "Undo of change 4 by admin" {
			t.Errorf("English confirmation page: %s", en)
		}
	})
}
