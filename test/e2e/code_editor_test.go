package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// recordCSP makes every page this browser opens from now on keep the
// Content-Security-Policy violations it meets in window.__csp (a script
// run by DevTools, which the CSP does not cover).
func (b *browser) recordCSP(t *testing.T) {
	t.Helper()
	b.do(t, "record CSP violations", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));`,
		})
		return err
	}))
}

func (b *browser) noCSPViolation(t *testing.T, where string) {
	t.Helper()
	if v := eval[string](t, b, `(window.__csp || []).join('\n')`); v != "" {
		t.Errorf("%s: CSP violations:\n%s", where, v)
	}
}

// needEditorBundle skips a journey of the CodeMirror editor when
// `make assets` has not built it (no npm): the atlas then has the plain
// textarea, which the other journeys walk. With ATLAS_E2E_REQUIRED=1 (CI)
// a missing bundle fails the journey instead: `make test` builds it first.
func needEditorBundle(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(moduleRoot(t), "public", "vendor", "editor", "editor.js")); err != nil {
		if os.Getenv("ATLAS_E2E_REQUIRED") == "1" {
			t.Fatalf("ATLAS_E2E_REQUIRED=1 but the editor is not built (run make assets): %v", err)
		}
		t.Skip("the editor is not built (make assets): the atlas has the plain text field")
	}
}

// withoutJavaScript turns scripts off in this browser's tab.
func (b *browser) withoutJavaScript(t *testing.T) {
	t.Helper()
	b.do(t, "disable JavaScript", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
}

// editorText is the text of the page's editor: CodeMirror's document, and
// the hidden textarea that the form submits, which must say the same.
func editorText(t *testing.T, b *browser) string {
	t.Helper()
	pair := eval[[]string](t, b, `(() => { const a = document.getElementById('body'); return [a.atlasEditor ? a.atlasEditor.value() : '(no editor)', a.value]; })()`)
	if pair[0] != pair[1] {
		b.fatalf(t, "the editor and the form's textarea differ:\neditor:   %q\ntextarea: %q", pair[0], pair[1])
	}
	return pair[0]
}

// caretAt puts the editor's caret (or selection of length n) at the first
// occurrence of needle, plus off characters, and focuses it.
func caretAt(t *testing.T, b *browser, needle string, off, n int) {
	t.Helper()
	ok := eval[bool](t, b, fmt.Sprintf(`((needle, off, n) => {
		const a = document.getElementById('body');
		const e = a.atlasEditor;
		const v = e ? e.value() : a.value;
		const i = needle === '' ? v.length : v.indexOf(needle);
		if (i < 0) return false;
		if (e) { e.view.dispatch({selection: {anchor: i + off, head: i + off + n}}); e.focus(); }
		else { a.focus(); a.setSelectionRange(i + off, i + off + n); }
		return true;
	})(%q, %d, %d)`, needle, off, n))
	if !ok {
		b.fatalf(t, "caret at %q: not in the text", needle)
	}
}

// keys types text key by key where the focus is, as a person would.
// A new line is the Enter key alone (rawKeyDown): a key event carrying
// its "\r" would also insert it as typed text, after the editor's own
// handling of Enter.
func (b *browser) keys(t *testing.T, text string) {
	t.Helper()
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			b.do(t, "Enter", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
					if _, err := cdp.Call(ctx, tg, input.DispatchKeyEvent, input.DispatchKeyEventParams{
						Type: typ, Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13,
					}); err != nil {
						return err
					}
				}
				return nil
			}))
		}
		if line != "" {
			b.do(t, "type "+line, chromedp.KeyEvent(line))
		}
	}
}

// editorHidden tells whether the visible editor (CodeMirror, or the
// textarea without it) is hidden.
const editorHiddenJS = `(() => { const a = document.getElementById('body'); return a.atlasEditor ? a.atlasEditor.dom.hidden : a.hidden; })()`

// TestCodeEditor: the CodeMirror editor in place of the text field on a
// new sheet and on a sheet's editor: typing, the toolbar, undo, the
// preview, saving, the textarea always holding the text, no CSP
// violation; and the same form without JavaScript.
func TestCodeEditor(t *testing.T) {
	needEditorBundle(t)
	onEachDatabase(t, codeEditorJourney)
}

func codeEditorJourney(t *testing.T, srv *server) {
	srv.createUsers(t, map[string]string{"marie": "contributor"})
	token := srv.run(t, "", "token", "create", "--username", "marie")
	shot := newShots(t)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	chromium := startChromium(t, ctx)
	marie := newBrowser(t, chromium, srv, "marie")
	marie.recordCSP(t)
	marie.acceptLeaving(t)
	marie.login(t, "marie")

	// A new sheet: CodeMirror, no live co-writing.
	marie.open(t, "/sheets/new")
	marie.waitFor(t, "form.editor .atlas-cm .cm-content")
	if !eval[bool](t, marie, `document.getElementById('body').hidden`) {
		t.Error("the textarea still shows beside the editor")
	}
	if marie.has(t, "#live-editor") {
		t.Error("a new sheet's editor offers live co-writing")
	}
	if got := eval[string](t, marie, `document.querySelector('.cm-content').getAttribute('aria-labelledby')`); got == "" ||
		!strings.Contains(eval[string](t, marie, `document.getElementById(document.querySelector('.cm-content').getAttribute('aria-labelledby')).textContent`), "Texte") {
		t.Errorf("the editor is not named by the field's label (aria-labelledby %q)", got)
	}
	marie.typeInto(t, "#title", "Four à pain de Kerinou")
	caretAt(t, marie, "", 0, 0)
	marie.keys(t, "Un four à pain collectif.\n\n## Fonctionnement\n\nOn cuit le samedi.")
	if got := editorText(t, marie); !strings.Contains(got, "Un four à pain collectif.\n\n## Fonctionnement\n\nOn cuit le samedi.") {
		t.Fatalf("typed text: %q", got)
	}
	if !eval[bool](t, marie, `document.querySelector('.atlas-cm').classList.contains('cm-focused')`) {
		t.Error("the editor does not show its focus")
	}
	if outline := eval[string](t, marie, `getComputedStyle(document.querySelector('.atlas-cm.cm-focused')).outlineStyle`); outline != "solid" {
		t.Errorf("the focused editor's outline is %q", outline)
	}
	// Markdown highlighting: the heading line is styled by a token class.
	if !eval[bool](t, marie, `[...document.querySelectorAll('.cm-line')].some(l => l.textContent === '## Fonctionnement' && l.querySelector('span'))`) {
		t.Error("the heading is not highlighted")
	}

	// The toolbar acts on CodeMirror's selection; undo takes it back.
	caretAt(t, marie, "samedi", 0, len("samedi"))
	before := editorText(t, marie)
	marie.click(t, `[data-md-toolbar] button[data-md="bold"]`)
	if got := editorText(t, marie); got != strings.Replace(before, "samedi", "**samedi**", 1) {
		t.Errorf("bold gave %q", got)
	}
	if sel := eval[string](t, marie, `(() => { const e = document.getElementById('body').atlasEditor; const s = e.selection(); return e.value().slice(s.start, s.end); })()`); sel != "samedi" {
		t.Errorf("after bold the selection is %q", sel)
	}
	marie.do(t, "Ctrl+Z", chromedp.KeyEvent("z", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	if got := editorText(t, marie); got != before {
		t.Errorf("undo after bold gave %q", got)
	}
	// Ctrl+B is the toolbar's, not CodeMirror's.
	caretAt(t, marie, "samedi", 0, len("samedi"))
	marie.do(t, "Ctrl+B", chromedp.KeyEvent("b", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	if got := editorText(t, marie); !strings.Contains(got, "le **samedi**.") {
		t.Errorf("Ctrl+B gave %q", got)
	}
	caretAt(t, marie, "collectif", 0, 0)
	marie.click(t, `[data-md-toolbar] button[data-md="note"]`)
	if got := editorText(t, marie); !strings.Contains(got, "[^1]collectif") || !strings.HasSuffix(got, "[^1]: Texte de la note.\n") {
		t.Errorf("footnote gave %q", got)
	}
	withNote := editorText(t, marie)

	// The preview in place, then back to writing.
	marie.click(t, `[data-editor-modes] button[data-mode=preview]`)
	marie.waitFor(t, "#preview .preview-body strong")
	if !eval[bool](t, marie, editorHiddenJS) {
		t.Error("the editor shows beside the preview")
	}
	shot.save(t, marie, "code-editor-01-preview-1280")
	marie.click(t, `[data-editor-modes] button[data-mode=write]`)
	if eval[bool](t, marie, editorHiddenJS) || editorText(t, marie) != withNote {
		t.Error("back to writing, the editor is not there as it was")
	}
	caretAt(t, marie, "Fonctionnement", 0, 0)
	for _, w := range []int64{1280, 375} {
		marie.viewport(t, w)
		shot.save(t, marie, fmt.Sprintf("code-editor-02-new-%d", w))
		if w == 375 {
			if right := eval[float64](t, marie, `document.querySelector('.atlas-cm').getBoundingClientRect().right`); right > 375.5 {
				t.Errorf("the editor reaches %.0f px at 375 px", right)
			}
			if small := eval[string](t, marie, `[...document.querySelectorAll('[data-md-toolbar] button, [data-editor-modes] button, form.editor .form-actions button')]
				.filter(b => b.offsetParent && b.getBoundingClientRect().height < 44).map(b => b.textContent).join(', ')`); small != "" {
				t.Errorf("controls smaller than 44 px: %s", small)
			}
		}
	}
	marie.viewport(t, 1280)
	if resp := marie.submit(t, "form.editor .form-actions button[type=submit]:not([name])"); resp.Status != http.StatusOK {
		t.Fatalf("create: status %d", resp.Status)
	}
	slug := strings.TrimPrefix(marie.path(t), "/sheets/")
	got := srv.api(t, token, http.MethodGet, "/sheets/"+slug, nil, http.StatusOK)
	if body, _ := got["body"].(string); strings.TrimRight(body, "\n") != strings.TrimRight(withNote, "\n") {
		t.Errorf("saved body %q, want %q", body, withNote)
	}
	marie.noCSPViolation(t, "new sheet")

	// The sheet's editor: CodeMirror again, writing, saving.
	marie.open(t, "/sheets/"+slug+"/edit")
	marie.waitFor(t, "form.editor .atlas-cm .cm-content")
	marie.waitFor(t, "#live-editor")
	caretAt(t, marie, "", 0, 0)
	marie.keys(t, "\nAjouté dans l'éditeur de la fiche.")
	text := editorText(t, marie)
	if !strings.HasSuffix(text, "\nAjouté dans l'éditeur de la fiche.") {
		t.Fatalf("typed at the end: %q", text)
	}
	for _, w := range []int64{1280, 375} {
		marie.viewport(t, w)
		shot.save(t, marie, fmt.Sprintf("code-editor-03-edit-%d", w))
	}
	marie.viewport(t, 1280)
	marie.typeInto(t, "#summary", "une ligne")
	if resp := marie.submit(t, "form.editor .form-actions button[type=submit]:not([name])"); resp.Status != http.StatusOK {
		t.Fatalf("save: status %d", resp.Status)
	}
	got = srv.api(t, token, http.MethodGet, "/sheets/"+slug, nil, http.StatusOK)
	if body, _ := got["body"].(string); !strings.Contains(body, "Ajouté dans l'éditeur de la fiche.") {
		t.Errorf("saved body %q", body)
	}
	marie.noCSPViolation(t, "sheet editor")

	// A section's editor is CodeMirror too, and says it is not live.
	marie.open(t, "/sheets/"+slug+"/edit?section=1")
	marie.waitFor(t, "form.editor .atlas-cm .cm-content")
	if marie.has(t, "#live-editor") || !strings.Contains(marie.text(t, ".live-off"), "pas partagée en direct") {
		t.Error("the section editor does not say that it is not live")
	}

	// Without JavaScript the textarea is the editor, and saves.
	nojs := newBrowser(t, chromium, srv, "marie-nojs")
	nojs.withoutJavaScript(t)
	nojs.login(t, "marie")
	nojs.open(t, "/sheets/"+slug+"/edit")
	if nojs.has(t, ".cm-editor") || !eval[bool](t, nojs, `!!document.getElementById('body').offsetParent`) || eval[bool](t, nojs, `!!document.getElementById('live-editor').offsetParent`) {
		t.Error("without JavaScript the textarea is not the editor, or the live panel shows")
	}
	nojs.setValue(t, "#body", nojs.value(t, "#body")+"\nSans JavaScript.\n")
	if resp := nojs.submit(t, "form.editor .form-actions button[type=submit]:not([name])"); resp.Status != http.StatusOK {
		t.Fatalf("no-JS save: status %d", resp.Status)
	}
	got = srv.api(t, token, http.MethodGet, "/sheets/"+slug, nil, http.StatusOK)
	if body, _ := got["body"].(string); !strings.Contains(body, "Sans JavaScript.") {
		t.Errorf("no-JS saved body %q", body)
	}
	shot.save(t, nojs, "code-editor-04-nojs-1280")
}
