package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

// previewBody holds what the sanitizer must remove and what it must keep.
const previewBody = "Intro.\n\n## Histoire\n\nUn **jardin** partagé[^1].\n\n<script>alert('x')</script>\n\n" +
	"[piège](javascript:alert(1)) <img src=x onerror=alert(2)>\n\n[^1]: Une note.\n"

// wantSanitized checks a rendering of previewBody.
func wantSanitized(t *testing.T, what, html string) {
	t.Helper()
	for _, bad := range []string{"<script", "javascript:", "onerror", "<img"} {
		if strings.Contains(html, bad) {
			t.Errorf("%s: the rendering lets %q through:\n%s", what, bad, html)
		}
	}
	for _, good := range []string{"<strong>jardin</strong>", "Histoire</h2>", "Une note."} {
		if !strings.Contains(html, good) {
			t.Errorf("%s: the rendering lacks %q:\n%s", what, good, html)
		}
	}
}

// sessionPreview posts to the preview API as a browser's script does: the
// session cookie, and the CSRF token in a header.
func sessionPreview(b *browser, csrf, body string) response {
	req := httptest.NewRequest(http.MethodPost, "/api/v1/preview", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	return b.send(req)
}

func TestPreviewAPI(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		in := map[string]any{"body": previewBody}

		// Programs: a token, or nothing.
		if r := a.api(http.MethodPost, "/preview", "", in); r.status != http.StatusUnauthorized || r.json(t)["error"] != "unauthorized" {
			t.Errorf("anonymous preview: %d %s", r.status, r.body)
		}
		r := a.api(http.MethodPost, "/preview", "marie", in)
		if r.status != http.StatusOK {
			t.Fatalf("preview with a token: %d %s", r.status, r.body)
		}
		var out struct {
			HTML string `json:"html"`
		}
		if err := json.Unmarshal(r.body, &out); err != nil {
			t.Fatal(err)
		}
		wantSanitized(t, "API", out.HTML)
		// The same pipeline as the sheet page: heading ids and all.
		if !strings.Contains(out.HTML, `<h2 id="histoire">Histoire</h2>`) {
			t.Errorf("the preview is not the sheet page's rendering:\n%s", out.HTML)
		}
		if r.header.Get("Cache-Control") != "no-store" {
			t.Errorf("preview Cache-Control = %q", r.header.Get("Cache-Control"))
		}
		if r := a.api(http.MethodPost, "/preview", "marie", map[string]any{"body": ""}); r.status != http.StatusOK || r.json(t)["html"] != "" {
			t.Errorf("empty preview: %d %s", r.status, r.body)
		}

		for name, c := range map[string]struct {
			body string
			want int
		}{
			"not JSON":      {`{"body": `, http.StatusBadRequest},
			"unknown field": {`{"body": "x", "title": "y"}`, http.StatusBadRequest},
			"no body":       {`{}`, http.StatusBadRequest},
			"body not text": {`{"body": 3}`, http.StatusBadRequest},
			"trailing data": {`{"body": "x"} {}`, http.StatusBadRequest},
			"NUL":           {`{"body": "a\u0000b"}`, http.StatusBadRequest},
			"too large":     {`{"body": "` + strings.Repeat("a", 1<<20+1) + `"}`, http.StatusRequestEntityTooLarge},
		} {
			r := a.api(http.MethodPost, "/preview", "marie", c.body)
			if r.status != c.want || r.json(t)["message"] == "" {
				t.Errorf("%s: %d, want %d: %.200s", name, r.status, c.want, r.body)
			}
		}
		req := httptest.NewRequest(http.MethodPost, "/api/v1/preview", strings.NewReader("body=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+a.tokens["marie"])
		if r := a.do(req); r.status != http.StatusUnsupportedMediaType {
			t.Errorf("a form sent to the preview API: %d", r.status)
		}

		// Browsers: the session, and its CSRF token in a header.
		b := a.browser()
		anonToken := b.csrf("/login")
		if r := sessionPreview(b, anonToken, `{"body": "x"}`); r.status != http.StatusUnauthorized {
			t.Errorf("anonymous session: %d %s", r.status, r.body)
		}
		b.login("marie")
		token := b.csrf("/sheets/new")
		if r := sessionPreview(b, "", `{"body": "x"}`); r.status != http.StatusForbidden || r.json(t)["error"] != "csrf" {
			t.Errorf("session without the CSRF header: %d %s", r.status, r.body)
		}
		if r := sessionPreview(b, token+"x", `{"body": "x"}`); r.status != http.StatusForbidden {
			t.Errorf("session with a wrong CSRF header: %d %s", r.status, r.body)
		}
		data, _ := json.Marshal(in)
		r = sessionPreview(b, token, string(data))
		if r.status != http.StatusOK {
			t.Fatalf("session with its CSRF header: %d %s", r.status, r.body)
		}
		wantSanitized(t, "session", r.json(t)["html"].(string))

		// The session may preview, but no other API write opens to it.
		req = httptest.NewRequest(http.MethodPost, "/api/v1/sheets", strings.NewReader(`{"title": "Non", "body": "x"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", token)
		if r := b.send(req); r.status != http.StatusUnauthorized {
			t.Errorf("a session created a sheet through the API: %d", r.status)
		}
		if list := a.api(http.MethodGet, "/sheets", "", nil).json(t); len(list["sheets"].([]any)) != 0 {
			t.Error("previews created a sheet")
		}
	})
}

// TestPreviewSubmitSavesNothing: the editor's "Prévisualiser" without
// JavaScript shows the editor again, every field as typed, with the
// rendering; no revision, no sheet.
func TestPreviewSubmitSavesNothing(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		created := a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": "Jardin", "body": "Intro.\n\n## Histoire\n\nAvant.\n\n## Contact\n\nÉcrire.\n"}).json(t)
		slug := created["slug"].(string)
		b := a.browser()
		b.login("marie")

		edit := b.get("/sheets/" + slug + "/edit")
		for _, want := range []string{`name="action" value="preview"`, `formaction="/sheets/` + slug + `/edit#preview"`, `data-md-toolbar hidden`, `<details class="md-help">`, "js/editor.js"} {
			if !strings.Contains(string(edit.body), want) {
				t.Errorf("editor lacks %q", want)
			}
		}
		if strings.Contains(string(edit.body), `id="apercu-`) || !strings.Contains(string(edit.body), `id="preview" class="preview" tabindex="-1" aria-labelledby="preview-title" hidden`) {
			t.Error("the editor shows a preview before one is asked for")
		}
		form := url.Values{
			"_csrf": {field(edit.body, "_csrf")}, "base": {"1"}, "title": {"Jardin renommé"}, "body": {previewBody + "\n## Contact\n\nÉcrire.\n"},
			"summary": {"mon résumé"}, "subtitle": {"Un sous-titre"}, "categories": {"semences"}, "tags": {"graines, partage"},
			"place_name": {"Kerinou"}, "lat": {"48,40"}, "lon": {"-4.49"}, "action": {"preview"},
		}
		r := b.post("/sheets/"+slug+"/edit", form)
		page := string(r.body)
		if r.status != http.StatusOK {
			t.Fatalf("preview submit: %d %.300s", r.status, page)
		}
		for _, name := range []string{"title", "body", "summary", "subtitle", "tags", "place_name", "lat", "lon", "base"} {
			if got := field(r.body, name); got != form.Get(name) {
				t.Errorf("field %s after the preview = %q, want %q", name, got, form.Get(name))
			}
		}
		if !strings.Contains(page, `value="semences" checked`) {
			t.Error("the preview lost the checked category")
		}
		preview := page[strings.Index(page, `id="preview"`):]
		preview = preview[:strings.Index(preview, "</section>")]
		wantSanitized(t, "preview page", preview)
		// The preview's ids cannot take the form's: "Contact" is a field.
		if !strings.Contains(preview, `<h2 id="apercu-contact">`) || strings.Count(page, `id="contact"`) != 1 ||
			!strings.Contains(preview, `href="#apercu-fn:1"`) {
			t.Errorf("preview ids are not kept apart from the form's:\n%s", preview)
		}
		if revs := a.api(http.MethodGet, "/sheets/"+slug+"/revisions", "", nil).json(t); len(revs["revisions"].([]any)) != 1 {
			t.Errorf("the preview saved a revision: %v", revs)
		}

		// A section editor, previewed: still a section editor.
		sec := b.get("/sheets/" + slug + "/edit?section=1")
		r = b.post("/sheets/"+slug+"/edit", url.Values{"_csrf": {field(sec.body, "_csrf")}, "base": {"1"}, "section": {"1"},
			"body": {"## Histoire\n\nUn *nouveau* départ.\n"}, "summary": {"s"}, "action": {"preview"}})
		if r.status != http.StatusOK || !strings.Contains(string(r.body), "<em>nouveau</em>") || field(r.body, "section") != "1" ||
			!strings.Contains(string(r.body), "section « Histoire »") || strings.Contains(string(r.body), `name="title"`) {
			t.Errorf("section preview: %d %.300s", r.status, r.body)
		}

		// A new sheet, previewed: not created.
		r = b.post("/sheets", url.Values{"_csrf": {field(edit.body, "_csrf")}, "title": {"Pas encore"}, "body": {"## Une\n\n- liste\n"}, "action": {"preview"}})
		if r.status != http.StatusOK || !strings.Contains(string(r.body), "<li>liste</li>") || field(r.body, "title") != "Pas encore" ||
			!strings.Contains(string(r.body), `formaction="/sheets#preview"`) {
			t.Errorf("new sheet preview: %d %.300s", r.status, r.body)
		}
		if list := a.api(http.MethodGet, "/sheets", "", nil).json(t); len(list["sheets"].([]any)) != 1 {
			t.Error("previewing a new sheet created it")
		}
		r = b.post("/sheets", url.Values{"_csrf": {field(edit.body, "_csrf")}, "title": {"Vide"}, "body": {""}, "action": {"preview"}})
		if r.status != http.StatusOK || !strings.Contains(string(r.body), "Le texte est vide") {
			t.Errorf("empty preview: %d", r.status)
		}
		r = b.post("/sheets", url.Values{"_csrf": {field(edit.body, "_csrf")}, "title": {"Énorme"}, "body": {strings.Repeat("a", 1<<20+1)}, "action": {"preview"}})
		if r.status != http.StatusRequestEntityTooLarge || !strings.Contains(string(r.body), "1 Mio") {
			t.Errorf("oversized preview: %d", r.status)
		}
		// Without its CSRF token, a preview is refused like a save.
		form.Del("_csrf")
		if r := b.post("/sheets/"+slug+"/edit", form); r.status != http.StatusForbidden {
			t.Errorf("preview without CSRF: %d", r.status)
		}
	})
}

// TestPreviewOfAnAmendment: the amendment editor previews too, and the
// submitted version stays as it was.
func TestPreviewOfAnAmendment(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": "Soumise", "body": "## Une\n\nTexte.\n"}).json(t)["slug"].(string)
		if r := a.api(http.MethodPut, "/sheets/"+slug+"/board", "admin", map[string]any{"members": []string{"admin"}}); r.status != http.StatusOK {
			t.Fatalf("board: %d %s", r.status, r.body)
		}
		rv := a.api(http.MethodPost, "/sheets/"+slug+"/reviews", "marie", map[string]any{"revision": 1})
		if rv.status != http.StatusCreated {
			t.Fatalf("review: %d %s", rv.status, rv.body)
		}
		id := jsonNumber(rv.json(t)["id"])
		b := a.browser()
		b.login("marie")
		amendPath := "/sheets/" + slug + "/reviews/" + id + "/amend"
		page := b.get(amendPath)
		if page.status != http.StatusOK || !strings.Contains(string(page.body), `formaction="`+amendPath+`#preview"`) {
			t.Fatalf("amend page: %d", page.status)
		}
		r := b.post(amendPath, url.Values{"_csrf": {field(page.body, "_csrf")}, "base": {"1"}, "title": {"Soumise"},
			"body": {"## Une\n\n**Amendée**.\n"}, "action": {"preview"}})
		if r.status != http.StatusOK || !strings.Contains(string(r.body), "<strong>Amendée</strong>") {
			t.Errorf("amendment preview: %d %.300s", r.status, r.body)
		}
		if revs := a.api(http.MethodGet, "/sheets/"+slug+"/revisions", "", nil).json(t); len(revs["revisions"].([]any)) != 1 {
			t.Error("the amendment preview saved a revision")
		}
	})
}

func jsonNumber(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestSectionSaveLandsAtTheSection: after a section save the reader is
// back at that section's heading, even when two sections share a heading
// and when a merge moved the section.
func TestSectionSaveLandsAtTheSection(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		body := "Intro.\n\n## Histoire\n\nA.\n\n## Histoire\n\nB.\n\n## Fonctionnement\n\nC.\n"
		slug := a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": "Ancre", "body": body}).json(t)["slug"].(string)
		b := a.browser()
		b.login("marie")
		save := func(base, section, text string) string {
			t.Helper()
			page := b.get("/sheets/" + slug + "/edit?section=" + section)
			r := b.post("/sheets/"+slug+"/edit", url.Values{"_csrf": {field(page.body, "_csrf")}, "base": {base}, "section": {section}, "body": {text}})
			if r.status != http.StatusSeeOther {
				t.Fatalf("section %s save: %d %.300s", section, r.status, r.body)
			}
			return r.header.Get("Location")
		}
		if got := save("1", "2", "## Histoire\n\nB, revu.\n\n"); got != "/sheets/"+slug+"#histoire-2" {
			t.Errorf("second « Histoire »: redirected to %q", got)
		}
		// A new heading: the anchor is the new one.
		if got := save("2", "3", "## Organisation\r\n\r\nC, revu.\r\n"); got != "/sheets/"+slug+"#organisation" {
			t.Errorf("renamed section: redirected to %q", got)
		}
		// The preamble has no heading: the top of the page.
		if got := save("3", "0", "Intro revue.\n\n"); got != "/sheets/"+slug {
			t.Errorf("preamble: redirected to %q", got)
		}
		// Someone adds a section above while marie edits the second
		// « Histoire » from version 4: merged, it is now section 3.
		head := a.api(http.MethodGet, "/sheets/"+slug, "", nil).json(t)
		cur := head["body"].(string)
		if r := a.api(http.MethodPut, "/sheets/"+slug, "admin", map[string]any{"base": 4, "title": "Ancre",
			"body": strings.Replace(cur, "## Histoire", "## Avant\n\nX.\n\n## Histoire", 1)}); r.status != http.StatusOK {
			t.Fatalf("other edit: %d %s", r.status, r.body)
		}
		if got := save("4", "2", "## Histoire\n\nB, revu deux fois.\n\n"); got != "/sheets/"+slug+"#histoire-2" {
			t.Errorf("merged section edit: redirected to %q", got)
		}
		show := string(b.get("/sheets/" + slug).body)
		if !strings.Contains(show, `<h2 id="histoire-2">Histoire</h2>`) || !strings.Contains(show, "B, revu deux fois.") || !strings.Contains(show, "fusionnés") {
			t.Errorf("the merged save is not where the anchor points:\n%.2000s", show)
		}
		// A whole-sheet save lands at the top.
		page := b.get("/sheets/" + slug + "/edit")
		r := b.post("/sheets/"+slug+"/edit", url.Values{"_csrf": {field(page.body, "_csrf")}, "base": {field(page.body, "base")},
			"title": {"Ancre"}, "body": {field(page.body, "body") + "\nFin.\n"}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/sheets/"+slug {
			t.Errorf("whole save: %d %q", r.status, r.header.Get("Location"))
		}
	})
}

// TestSectionHeadingsHaveEditLinks: beside every section heading of the
// text, a "modifier" link for those who may edit, named after its section;
// anonymous readers' cached page has none.
func TestSectionHeadingsHaveEditLinks(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		body := "Intro.\n\n## L'eau & \"le pain\"\n\n### Une question\n\n## Histoire\n\n```\n## pas une section\n```\n\n## Histoire\n"
		slug := a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": "Liens", "body": body}).json(t)["slug"].(string)
		anon := a.browser()
		if page := string(anon.get("/sheets/" + slug).body); strings.Contains(page, `class="edit-section"`) || strings.Contains(page, "section-heading") {
			t.Error("anonymous readers get edit links")
		}
		b := a.browser()
		b.login("marie")
		page := string(b.get("/sheets/" + slug).body)
		text := page[strings.Index(page, `<div class="sheet-body markdown">`):]
		for _, want := range []string{
			`</h2> <a class="edit-section" href="/sheets/` + slug + `/edit?section=1" aria-label="Modifier la section « L&#39;eau &amp; &#34;le pain&#34; »">modifier</a></div>`,
			`<div class="section-heading"><h2 id="histoire">Histoire</h2> <a class="edit-section" href="/sheets/` + slug + `/edit?section=2" aria-label="Modifier la section « Histoire »">modifier</a></div>`,
			`<div class="section-heading"><h2 id="histoire-2">Histoire</h2> <a class="edit-section" href="/sheets/` + slug + `/edit?section=3" aria-label="Modifier la section « Histoire »">modifier</a></div>`,
		} {
			if !strings.Contains(text, want) {
				t.Errorf("the text lacks %s", want)
			}
		}
		if n := strings.Count(text, `class="edit-section"`); n != 3 {
			t.Errorf("%d edit links in the text, want 3 (no link on questions or in code)", n)
		}
		// Each link opens the editor on its own section.
		if ed := b.get("/sheets/" + slug + "/edit?section=3"); field(ed.body, "body") != "## Histoire\n" {
			t.Errorf("the third link edits %q", field(ed.body, "body"))
		}
		if page := string(anon.get("/sheets/" + slug).body); strings.Contains(page, `class="edit-section"`) {
			t.Error("anonymous readers get edit links after a signed-in read")
		}
	})
}
