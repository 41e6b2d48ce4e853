package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
)

func TestDraftAPI(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Jardin", body1)
		path := "/sheets/" + slug + "/draft"
		draft := map[string]any{"base": 1, "title": "Jardin", "body": body1 + "\nUn ajout.\n", "summary": "ajout",
			"meta": map[string]any{"tags": []string{"compost"}}}

		for _, c := range []struct{ method, path string }{
			{http.MethodGet, path}, {http.MethodPut, path}, {http.MethodDelete, path},
			{http.MethodGet, "/drafts"}, {http.MethodGet, "/drafts/new"}, {http.MethodPut, "/drafts/new"},
		} {
			var body any
			if c.method == http.MethodPut {
				body = draft
			}
			if r := a.api(c.method, c.path, "", body); r.status != http.StatusUnauthorized {
				t.Errorf("anonymous %s %s: %d, want 401", c.method, c.path, r.status)
			}
		}
		if r := a.api(http.MethodGet, path, "marie", nil); r.status != http.StatusNotFound {
			t.Errorf("no draft yet: %d, want 404", r.status)
		}
		put := mustAPI(t, a, http.MethodPut, path, "marie", draft, http.StatusOK)
		if put["body"] != draft["body"] || put["summary"] != "ajout" || put["base"] != 1.0 || put["saved_at"] == "" {
			t.Errorf("PUT answered %v", put)
		}
		got := mustAPI(t, a, http.MethodGet, path, "marie", nil, http.StatusOK)
		if got["body"] != draft["body"] || got["title"] != "Jardin" || got["saved_at"] != put["saved_at"] {
			t.Errorf("GET answered %v", got)
		}
		// What a program read, sent back as it is, is accepted.
		got["body"] = "Relu.\n"
		mustAPI(t, a, http.MethodPut, path, "marie", got, http.StatusOK)

		// Never shown to anyone else.
		if r := a.api(http.MethodGet, path, "admin", nil); r.status != http.StatusNotFound {
			t.Errorf("the admin reads marie's draft: %d", r.status)
		}
		if r := a.api(http.MethodDelete, path, "admin", nil); r.status != http.StatusNotFound {
			t.Errorf("the admin deletes marie's draft: %d", r.status)
		}
		if list := mustAPI(t, a, http.MethodGet, "/drafts", "admin", nil, http.StatusOK); len(list["drafts"].([]any)) != 0 {
			t.Errorf("the admin's drafts: %v", list)
		}

		// Refused input changes nothing.
		bad := []struct {
			path   string
			body   any
			status int
		}{
			{path, `{"base": 1, "body": `, http.StatusBadRequest},
			{path, `{"base": 1, "body": "x", "colour": "red"}`, http.StatusBadRequest},
			{path, `{"base": 1, "body": "x"} {}`, http.StatusBadRequest},
			{"/sheets/pas-de-fiche/draft", map[string]any{"base": 1, "body": "x"}, http.StatusNotFound},
			{path, map[string]any{"base": 1, "body": strings.Repeat("a", sheet.MaxBodyBytes+1)}, http.StatusRequestEntityTooLarge},
			{path, map[string]any{"base": 9, "body": "x"}, http.StatusUnprocessableEntity},
			{path, map[string]any{"base": 1, "title": strings.Repeat("t", 201)}, http.StatusUnprocessableEntity},
			{path, map[string]any{"base": 1, "meta": map[string]any{"categories": []string{"inconnue"}}}, http.StatusUnprocessableEntity},
		}
		for _, b := range bad {
			if r := a.api(http.MethodPut, b.path, "marie", b.body); r.status != b.status {
				t.Errorf("PUT %s %.80v: %d, want %d: %s", b.path, b.body, r.status, b.status, r.body)
			}
		}
		if got := mustAPI(t, a, http.MethodGet, path, "marie", nil, http.StatusOK); got["body"] != "Relu.\n" {
			t.Errorf("after refused input the draft is %v", got["body"])
		}

		// A new sheet's draft.
		if r := a.api(http.MethodGet, "/drafts/new", "marie", nil); r.status != http.StatusNotFound {
			t.Errorf("no new draft yet: %d", r.status)
		}
		if r := a.api(http.MethodPut, "/drafts/new", "marie", map[string]any{"base": 3, "title": "Nouvelle"}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("a new sheet's draft with a base: %d", r.status)
		}
		mustAPI(t, a, http.MethodPut, "/drafts/new", "marie", map[string]any{"title": "Nouvelle fiche", "body": "Début."}, http.StatusOK)
		list := mustAPI(t, a, http.MethodGet, "/drafts", "marie", nil, http.StatusOK)["drafts"].([]any)
		if len(list) != 2 {
			t.Fatalf("marie's drafts: %v", list)
		}
		if first, second := list[0].(map[string]any), list[1].(map[string]any); first["slug"] != nil || first["title"] != "Nouvelle fiche" || second["slug"] != slug || second["base"] != 1.0 ||
			!strings.HasPrefix(first["saved_at"].(string), "20") || first["saved_at"].(string) < second["saved_at"].(string) {
			t.Errorf("marie's drafts: %v", list)
		}
		if r := a.api(http.MethodDelete, "/drafts/new", "marie", nil); r.status != http.StatusNoContent {
			t.Errorf("DELETE /drafts/new: %d", r.status)
		}
		if r := a.api(http.MethodDelete, "/drafts/new", "marie", nil); r.status != http.StatusNotFound {
			t.Errorf("DELETE /drafts/new twice: %d", r.status)
		}

		// Saving the sheet by the API spends the draft only when the save
		// names it (draft_saved_at); the admin's save, or one naming none or
		// an older draft, keeps it.
		mustAPI(t, a, http.MethodPut, "/sheets/"+slug, "admin", map[string]any{"base": 1, "title": "Jardin", "body": body1 + "\nDe l'admin.\n"}, http.StatusOK)
		seen := mustAPI(t, a, http.MethodGet, path, "marie", nil, http.StatusOK)["saved_at"]
		mustAPI(t, a, http.MethodPut, "/sheets/"+slug, "marie", map[string]any{"base": 2, "title": "Jardin", "body": body1 + "\nDe Marie.\n"}, http.StatusOK)
		mustAPI(t, a, http.MethodGet, path, "marie", nil, http.StatusOK)
		// A compare-and-set write naming a draft that is no longer there is
		// refused, and changes nothing.
		if r := a.api(http.MethodPut, path, "marie", map[string]any{"base": 1, "body": "autre onglet", "if_saved_at": "2001-01-01T00:00:00Z"}); r.status != http.StatusConflict || !strings.Contains(string(r.body), "draft_changed") {
			t.Errorf("stale if_saved_at: %d %s", r.status, r.body)
		}
		if d := mustAPI(t, a, http.MethodGet, path, "marie", nil, http.StatusOK); d["saved_at"] != seen {
			t.Errorf("a refused compare-and-set changed the draft: %v", d)
		}
		mustAPI(t, a, http.MethodPut, "/sheets/"+slug, "marie", map[string]any{"base": 3, "title": "Jardin", "body": body1 + "\nDe Marie encore.\n", "draft_saved_at": seen}, http.StatusOK)
		if r := a.api(http.MethodGet, path, "marie", nil); r.status != http.StatusNotFound {
			t.Errorf("a save naming the draft kept it: %d", r.status)
		}
	})
}

func TestDraftAPIRefusesOneTooMany(t *testing.T) {
	a := newTestAtlas(t, testutil.NewSQLite(t))
	for i := 0; i < sheet.MaxDrafts; i++ {
		slug := createSheet(t, a, fmt.Sprintf("Fiche %d", i), "x")
		mustAPI(t, a, http.MethodPut, "/sheets/"+slug+"/draft", "marie", map[string]any{"base": 1, "body": "y"}, http.StatusOK)
	}
	r := a.api(http.MethodPut, "/drafts/new", "marie", map[string]any{"body": "un de trop"})
	if r.status != http.StatusConflict || r.json(t)["error"] != "too_many_drafts" {
		t.Errorf("draft %d: %d %s, want 409 too_many_drafts", sheet.MaxDrafts+1, r.status, r.body)
	}
}

var hiddenKept = regexp.MustCompile(`name="kept" value="([^"]*)"`)

func TestEditorOffersTheDraftWithItsDiff(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Jardin", body1)
		b := a.browser()
		b.login("marie")
		edit := "/sheets/" + slug + "/edit"
		if page := b.get(edit); strings.Contains(string(page.body), "Reprendre mon brouillon") || !strings.Contains(string(page.body), `data-url="/sheets/`+slug+`/draft"`) {
			t.Fatalf("editor without a draft: %s", page.body)
		}

		// The editor's script posts the form as it is.
		csrf := b.csrf(edit)
		r := postForm(b, "/sheets/"+slug+"/draft", csrf, url.Values{"base": {"1"}, "title": {"Jardin"},
			"body": {strings.Replace(body1, "vingtaine", "trentaine", 1)}, "summary": {"plus de monde"}, "lat": {"48,"}, "place_name": {"Kerinou"}})
		if r.status != http.StatusOK || !strings.Contains(string(r.body), `"saved_at"`) {
			t.Fatalf("autosave: %d %s", r.status, r.body)
		}
		page := string(b.get(edit).body)
		for _, want := range []string{"Reprendre mon brouillon du", "<del>vingtaine</del>", "<ins>trentaine</ins>", `href="/sheets/` + slug + `/edit?draft=1"`} {
			if !strings.Contains(page, want) {
				t.Errorf("the editor lacks %q", want)
			}
		}
		// Another account sees no banner.
		other := a.browser()
		other.login("admin")
		if page := other.get(edit); strings.Contains(string(page.body), "Reprendre mon brouillon") {
			t.Errorf("the admin is offered marie's draft")
		}
		// Resuming fills the form, base included; a half-typed place keeps its name.
		resumed := b.get(edit + "?draft=1").body
		if got := field(resumed, "body"); got != strings.Replace(body1, "vingtaine", "trentaine", 1) {
			t.Errorf("resumed body %q", got)
		}
		if field(resumed, "summary") != "plus de monde" || field(resumed, "base") != "1" || field(resumed, "place_name") != "Kerinou" || field(resumed, "lat") != "" {
			t.Errorf("resumed form: summary %q base %q place %q lat %q", field(resumed, "summary"), field(resumed, "base"), field(resumed, "place_name"), field(resumed, "lat"))
		}
		// A section edit's draft is the whole sheet with that section changed.
		r = postForm(b, "/sheets/"+slug+"/draft", csrf, url.Values{"base": {"1"}, "section": {"2"}, "body": {"## Les ressources\n\nUn four à pain.\n\n"}})
		if r.status != http.StatusOK {
			t.Fatalf("section autosave: %d %s", r.status, r.body)
		}
		got := mustAPI(t, a, http.MethodGet, "/sheets/"+slug+"/draft", "marie", nil, http.StatusOK)
		if want := strings.Replace(body1, "Des parcelles.", "Un four à pain.", 1); got["body"] != want || got["title"] != "Jardin" {
			t.Errorf("section draft %q, want %q", got["body"], want)
		}
		// Refused autosaves answer JSON and change nothing.
		for _, form := range []url.Values{{"base": {"x"}}, {"base": {"7"}, "body": {"y"}}, {"base": {"1"}, "section": {"99"}, "body": {"y"}}} {
			if r := postForm(b, "/sheets/"+slug+"/draft", csrf, form); r.status < 400 || r.status >= 500 || !strings.Contains(string(r.body), `"error"`) {
				t.Errorf("autosave %v: %d %s", form, r.status, r.body)
			}
		}
		// Discarding deletes it and goes back to the editor.
		r = postForm(b, "/sheets/"+slug+"/draft/delete", csrf, url.Values{"back": {edit}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != edit {
			t.Errorf("discard: %d %s", r.status, r.header.Get("Location"))
		}
		if r := a.api(http.MethodGet, "/sheets/"+slug+"/draft", "marie", nil); r.status != http.StatusNotFound {
			t.Errorf("discarded draft: %d", r.status)
		}
		// A browser save from the draft spends it.
		mustAPI(t, a, http.MethodPut, "/sheets/"+slug+"/draft", "marie", map[string]any{"base": 1, "body": "brouillon"}, http.StatusOK)
		again := b.get(edit + "?draft=1").body
		r = postForm(b, edit, csrf, url.Values{"base": {"1"}, "title": {"Jardin"}, "body": {body1 + "\nEnregistré.\n"}, "draft_saved_at": {field(again, "draft_saved_at")}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("save: %d %s", r.status, r.body)
		}
		if r := a.api(http.MethodGet, "/sheets/"+slug+"/draft", "marie", nil); r.status != http.StatusNotFound {
			t.Errorf("a browser save kept the draft: %d", r.status)
		}
	})
}

func TestNewSheetEditorOffersItsDraft(t *testing.T) {
	a := newTestAtlas(t, testutil.NewSQLite(t))
	b := a.browser()
	b.login("marie")
	if page := string(b.get("/sheets/new").body); strings.Contains(page, "Reprendre mon brouillon") || !strings.Contains(page, `data-url="/drafts/new"`) {
		t.Fatalf("new sheet editor without a draft: %.300s", page)
	}
	csrf := b.csrf("/sheets/new")
	if r := postForm(b, "/drafts/new", csrf, url.Values{"title": {"Repair café"}, "body": {"Un atelier par mois.\n"}}); r.status != http.StatusOK {
		t.Fatalf("autosave of a new sheet: %d %s", r.status, r.body)
	}
	page := string(b.get("/sheets/new").body)
	for _, want := range []string{"pas encore une fiche", "Titre du brouillon : « Repair café »", "<ins>Un atelier par mois.</ins>", `href="/sheets/new?draft=1"`} {
		if !strings.Contains(page, want) {
			t.Errorf("new sheet editor lacks %q", want)
		}
	}
	resumed := b.get("/sheets/new?draft=1").body
	if field(resumed, "title") != "Repair café" || field(resumed, "body") != "Un atelier par mois.\n" {
		t.Errorf("resumed new sheet: title %q body %q", field(resumed, "title"), field(resumed, "body"))
	}
	if r := postForm(b, "/sheets", csrf, url.Values{"title": {"Repair café"}, "body": {"Un atelier par mois.\n"}, "draft_saved_at": {field(resumed, "draft_saved_at")}}); r.status != http.StatusSeeOther {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	if r := a.api(http.MethodGet, "/drafts/new", "marie", nil); r.status != http.StatusNotFound {
		t.Errorf("creating the sheet kept the new-sheet draft: %d", r.status)
	}
}
