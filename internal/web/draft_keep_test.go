package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/testutil"
	"atlas/internal/web"
)

// A save the server refuses (a conflict, a field to fix) keeps what was
// typed as the account's draft, marks the page as holding unsaved text,
// and never writes over a draft another tab wrote; saving from that page
// spends the draft, and tells this browser its copy is spent.
func TestRefusedSaveKeepsTheTypedText(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Jardin", body1)
		b := a.browser()
		b.login("marie")
		edit := "/sheets/" + slug + "/edit"
		csrf := b.csrf(edit)
		draft := "/sheets/" + slug + "/draft"
		mustAPI(t, a, http.MethodPut, "/sheets/"+slug, "admin", map[string]any{"base": 1, "title": "Jardin", "body": strings.Replace(body1, "vingtaine", "dizaine", 1)}, http.StatusOK)

		typed := strings.Replace(body1, "vingtaine", "trentaine", 1)
		r := postForm(b, edit, csrf, url.Values{"base": {"1"}, "title": {"Jardin"}, "body": {typed}, "summary": {"plus de monde"}, "draft_saved_at": {""}})
		if r.status != http.StatusConflict {
			t.Fatalf("conflicting save: %d", r.status)
		}
		kept := mustAPI(t, a, http.MethodGet, draft, "marie", nil, http.StatusOK)
		if kept["body"] != typed || kept["base"] != 1.0 || kept["summary"] != "plus de monde" {
			t.Errorf("the conflict kept %v", kept)
		}
		page := string(r.body)
		if !strings.Contains(page, `data-unsaved="1"`) || !strings.Contains(page, `data-kept="1"`) {
			t.Errorf("the conflict screen is not marked as unsaved and kept")
		}
		seen := field(r.body, "draft_saved_at")
		if seen == "" || !strings.HasPrefix(kept["saved_at"].(string), seen[:19]) {
			t.Errorf("the conflict screen names draft %q, the server holds %v", seen, kept["saved_at"])
		}

		// A field to fix (422) keeps the text too, over the draft this page named.
		r = postForm(b, edit, csrf, url.Values{"base": {"2"}, "title": {""}, "body": {typed + "\nEncore.\n"}, "draft_saved_at": {seen}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), `data-unsaved="1"`) {
			t.Fatalf("save without a title: %d", r.status)
		}
		if got := mustAPI(t, a, http.MethodGet, draft, "marie", nil, http.StatusOK); got["body"] != typed+"\nEncore.\n" || got["base"] != 2.0 {
			t.Errorf("the refused save kept %v", got)
		}
		seen = field(r.body, "draft_saved_at")

		// A refused save from a tab that had not seen that draft keeps its
		// text on the page (and in its browser), not over the draft.
		r = postForm(b, edit, csrf, url.Values{"base": {"2"}, "title": {""}, "body": {"autre onglet"}, "draft_saved_at": {""}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), `data-unsaved="1"`) || strings.Contains(string(r.body), `data-kept="1"`) {
			t.Errorf("refused save of another tab: %d", r.status)
		}
		if got := mustAPI(t, a, http.MethodGet, draft, "marie", nil, http.StatusOK); got["body"] != typed+"\nEncore.\n" {
			t.Errorf("another tab's refused save wrote over the draft: %v", got["body"])
		}
		// So does its autosave: 409, the draft untouched.
		r = postForm(b, draft, csrf, url.Values{"base": {"2"}, "title": {"Jardin"}, "body": {"autre onglet"}, "draft_saved_at": {""}})
		if r.status != http.StatusConflict || !strings.Contains(string(r.body), `"draft_changed"`) {
			t.Errorf("autosave over another tab's draft: %d %s", r.status, r.body)
		}
		if got := mustAPI(t, a, http.MethodGet, draft, "marie", nil, http.StatusOK); got["body"] != typed+"\nEncore.\n" {
			t.Errorf("another tab's autosave wrote over the draft: %v", got["body"])
		}

		// Saving from the page spends its draft and the browser's copy.
		r = postForm(b, edit, csrf, url.Values{"base": {"2"}, "title": {"Jardin"}, "body": {typed + "\nEncore.\n"}, "draft_saved_at": {seen}, "copy": {"c1234abcd"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("save: %d %.300s", r.status, r.body)
		}
		if r := a.api(http.MethodGet, draft, "marie", nil); r.status != http.StatusNotFound {
			t.Errorf("the save from the draft kept it: %d", r.status)
		}
		if page := string(b.get(edit).body); !strings.Contains(page, `data-spent="c1234abcd"`) {
			t.Errorf("the editor does not name the spent copy")
		}
	})
}

// Categories are a set: a draft whose only difference from the version
// shown is their order (an older revision kept them as typed) is not
// offered.
func TestDraftOfferComparesCategoriesAsASet(t *testing.T) {
	a := model.Meta{Categories: []string{"semences", "jardins-nature"}, Licence: model.DefaultLicence}
	b := model.Meta{Categories: []string{"jardins-nature", "semences"}, Licence: model.DefaultLicence}
	if !web.SameMeta(a, b) {
		t.Errorf("categories in another order read as a change")
	}
	b.Categories = b.Categories[:1]
	if web.SameMeta(a, b) {
		t.Errorf("a category removed reads as no change")
	}
}

// A new sheet or an amendment refused for a field to fix keeps its text
// as a draft too.
func TestRefusedCreationAndAmendmentKeepTheText(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		submitted := createSheet(t, a, "Fablab", body1)
		withBoard(t, a, submitted)
		review := mustAPI(t, a, http.MethodPost, "/sheets/"+submitted+"/reviews", "marie", map[string]any{"revision": 1}, http.StatusCreated)
		amend := fmt.Sprintf("/sheets/%s/reviews/%.0f/amend", submitted, review["id"].(float64))
		b := a.browser()
		b.login("marie")
		csrf := b.csrf("/sheets/new")
		for _, c := range []struct{ path, draft string }{{"/sheets", "/drafts/new"}, {amend, "/sheets/" + submitted + "/draft"}} {
			form := url.Values{"base": {"1"}, "title": {""}, "body": {"Texte tapé pour " + c.path + ".\n"}, "summary": {"à garder"}}
			if c.path == "/sheets" {
				form.Del("base")
			}
			r := postForm(b, c.path, csrf, form)
			if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), `data-unsaved="1"`) || !strings.Contains(string(r.body), `data-kept="1"`) {
				t.Errorf("%s without a title: %d", c.path, r.status)
			}
			if got := mustAPI(t, a, http.MethodGet, c.draft, "marie", nil, http.StatusOK); got["body"] != form.Get("body") || got["summary"] != "à garder" {
				t.Errorf("%s kept %v", c.path, got)
			}
		}
	})
}
