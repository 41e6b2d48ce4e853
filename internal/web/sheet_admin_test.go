package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

// A rename's old addresses answer 301 to the new one, on pages and API,
// sub-paths and queries included, after two renames too; writes get 308.
func TestSheetRenameRedirects(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		if r := a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": "Jardin", "body": body1, "slug": "jardin"}); r.status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		r := a.api(http.MethodPatch, "/sheets/jardin", "admin", map[string]any{"title": "Jardin partagé", "slug": "jardin-partage"})
		if r.status != http.StatusOK || r.json(t)["slug"] != "jardin-partage" {
			t.Fatalf("rename: %d %s", r.status, r.body)
		}
		if r := a.api(http.MethodPatch, "/sheets/jardin-partage", "admin", map[string]any{"slug": "jardin-de-kerinou"}); r.status != http.StatusOK {
			t.Fatalf("second rename: %d %s", r.status, r.body)
		}
		anon := a.browser()
		for path, want := range map[string]string{
			"/sheets/jardin":                              "/sheets/jardin-de-kerinou",
			"/sheets/jardin-partage":                      "/sheets/jardin-de-kerinou",
			"/sheets/jardin/history":                      "/sheets/jardin-de-kerinou/history",
			"/sheets/jardin/feed.atom":                    "/sheets/jardin-de-kerinou/feed.atom",
			"/sheets/jardin/diff?from=1&to=2":             "/sheets/jardin-de-kerinou/diff?from=1&to=2",
			"/api/v1/sheets/jardin":                       "/api/v1/sheets/jardin-de-kerinou",
			"/api/v1/sheets/jardin-partage/revisions":     "/api/v1/sheets/jardin-de-kerinou/revisions",
			"/sheets/jardin/revisions/1%0d%0aX-Evil:%201": "/sheets/jardin-de-kerinou/revisions/1%0d%0aX-Evil:%201",
		} {
			r := anon.get(path)
			if r.status != http.StatusMovedPermanently || r.header.Get("Location") != want {
				t.Errorf("GET %s: %d to %q, want 301 to %q", path, r.status, r.header.Get("Location"), want)
			}
		}
		if r := anon.get("/sheets/jardin-de-kerinou"); r.status != http.StatusOK || !strings.Contains(string(r.body), "Jardin partagé") {
			t.Errorf("new address: %d", r.status)
		}
		// The title change is a revision by the admin.
		revs := a.api(http.MethodGet, "/sheets/jardin-de-kerinou/revisions", "marie", nil)
		if !strings.Contains(string(revs.body), "renommée") {
			t.Errorf("no rename revision: %s", revs.body)
		}
		// A write to an old address is sent on whole.
		if r := a.api(http.MethodPost, "/sheets/jardin/comments", "marie", map[string]any{"body": "bonjour"}); r.status != http.StatusPermanentRedirect || r.header.Get("Location") != "/api/v1/sheets/jardin-de-kerinou/comments" {
			t.Errorf("write to old address: %d %q", r.status, r.header.Get("Location"))
		}
		// A new sheet may not take an address that redirects; a rename
		// neither, except the sheet's own.
		r = a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": "Jardin", "body": body1})
		if r.status != http.StatusCreated || r.json(t)["slug"] == "jardin" {
			t.Errorf("new sheet took a redirecting slug: %d %s", r.status, r.body)
		}
		if r := a.api(http.MethodPatch, "/sheets/jardin-de-kerinou", "admin", map[string]any{"slug": "jardin"}); r.status != http.StatusOK {
			t.Errorf("rename back: %d %s", r.status, r.body)
		}
		if r := anon.get("/sheets/jardin"); r.status != http.StatusOK {
			t.Errorf("renamed back: %d", r.status)
		}
		if r := a.api(http.MethodPatch, "/sheets/jardin", "admin", map[string]any{"slug": "jardin-2"}); r.status != http.StatusConflict {
			t.Errorf("rename onto another sheet: %d %s", r.status, r.body)
		}
		// Authorization.
		if r := a.api(http.MethodPatch, "/sheets/jardin", "marie", map[string]any{"slug": "x"}); r.status != http.StatusForbidden {
			t.Errorf("contributor rename: %d", r.status)
		}
		if r := a.api(http.MethodPatch, "/sheets/jardin", "", map[string]any{"slug": "x"}); r.status != http.StatusUnauthorized {
			t.Errorf("anonymous rename: %d", r.status)
		}
	})
}

// An archived sheet answers 410 with its reason to readers, 200 to
// admins, and leaves lists, search and the map until it is unarchived.
func TestSheetArchive(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		place := map[string]any{"name": "Kerinou", "address": "rue", "lat": 48.4, "lon": -4.48}
		if r := a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": "Jardin", "body": body1, "slug": "jardin", "meta": map[string]any{"place": place}}); r.status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		anon := a.browser()
		visible := func() (list, search, geo bool) {
			list = strings.Contains(string(a.api(http.MethodGet, "/sheets", "", nil).body), `"jardin"`)
			search = strings.Contains(string(a.api(http.MethodGet, "/search?q=jardin", "", nil).body), `"jardin"`)
			geo = strings.Contains(string(anon.get("/map.geojson").body), "jardin")
			return
		}
		if l, s, g := visible(); !l || !s || !g {
			t.Fatalf("before: list %v search %v map %v", l, s, g)
		}
		// Authorization first: nothing changes.
		if r := a.api(http.MethodPost, "/sheets/jardin/archive", "marie", map[string]any{"reason": "x"}); r.status != http.StatusForbidden {
			t.Errorf("contributor archive: %d", r.status)
		}
		if r := a.api(http.MethodPost, "/sheets/jardin/archive", "", map[string]any{"reason": "x"}); r.status != http.StatusUnauthorized {
			t.Errorf("anonymous archive: %d", r.status)
		}
		if r := a.api(http.MethodPost, "/sheets/jardin/archive", "admin", map[string]any{"reason": " "}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("archive without reason: %d", r.status)
		}
		if r := a.api(http.MethodPost, "/sheets/jardin/archive", "admin", map[string]any{"reason": "Le jardin a fermé"}); r.status != http.StatusOK {
			t.Fatalf("archive: %d %s", r.status, r.body)
		}
		if r := anon.get("/sheets/jardin"); r.status != http.StatusGone || !strings.Contains(string(r.body), "Le jardin a fermé") || r.header.Get("Cache-Control") != "no-cache" {
			t.Errorf("reader page: %d %s", r.status, r.body)
		}
		if r := a.api(http.MethodGet, "/sheets/jardin", "marie", nil); r.status != http.StatusGone || r.json(t)["error"] != "archived" || !strings.Contains(r.json(t)["message"].(string), "Le jardin a fermé") {
			t.Errorf("reader API: %d %s", r.status, r.body)
		}
		if r := a.api(http.MethodGet, "/sheets/jardin", "admin", nil); r.status != http.StatusOK || r.json(t)["archived"].(map[string]any)["reason"] != "Le jardin a fermé" {
			t.Errorf("admin API: %d %s", r.status, r.body)
		}
		adm := a.browser()
		adm.login("admin")
		if r := adm.get("/sheets/jardin"); r.status != http.StatusOK || !strings.Contains(string(r.body), "Le jardin a fermé") || !strings.Contains(string(r.body), "/sheets/jardin/unarchive") {
			t.Errorf("admin page: %d", r.status)
		}
		if l, s, g := visible(); l || s || g {
			t.Errorf("archived: list %v search %v map %v", l, s, g)
		}
		if home := anon.get("/"); strings.Contains(string(home.body), "/sheets/jardin\"") {
			t.Errorf("archived sheet on the home page")
		}
		// Unarchive from the page's banner.
		token := adm.csrf("/sheets/jardin")
		if r := adm.post("/sheets/jardin/unarchive", url.Values{"_csrf": {token}}); r.status != http.StatusSeeOther {
			t.Fatalf("unarchive: %d %s", r.status, r.body)
		}
		if r := anon.get("/sheets/jardin"); r.status != http.StatusOK {
			t.Errorf("after unarchive: %d", r.status)
		}
		if l, s, g := visible(); !l || !s || !g {
			t.Errorf("after unarchive: list %v search %v map %v", l, s, g)
		}
		audit := string(adm.get("/admin/audit").body)
		for _, w := range []string{"fiche archivée", "fiche désarchivée"} {
			if !strings.Contains(audit, w) {
				t.Errorf("audit log lacks %q", w)
			}
		}
	})
}

// A merged duplicate leads to the sheet it was merged into; its own
// history stays readable at its address.
func TestSheetMerge(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		for _, slug := range []string{"jardin", "le-jardin"} {
			if r := a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": "Jardin", "body": body1, "slug": slug}); r.status != http.StatusCreated {
				t.Fatalf("create: %d %s", r.status, r.body)
			}
		}
		if r := a.api(http.MethodPost, "/sheets/le-jardin/merge", "marie", map[string]any{"into": "jardin", "reason": "doublon"}); r.status != http.StatusForbidden {
			t.Errorf("contributor merge: %d", r.status)
		}
		if r := a.api(http.MethodPost, "/sheets/le-jardin/merge", "admin", map[string]any{"into": "le-jardin", "reason": "doublon"}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("merge into itself: %d %s", r.status, r.body)
		}
		if r := a.api(http.MethodPost, "/sheets/le-jardin/merge", "admin", map[string]any{"into": "jardin", "reason": "doublon"}); r.status != http.StatusOK {
			t.Fatalf("merge: %d %s", r.status, r.body)
		}
		anon := a.browser()
		if r := anon.get("/sheets/le-jardin"); r.status != http.StatusMovedPermanently || r.header.Get("Location") != "/sheets/jardin" {
			t.Errorf("merged page: %d %q", r.status, r.header.Get("Location"))
		}
		if r := anon.get("/sheets/le-jardin/history"); r.status != http.StatusOK {
			t.Errorf("merged history: %d", r.status)
		}
		if r := anon.get("/sheets/le-jardin/revisions/1"); r.status != http.StatusOK {
			t.Errorf("merged revision: %d", r.status)
		}
		if r := a.api(http.MethodGet, "/sheets", "", nil); strings.Contains(string(r.body), `"le-jardin"`) {
			t.Errorf("merged sheet listed")
		}
		if r := anon.get("/sheets/jardin"); !strings.Contains(string(r.body), `href="/sheets/le-jardin/history"`) {
			t.Errorf("target page does not link the duplicate's history")
		}
		if r := a.api(http.MethodGet, "/sheets/le-jardin", "admin", nil); r.status != http.StatusMovedPermanently {
			t.Errorf("merged sheet for admins: %d", r.status)
		}
		// Unarchiving undoes the merge.
		if r := a.api(http.MethodPost, "/sheets/le-jardin/unarchive", "admin", nil); r.status != http.StatusOK {
			t.Fatalf("unarchive merged: %d %s", r.status, r.body)
		}
		if r := anon.get("/sheets/le-jardin"); r.status != http.StatusOK {
			t.Errorf("after unmerge: %d", r.status)
		}
		if r := anon.get("/sheets/jardin"); strings.Contains(string(r.body), `href="/sheets/le-jardin/history"`) {
			t.Errorf("target page still names the duplicate")
		}
	})
}

// A new sheet whose title is close to an existing one's asks first, on
// the page (keeping what was typed, with a button to create anyway) and,
// when a program asks for it with "confirm": false, on the API.
func TestNewSheetSimilarTitle(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		createSheet(t, a, "Jardin partagé de Kerinou", body1)
		b := a.browser()
		b.login("marie")
		token := b.csrf("/sheets/new")
		form := url.Values{"_csrf": {token}, "title": {"Jardins partagés de Kerinou"}, "body": {"Un texte tapé."}, "summary": {"création"}}
		r := b.post("/sheets", form)
		page := string(r.body)
		if r.status != http.StatusConflict || !strings.Contains(page, "Cette fiche existe peut-être déjà") ||
			!strings.Contains(page, `href="/sheets/jardin-partage-de-kerinou"`) || !strings.Contains(page, "Un texte tapé.") ||
			!strings.Contains(page, `name="confirm" value="1"`) {
			t.Fatalf("question: %d %.2000s", r.status, page)
		}
		if r := a.api(http.MethodGet, "/sheets", "", nil); strings.Contains(string(r.body), "jardins-partages") {
			t.Fatalf("created before the answer")
		}
		form.Set("confirm", "1")
		if r := b.post("/sheets", form); r.status != http.StatusSeeOther || r.header.Get("Location") != "/sheets/jardins-partages-de-kerinou" {
			t.Fatalf("create anyway: %d %q", r.status, r.header.Get("Location"))
		}

		// The API asks when told to.
		r = a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": "jardin partage de kerinou", "body": "x", "confirm": false})
		if r.status != http.StatusConflict || r.json(t)["error"] != "similar_exists" || len(r.json(t)["candidates"].([]any)) != 2 {
			t.Fatalf("API question: %d %s", r.status, r.body)
		}
		if r := a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": "Fablab", "body": "x", "confirm": false}); r.status != http.StatusCreated {
			t.Errorf("no similar sheet: %d %s", r.status, r.body)
		}
		if r := a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": "jardin partage de kerinou", "body": "x", "confirm": true}); r.status != http.StatusCreated {
			t.Errorf("confirmed: %d %s", r.status, r.body)
		}
	})
}

// TestMergeFormTakesWhatPeopleType: the merge form's field suggests sheets
// as one types (suggest.js over /api/v1/suggest) and stays a plain field:
// a sheet's address, its link pasted whole or its exact title all name the
// sheet to keep; a part of a title is refused, never guessed, and nothing
// is merged then.
func TestMergeFormTakesWhatPeopleType(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		for _, s := range []struct{ slug, title string }{{"jardin", "Jardin partagé"}, {"dup-1", "Doublon un"}, {"dup-2", "Doublon deux"}, {"dup-3", "Doublon trois"}, {"dup-4", "Doublon quatre"}} {
			if r := a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": s.title, "body": body1, "slug": s.slug}); r.status != http.StatusCreated {
				t.Fatalf("create %s: %d %s", s.slug, r.status, r.body)
			}
		}
		admin := a.browser()
		admin.login("admin")
		page := string(admin.get("/sheets/dup-1/admin").body)
		for _, want := range []string{`list="merge-sheets"`, `data-suggest="sheet"`, `<datalist id="merge-sheets">`, `/js/suggest.`} {
			if !strings.Contains(page, want) {
				t.Errorf("the merge form lacks %s", want)
			}
		}
		if r := a.api(http.MethodGet, "/suggest?kind=sheet&q=jardin", "", nil); !strings.Contains(string(r.body), `{"label":"Jardin partagé","value":"jardin"}`) {
			t.Errorf("suggestions for the merge field: %s", r.body)
		}
		merge := func(dup, into string) response {
			csrf := admin.csrf("/sheets/" + dup + "/admin")
			return admin.post("/sheets/"+dup+"/merge", url.Values{"_csrf": {csrf}, "into": {into}, "reason": {"doublon"}})
		}
		if r := merge("dup-1", "jardin partag"); r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), `value="jardin partag"`) {
			t.Errorf("part of a title: %d", r.status)
		}
		if sh, _ := a.store.SheetBySlug(t.Context(), "dup-1"); sh.Archived() {
			t.Fatalf("a refused merge changed the sheet")
		}
		for dup, into := range map[string]string{"dup-1": "jardin", "dup-2": "https://atlas.example.org/sheets/jardin?x=1", "dup-3": " JARDIN PARTAGÉ ", "dup-4": "/sheets/jardin/history"} {
			if r := merge(dup, into); r.status != http.StatusSeeOther || r.header.Get("Location") != "/sheets/jardin" {
				t.Errorf("merge %s into %q: %d %s", dup, into, r.status, r.header.Get("Location"))
			}
		}
	})
}
