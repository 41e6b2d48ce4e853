package e2e_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// revisionCount asks the API how many revisions a sheet has.
func revisionCount(t *testing.T, srv *server, token, slug string) int {
	t.Helper()
	revs, _ := srv.api(t, token, http.MethodGet, "/sheets/"+slug+"/revisions", nil, http.StatusOK)["revisions"].([]any)
	return len(revs)
}

// waitFor waits until a selector is visible, within a few seconds.
func (b *browser) waitFor(t *testing.T, sel string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		b.fatalf(t, "wait for %s: %v\n%s", sel, err, b.pageText(t))
	}
}

func (b *browser) viewport(t *testing.T, width int64) {
	t.Helper()
	b.do(t, "viewport", chromedp.EmulateViewport(width, 900))
}

// TestEditorPreviewAndToolbar: the writing aids of the editor, in a real
// browser: the "modifier" link beside a section heading, the toolbar
// (bold around a selection, undone by the browser's own undo; a footnote;
// a table), the help, the preview in place with JavaScript and as a form
// submit without it, nothing saved by either, and a section save that
// lands back at its section.
func TestEditorPreviewAndToolbar(t *testing.T) { onEachDatabase(t, previewJourney) }

func previewJourney(t *testing.T, srv *server) {
	srv.createUsers(t, map[string]string{"marie": "contributor"})
	token := srv.run(t, "", "token", "create", "--username", "marie")
	body := "Un jardin de quartier.\n\n## Histoire\n\nLe jardin est né en 2015.\n\n## Fonctionnement\n\nLes membres se retrouvent chaque samedi.\n"
	created := srv.api(t, token, http.MethodPost, "/sheets", map[string]any{"title": "Jardin du Guelmeur", "body": body, "summary": "création"}, http.StatusCreated)
	slug := created["slug"].(string)
	sheetPath := "/sheets/" + slug

	shot := newShots(t)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	chromium := startChromium(t, ctx)
	marie := newBrowser(t, chromium, srv, "marie")
	marie.login(t, "marie")

	// The "modifier" link beside the heading, in the text itself.
	marie.open(t, sheetPath)
	link := `.sheet-body .section-heading a.edit-section[aria-label="Modifier la section « Fonctionnement »"]`
	if !marie.has(t, link) {
		t.Fatalf("no edit link beside the heading « Fonctionnement »:\n%s", eval[string](t, marie, `document.querySelector('.sheet-body').innerHTML`))
	}
	if h := eval[float64](t, marie, `document.querySelector('`+link+`').getBoundingClientRect().height`); h < 44 {
		t.Errorf("the heading's edit link is %v px high, want a 44 px touch target", h)
	}
	shot.save(t, marie, "preview-00-heading-links")
	marie.submit(t, link)
	if got := marie.value(t, "#body"); !strings.HasPrefix(got, "## Fonctionnement") || strings.Contains(got, "Histoire") {
		t.Fatalf("the heading's link opened:\n%s", got)
	}

	// Toolbar: bold around a selection; the browser's undo takes it back.
	marie.waitFor(t, `[data-md-toolbar] button[data-md="bold"]`)
	original := marie.value(t, "#body")
	caretAt(t, marie, "samedi", 0, len("samedi"))
	marie.click(t, `[data-md-toolbar] button[data-md="bold"]`)
	if got := marie.value(t, "#body"); got != strings.Replace(original, "samedi", "**samedi**", 1) {
		t.Errorf("bold around the selection gave:\n%q", got)
	}
	if sel := eval[string](t, marie, `(() => { const a = document.getElementById('body'); const e = a.atlasEditor; if (!e) return a.value.slice(a.selectionStart, a.selectionEnd); const s = e.selection(); return e.value().slice(s.start, s.end); })()`); sel != "samedi" {
		t.Errorf("after bold, the selection is %q, want the word itself", sel)
	}
	marie.do(t, "Ctrl+Z", chromedp.KeyEvent("z", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	if got := marie.value(t, "#body"); got != original {
		t.Errorf("undo after bold gave:\n%q\nwant the original", got)
	}
	caretAt(t, marie, "samedi", 0, len("samedi"))
	marie.click(t, `[data-md-toolbar] button[data-md="bold"]`)

	// A footnote: the mark at the cursor, the note at the end.
	caretAt(t, marie, "**samedi**", len("**samedi**"), 0)
	marie.click(t, `[data-md-toolbar] button[data-md="note"]`)
	withNote := marie.value(t, "#body")
	if !strings.Contains(withNote, "**samedi**[^1].") || !strings.HasSuffix(withNote, "\n\n[^1]: Texte de la note.\n") {
		t.Errorf("footnote gave:\n%q", withNote)
	}
	// A table, the cursor at the start of a paragraph: set apart by an
	// empty line.
	caretAt(t, marie, "Les membres", 0, 0)
	marie.click(t, `[data-md-toolbar] button[data-md="table"]`)
	withTable := marie.value(t, "#body")
	if !strings.Contains(withTable, "Texte de la note.\n") || !strings.Contains(withTable, "## Fonctionnement\n\n| Colonne 1 | Colonne 2 |\n|---|---|\n| … | … |\n\nLes membres") {
		t.Errorf("table gave:\n%q", withTable)
	}

	// The help panel, opened, at both widths.
	marie.click(t, "details.md-help summary")
	if !eval[bool](t, marie, `document.querySelector('details.md-help').open`) {
		t.Error("the help panel does not open")
	}
	if help := marie.text(t, "details.md-help"); !strings.Contains(help, "[^1]:") || !strings.Contains(help, "ce n'est pas une erreur") {
		t.Errorf("help text:\n%s", help)
	}
	shot.save(t, marie, "preview-01-toolbar-help-1280")
	marie.viewport(t, 375)
	shot.save(t, marie, "preview-02-toolbar-help-375")
	if w := eval[int](t, marie, `document.querySelector('[data-md-toolbar]').scrollWidth - document.querySelector('[data-md-toolbar]').clientWidth`); w > 0 {
		t.Errorf("the toolbar overflows its box by %d px at 375 px", w)
	}
	if small := eval[string](t, marie, `[...document.querySelectorAll('[data-md-toolbar] button, [data-editor-modes] button, details.md-help summary, form.editor .form-actions button')]
		.filter(b => b.getBoundingClientRect().height < 44 || b.getBoundingClientRect().width < 44).map(b => b.textContent).join(', ')`); small != "" {
		t.Errorf("toolbar buttons smaller than 44 px: %s", small)
	}
	marie.viewport(t, 1280)

	// Preview in place: no navigation, the rendering, nothing saved.
	before := marie.path(t)
	marie.click(t, `form.editor button[name=action][value=preview]`)
	marie.waitFor(t, "#preview .preview-body strong")
	if got := marie.text(t, "#preview .preview-body strong"); got != "samedi" {
		t.Errorf("preview bold = %q", got)
	}
	if !marie.has(t, `#preview .preview-body table`) || !marie.has(t, `#preview .preview-body h2#apercu-fonctionnement`) {
		t.Errorf("preview lacks the table or the scoped heading:\n%s", eval[string](t, marie, `document.querySelector('#preview').innerHTML`))
	}
	if !eval[bool](t, marie, editorHiddenJS) || marie.path(t) != before {
		t.Error("the preview is not in place of the text")
	}
	if eval[string](t, marie, `document.querySelector('[data-mode=preview]').getAttribute('aria-pressed')`) != "true" {
		t.Error("the Aperçu mode is not marked as pressed")
	}
	if n := revisionCount(t, srv, token, slug); n != 1 {
		t.Errorf("the preview saved something: %d revisions", n)
	}
	shot.save(t, marie, "preview-03-preview-1280")
	marie.viewport(t, 375)
	shot.save(t, marie, "preview-04-preview-375")
	marie.viewport(t, 1280)
	marie.click(t, `[data-editor-modes] button[data-mode=write]`)
	if eval[bool](t, marie, editorHiddenJS) || marie.value(t, "#body") != withTable {
		t.Error("back to writing, the text is not there as it was")
	}

	// The section save lands back at the section.
	marie.typeInto(t, "#summary", "le samedi")
	if resp := marie.submit(t, "form.editor button[type=submit]"); resp.Status != http.StatusOK {
		t.Fatalf("section save: status %d", resp.Status)
	}
	if got := eval[string](t, marie, "location.pathname + location.hash"); got != sheetPath+"#fonctionnement" {
		t.Errorf("after the section save, at %q, want %q", got, sheetPath+"#fonctionnement")
	}
	if top := eval[float64](t, marie, `document.getElementById('fonctionnement').getBoundingClientRect().top`); top < -1 || top > 200 {
		t.Errorf("the section's heading is %v px from the top of the window, want it in view at the top", top)
	}
	wantFlash(t, marie, "enregistrée")
	shot.save(t, marie, "preview-05-landed-at-section")

	// Without JavaScript: no toolbar, and "Prévisualiser" is a form submit
	// that shows the rendering below the text, saving nothing.
	nojs := newBrowser(t, chromium, srv, "marie-nojs")
	nojs.do(t, "disable JavaScript", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	nojs.login(t, "marie")
	nojs.open(t, sheetPath+"/edit")
	if eval[bool](t, nojs, `!!document.querySelector('[data-md-toolbar]').offsetParent`) || eval[bool](t, nojs, `!!document.getElementById('preview').offsetParent`) {
		t.Error("without JavaScript the toolbar or an empty preview shows")
	}
	text := strings.Replace(nojs.value(t, "#body"), "né en 2015", "né en *2015*", 1)
	nojs.setValue(t, "#body", text)
	nojs.typeInto(t, "#summary", "résumé gardé")
	if resp := nojs.submit(t, `form.editor button[name=action][value=preview]`); resp.Status != http.StatusOK {
		t.Fatalf("no-JS preview: status %d", resp.Status)
	}
	if got := nojs.text(t, "#preview .preview-body em"); got != "2015" {
		t.Errorf("no-JS preview italic = %q", got)
	}
	if nojs.value(t, "#body") != text || nojs.value(t, "#summary") != "résumé gardé" || nojs.value(t, "#title") != "Jardin du Guelmeur" {
		t.Error("the no-JS preview did not keep the fields as typed")
	}
	if h := eval[string](t, nojs, "location.hash"); h != "#preview" {
		t.Errorf("the no-JS preview opens at %q, want #preview", h)
	}
	if n := revisionCount(t, srv, token, slug); n != 2 {
		t.Errorf("the no-JS preview saved something: %d revisions, want 2", n)
	}
	shot.save(t, nojs, "preview-06-nojs-preview-1280")
	nojs.viewport(t, 375)
	shot.save(t, nojs, "preview-07-nojs-preview-375")
}
