package e2e_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"atlas/internal/media/mediatest"
)

// TestPictureDropAndPaste: a contributor drops a photo on the text of the
// CodeMirror editor, where it fell: the description is asked for, then
// the picture is sent and its Markdown lands at the drop point; a picture
// pasted from the clipboard goes at the cursor, while a clipboard that
// also holds text is left to the editor; the preview and the saved page
// show both. The same with the plain text field (the editor's bundle
// blocked), at 1280 and 375 px.
func TestPictureDropAndPaste(t *testing.T) { onEachDatabase(t, pictureDropJourney) }

// pictureFileJS is a script expression making a File of the given bytes:
// what a person's drop or paste hands the page.
func pictureFileJS(data []byte, name, typ string) string {
	return fmt.Sprintf(`new File([Uint8Array.from(atob(%q), c => c.charCodeAt(0))], %q, {type: %q})`,
		base64.StdEncoding.EncodeToString(data), name, typ)
}

// dropPicture drops the file on the editor (CodeMirror or the textarea)
// where the text holds needle, as a drag from the file manager ends: a
// dragover, then the drop on the element under that point. It says
// whether the page took each (prevented the browser's own handling).
func dropPicture(t *testing.T, b *browser, file, needle string) [2]bool {
	t.Helper()
	got := eval[[]bool](t, b, fmt.Sprintf(`((needle) => {
		const a = document.getElementById('body');
		const e = a.atlasEditor;
		let x, y;
		if (e) {
			const c = e.view.coordsAtPos(e.value().indexOf(needle));
			x = c.left + 1; y = (c.top + c.bottom) / 2;
		} else {
			const r = a.getBoundingClientRect();
			x = r.left + r.width / 2; y = r.top + 10;
		}
		const under = document.elementFromPoint(x, y);
		const dt = new DataTransfer();
		dt.items.add(%s);
		const over = under.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: dt, clientX: x, clientY: y}));
		const drop = under.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: dt, clientX: x, clientY: y}));
		return [!over, !drop];
	})(%q)`, file, needle))
	if len(got) != 2 {
		b.fatalf(t, "drop: %v", got)
	}
	return [2]bool{got[0], got[1]}
}

// pastePicture pastes into the focused element a clipboard holding the
// file, and also text when text is not empty; it says whether the page
// took the paste.
func pastePicture(t *testing.T, b *browser, file, text string) bool {
	t.Helper()
	return eval[bool](t, b, fmt.Sprintf(`((text) => {
		const dt = new DataTransfer();
		if (text) dt.setData('text/plain', text);
		dt.items.add(%s);
		return !document.activeElement.dispatchEvent(new ClipboardEvent('paste', {bubbles: true, cancelable: true, clipboardData: dt}));
	})(%q)`, file, text))
}

// blockEditorBundle keeps this browser from loading the CodeMirror
// bundle, as on an atlas built without npm: the page keeps its textarea.
func (b *browser) blockEditorBundle(t *testing.T) {
	t.Helper()
	b.do(t, "block the editor bundle", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, network.SetBlockedURLs, network.SetBlockedURLsParams{
			URLPatterns: []*network.BlockPattern{{URLPattern: "*://*:*/static/*/vendor/editor/editor.js", Block: true}},
		})
		return err
	}))
}

func mediaCount(t *testing.T, b *browser) int {
	t.Helper()
	return eval[int](t, b, `(() => { const a = document.getElementById('body'); return ((a.atlasEditor ? a.atlasEditor.value() : a.value).match(/\]\(\/media\//g) || []).length; })()`)
}

func waitForMedia(t *testing.T, b *browser, n int) {
	t.Helper()
	waitFor(t, b, fmt.Sprintf("%d pictures in the text", n), fmt.Sprintf(`(() => { const a = document.getElementById('body'); return ((a.atlasEditor ? a.atlasEditor.value() : a.value).match(/\]\(\/media\//g) || []).length === %d; })()`, n), 15*time.Second)
}

// picturesShown waits until the pictures under sel are all loaded and
// returns their descriptions.
func picturesShown(t *testing.T, b *browser, sel string, n int) []string {
	t.Helper()
	waitFor(t, b, fmt.Sprintf("%d pictures in %s", n, sel), fmt.Sprintf(`(() => { const l = [...document.querySelectorAll(%q)]; return l.length === %d && l.every(i => { i.loading = 'eager'; return i.complete && i.naturalWidth > 0; }); })()`, sel, n), 15*time.Second)
	return eval[[]string](t, b, fmt.Sprintf(`[...document.querySelectorAll(%q)].map(i => i.alt)`, sel))
}

func pictureDropJourney(t *testing.T, srv *server) {
	needEditorBundle(t)
	srv.createUsers(t, map[string]string{"marie": "contributor"})
	token := srv.run(t, "", "token", "create", "--username", "marie")
	garden := srv.api(t, token, http.MethodPost, "/sheets", map[string]any{"title": "Jardin des Lilas", "body": "Un jardin partagé.\n\n## Le lieu\n\nDerrière l'école.\n", "summary": "création"}, http.StatusCreated)["slug"].(string)
	seeds := srv.api(t, token, http.MethodPost, "/sheets", map[string]any{"title": "Grainothèque du Bourg", "body": "Des graines à partager.\n\n## Le lieu\n\nÀ la médiathèque.\n", "summary": "création"}, http.StatusCreated)["slug"].(string)
	photo := pictureFileJS(mediatest.JPEG(800, 500, 1), "IMG_0042.JPG", "image/jpeg")
	screenshot := pictureFileJS(mediatest.PNG(640, 400), "capture.png", "image/png")

	shot := newShots(t)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	chromium := startChromium(t, ctx)
	marie := newBrowser(t, chromium, srv, "marie")
	marie.recordCSP(t)
	marie.login(t, "marie")
	marie.open(t, "/sheets/"+garden+"/edit")
	marie.waitFor(t, `[data-md-toolbar] button[data-picture-add]`)
	if !eval[bool](t, marie, `!!document.getElementById('body').atlasEditor`) {
		marie.fatalf(t, "no CodeMirror editor on the edit page")
	}
	if hint := marie.text(t, "#picture-drop-hint"); !strings.Contains(hint, "coller") {
		t.Errorf("the hint under the text %q does not say a picture can be pasted", hint)
	}

	// The caret at the end of the text; the photo dropped on the heading
	// "Le lieu": the description is asked for, and the photo waits.
	caretAt(t, marie, "", 0, 0)
	if taken := dropPicture(t, marie, photo, "## Le lieu"); taken != [2]bool{true, true} {
		t.Fatalf("dragover and drop taken by the page: %v, want both", taken)
	}
	if got := marie.text(t, ".picture-status"); !strings.Contains(got, "description") {
		t.Errorf("status after the drop %q: the description is not asked for", got)
	}
	if id := eval[string](t, marie, `document.activeElement.id`); id != "picture-alt" {
		t.Errorf("focus after the drop on #%s, want the description", id)
	}
	if n := eval[int](t, marie, `document.getElementById('picture-file').files.length`); n != 1 {
		t.Errorf("%d files in the form after the drop", n)
	}
	if n := mediaCount(t, marie); n != 0 {
		t.Errorf("%d pictures in the text before the description", n)
	}
	for _, w := range []int64{1280, 375} {
		marie.viewport(t, w)
		shot.save(t, marie, fmt.Sprintf("picture-drop-01-asked-%d", w))
	}
	marie.viewport(t, 1280)
	marie.setValue(t, "#picture-alt", "Les carrés de potager au printemps")
	marie.click(t, `#pictures form.picture-form button[type=submit]`)
	waitForMedia(t, marie, 1)
	body := editorText(t, marie)
	if !strings.HasPrefix(body, "Un jardin partagé.\n\n![Les carrés de potager au printemps](/media/") || !strings.Contains(body, ")\n\n## Le lieu\n\nDerrière l'école.\n") {
		t.Errorf("the text after the drop on « Le lieu »:\n%q", body)
	}

	// A clipboard of text and a picture (lines copied from a word
	// processor) is the editor's to paste, as text; a picture alone, its
	// description typed first, leaves at once and lands at the cursor.
	caretAt(t, marie, "Derrière l'école.", utf8.RuneCountInString("Derrière l'école."), 0)
	pastePicture(t, marie, screenshot, "\n\nUne cabane.")
	if n := eval[int](t, marie, `document.getElementById('picture-file').files.length`); n != 0 {
		t.Errorf("%d files in the form after pasting text", n)
	}
	if body := editorText(t, marie); !strings.Contains(body, "Derrière l'école.\n\nUne cabane.\n") || mediaCount(t, marie) != 1 {
		t.Errorf("the text after pasting text and a picture together:\n%q", body)
	}
	marie.setValue(t, "#picture-alt", "La cabane à outils")
	caretAt(t, marie, "Une cabane.", utf8.RuneCountInString("Une cabane."), 0)
	if !pastePicture(t, marie, screenshot, "") {
		t.Error("a pasted picture was left to the editor")
	}
	waitForMedia(t, marie, 2)
	body = editorText(t, marie)
	if !strings.Contains(body, "Derrière l'école.\n\nUne cabane.\n\n![La cabane à outils](/media/") || !strings.HasSuffix(body, ")\n") {
		t.Errorf("the text after the paste:\n%q", body)
	}
	if n := eval[int](t, marie, `document.querySelectorAll('[data-picture-list] li img').length`); n != 2 {
		t.Errorf("the editor's list shows %d pictures, want 2", n)
	}
	for _, w := range []int64{1280, 375} {
		marie.viewport(t, w)
		shot.save(t, marie, fmt.Sprintf("picture-drop-02-inserted-%d", w))
	}
	marie.viewport(t, 1280)

	marie.click(t, `[data-editor-modes] button[data-mode="preview"]`)
	if alts := picturesShown(t, marie, ".preview-body img", 2); strings.Join(alts, "|") != "Les carrés de potager au printemps|La cabane à outils" {
		t.Errorf("pictures of the preview %q", alts)
	}
	for _, w := range []int64{1280, 375} {
		marie.viewport(t, w)
		shot.save(t, marie, fmt.Sprintf("picture-drop-03-preview-%d", w))
	}
	marie.viewport(t, 1280)
	marie.click(t, `[data-editor-modes] button[data-mode="write"]`)
	marie.submit(t, `form.editor button[type=submit]:not([name])`)
	if alts := picturesShown(t, marie, ".sheet-body img", 2); strings.Join(alts, "|") != "Les carrés de potager au printemps|La cabane à outils" {
		t.Errorf("pictures of the saved page %q", alts)
	}
	for _, w := range []int64{1280, 375} {
		marie.viewport(t, w)
		eval[bool](t, marie, `(() => { window.scrollTo(0, 0); return true; })()`)
		shot.save(t, marie, fmt.Sprintf("picture-drop-04-page-%d", w))
	}
	marie.noCSPViolation(t, "the editor with pictures dropped and pasted")

	// The plain text field: the same drop and paste, at the caret.
	plain := newBrowser(t, chromium, srv, "marie (sans l'éditeur)")
	plain.blockEditorBundle(t)
	plain.login(t, "marie")
	plain.open(t, "/sheets/"+seeds+"/edit")
	plain.waitFor(t, `[data-md-toolbar] button[data-picture-add]`)
	if eval[bool](t, plain, `!!document.getElementById('body').atlasEditor || document.getElementById('body').hidden`) {
		plain.fatalf(t, "the editor bundle loaded though blocked: no plain text field")
	}
	caretAt(t, plain, "\n", 0, 0)
	if taken := dropPicture(t, plain, photo, ""); taken != [2]bool{true, true} {
		t.Fatalf("plain field: dragover and drop taken by the page: %v, want both", taken)
	}
	if id := eval[string](t, plain, `document.activeElement.id`); id != "picture-alt" {
		t.Errorf("plain field: focus after the drop on #%s, want the description", id)
	}
	plain.setValue(t, "#picture-alt", "Les bocaux de graines")
	plain.click(t, `#pictures form.picture-form button[type=submit]`)
	waitForMedia(t, plain, 1)
	plain.setValue(t, "#picture-alt", "L'étagère de la médiathèque")
	caretAt(t, plain, "À la médiathèque.", utf8.RuneCountInString("À la médiathèque."), 0)
	if !pastePicture(t, plain, screenshot, "") {
		t.Error("plain field: a pasted picture was left to the browser")
	}
	waitForMedia(t, plain, 2)
	body = plain.value(t, "#body")
	if !strings.HasPrefix(body, "Des graines à partager.\n\n![Les bocaux de graines](/media/") || !strings.Contains(body, ")\n\n## Le lieu\n\nÀ la médiathèque.\n\n![L'étagère de la médiathèque](/media/") {
		t.Errorf("plain field: the text after a drop and a paste:\n%q", body)
	}
	for _, w := range []int64{1280, 375} {
		plain.viewport(t, w)
		shot.save(t, plain, fmt.Sprintf("picture-drop-05-plain-%d", w))
	}
	plain.viewport(t, 1280)
	plain.submit(t, `form.editor button[type=submit]:not([name])`)
	if alts := picturesShown(t, plain, ".sheet-body img", 2); strings.Join(alts, "|") != "Les bocaux de graines|L'étagère de la médiathèque" {
		t.Errorf("plain field: pictures of the saved page %q", alts)
	}
	for _, w := range []int64{1280, 375} {
		plain.viewport(t, w)
		eval[bool](t, plain, `(() => { window.scrollTo(0, 0); return true; })()`)
		shot.save(t, plain, fmt.Sprintf("picture-drop-06-plain-page-%d", w))
	}
}
