package e2e_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"atlas/internal/document"
)

// TestReadersSeeWhatWasWritten: a visitor meets a sheet's answers, not its
// empty questionnaire; the provenance line names who started the sheet and
// who wrote it with them; search snippets are text; a writer chooses the
// licence from a list, "another licence" asking for its name.
func TestReadersSeeWhatWasWritten(t *testing.T) { onEachDatabase(t, readersJourney) }

func readersJourney(t *testing.T, srv *server) {
	srv.createUsers(t, map[string]string{"marie": "contributor", "yann": "contributor", "anne": "contributor", "bleuenn": "contributor"})
	tokens := map[string]string{}
	for _, u := range []string{"marie", "yann", "anne", "bleuenn"} {
		tokens[u] = srv.run(t, "", "token", "create", "--username", u)
	}

	// One sheet left as the template; one whose financing question is
	// answered (in Markdown), then edited by three more people.
	srv.api(t, tokens["marie"], http.MethodPost, "/sheets", map[string]any{
		"title": "Jardin des Capucins", "body": document.Template(), "summary": "création",
	}, http.StatusCreated)
	q := "### Quels financements, quelles contributions ?\n\n"
	body := strings.Replace(document.Template(), q, q+"Une **subvention** de la ville et des [dons](https://example.org/dons)[^1].\n\n[^1]: Une centaine de donateurs.\n", 1)
	created := srv.api(t, tokens["marie"], http.MethodPost, "/sheets", map[string]any{
		"title": "Repair café de Saint-Martin", "body": body, "summary": "création",
	}, http.StatusCreated)
	slug := created["slug"].(string)
	for i, u := range []string{"yann", "anne", "bleuenn"} {
		body = strings.Replace(body, "de la ville", "de la ville ("+u+")", 1)
		srv.api(t, tokens[u], http.MethodPut, "/sheets/"+slug, map[string]any{
			"base": i + 1, "title": "Repair café de Saint-Martin", "body": body, "summary": "précision",
		}, http.StatusOK)
	}

	shot := newShots(t)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	chromium := startChromium(t, ctx)
	visitor := newBrowser(t, chromium, srv, "visitor")
	// Both widths of every step: a desk and a phone.
	both := func(b *browser, name string) {
		t.Helper()
		b.do(t, "phone width", chromedp.EmulateViewport(375, 800))
		shot.save(t, b, "readers-"+name+"-375")
		if w := eval[int](t, b, "document.documentElement.scrollWidth"); w > 375 {
			wide := eval[string](t, b, `[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 376).slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id + ':' + Math.round(e.getBoundingClientRect().right)).join(' ')`)
			t.Errorf("%s is %d px wide at 375 px: %s", name, w, wide)
		}
		b.do(t, "desk width", chromedp.EmulateViewport(1280, 900))
		shot.save(t, b, "readers-"+name+"-1280")
	}

	// 1. The answered sheet: its answer, under its question and section;
	// none of the questions nobody answered; the provenance line.
	if st := visitor.open(t, "/sheets/"+slug); st != http.StatusOK {
		t.Fatalf("sheet page: %d", st)
	}
	text := visitor.text(t, ".sheet-body")
	for _, want := range []string{"Les moyens humains et financiers, les partenariats", "Quels financements, quelles contributions ?", "Une subvention de la ville"} {
		if !strings.Contains(text, want) {
			t.Errorf("the sheet lacks %q:\n%s", want, text)
		}
	}
	for _, hidden := range []string{"Quels partenariats ?", "Qui sont les membres ?", "La gouvernance", "Liens"} {
		if strings.Contains(text, hidden) {
			t.Errorf("the sheet shows the unanswered %q", hidden)
		}
	}
	if toc := visitor.text(t, "nav.toc ol"); toc != "Les moyens humains et financiers, les partenariats" {
		t.Errorf("contents = %q", toc)
	}
	prov := visitor.text(t, ".provenance")
	if !strings.HasPrefix(prov, "Commencée le ") || !strings.Contains(prov, " par marie · rédigée avec yann, anne et bleuenn · mise à jour le ") || !strings.Contains(prov, "par bleuenn · 4 versions") {
		t.Errorf("provenance = %q", prov)
	}
	if lic := visitor.text(t, ".sheet-meta dd a[rel=license]"); !strings.Contains(lic, "CC BY-SA 4.0") {
		t.Errorf("licence shown as %q", lic)
	}
	both(visitor, "sheet-answered")

	// 2. The template-only sheet: nothing of the questionnaire, a word
	// saying there is nothing yet, no contents.
	visitor.open(t, "/sheets/jardin-des-capucins")
	text = visitor.text(t, ".sheet-body")
	if !strings.Contains(text, "Cette fiche n'a pas encore de contenu") || strings.Contains(text, "?") || visitor.has(t, "nav.toc") {
		t.Errorf("the template-only sheet shows:\n%s", text)
	}
	both(visitor, "sheet-template-only")

	// 3. Search: the template's words find only the sheet that answers
	// them, and the snippet is text.
	visitor.open(t, "/search?q=financements")
	page := visitor.pageText(t)
	if !strings.Contains(page, "1 fiche trouvée.") || strings.Contains(page, "Jardin des Capucins") {
		t.Errorf("search financements:\n%s", page)
	}
	snippet := visitor.text(t, "ol.results li")
	for _, syntax := range []string{"##", "**", "](", "[^"} {
		if strings.Contains(snippet, syntax) {
			t.Errorf("snippet %q shows %q", snippet, syntax)
		}
	}
	both(visitor, "search")

	// 4. The editor keeps the prompts, and the licence is a list.
	marie := newBrowser(t, chromium, srv, "marie")
	marie.login(t, "marie")
	marie.open(t, "/sheets/jardin-des-capucins/edit")
	if got := marie.value(t, "#body"); got != document.Template() {
		t.Errorf("the editor does not show the questions:\n%s", got)
	}
	marie.open(t, "/sheets/"+slug+"/edit")
	if got := marie.value(t, "select#licence"); got != "CC-BY-SA-4.0" {
		t.Errorf("licence select = %q", got)
	}
	options := eval[string](t, marie, `[...document.querySelectorAll('#licence option')].map(o => o.value).join(' ')`)
	if options != "CC-BY-SA-4.0 CC-BY-4.0 CC0-1.0 etalab-2.0 other" {
		t.Errorf("licence options = %q", options)
	}
	otherShown := `getComputedStyle(document.querySelector('.licence-other')).display !== 'none'`
	if eval[bool](t, marie, otherShown) {
		t.Errorf("the other-licence name shows while a listed licence is chosen")
	}
	marie.do(t, "scroll to the licence", chromedp.ScrollIntoView(chromedp.CSS("#licence")))
	marie.setValue(t, "#licence", "other")
	if !eval[bool](t, marie, otherShown) {
		t.Errorf("choosing another licence does not ask its name")
	}
	marie.typeInto(t, "#licence_other", "Licence Art Libre 1.3")
	marie.typeInto(t, "#summary", "licence")
	both(marie, "editor-licence")
	if resp := marie.submit(t, "form.editor button[type=submit]"); resp.Status != http.StatusOK {
		t.Fatalf("save: %d", resp.Status)
	}
	if got := marie.text(t, ".sheet-meta"); !strings.Contains(got, "Licence Art Libre 1.3") {
		t.Errorf("the sheet's licence box: %q", got)
	}
	// Back in the editor, the typed licence is "another licence" with its name.
	marie.open(t, "/sheets/"+slug+"/edit")
	if marie.value(t, "#licence") != "other" || marie.value(t, "#licence_other") != "Licence Art Libre 1.3" {
		t.Errorf("the editor lost the other licence: %q %q", marie.value(t, "#licence"), marie.value(t, "#licence_other"))
	}
	marie.setValue(t, "#licence", "etalab-2.0")
	if resp := marie.submit(t, "form.editor button[type=submit]"); resp.Status != http.StatusOK {
		t.Fatalf("save: %d", resp.Status)
	}
	if got := marie.text(t, ".sheet-meta dd a[rel=license]"); got != "Licence Ouverte 2.0 (Etalab)" {
		t.Errorf("licence shown as %q", got)
	}
	both(marie, "sheet-licence")
}
