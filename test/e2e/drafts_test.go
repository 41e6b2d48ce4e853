package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// tab opens another tab in the same browser context as b: same cookies,
// same storage, as a person's second tab.
func (b *browser) tab(t *testing.T, name string) *browser {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("%s: new tab: %v", name, err)
	}
	return &browser{name: name, ctx: ctx, srv: b.srv, close: cancel}
}

// caretAtEnd puts the caret at the end of the editor's text, where a
// person adds a paragraph.
func caretAtEnd(t *testing.T, b *browser) {
	t.Helper()
	caretAt(t, b, "", 0, 0)
}

// waitFor polls a JavaScript condition until it holds.
func waitFor(t *testing.T, b *browser, what, js string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !eval[bool](t, b, js) {
		if time.Now().After(deadline) {
			b.fatalf(t, "waited %v for %s; page:\n%s", within, what, b.pageText(t))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// shotWidths saves a screenshot at 1280 and at 375 px and checks that the
// element sel fits the narrow viewport.
func shotWidths(t *testing.T, s *shots, b *browser, name, sel string) {
	t.Helper()
	for _, w := range []int64{1280, 375} {
		b.do(t, fmt.Sprintf("viewport %d", w), chromedp.EmulateViewport(w, 900))
		s.save(t, b, fmt.Sprintf("drafts-%s-%d", name, w))
		if w == 375 {
			right := eval[float64](t, b, fmt.Sprintf("document.querySelector(%q).getBoundingClientRect().right", sel))
			if right > 375.5 {
				t.Errorf("%s: %s reaches %.0f px at a 375 px viewport", name, sel, right)
			}
		}
	}
	b.do(t, "viewport back", chromedp.EmulateViewport(1280, 900))
}

// TestDraftsKeepWhatIsTyped: (a) text typed in the editor is saved as a
// draft, survives the tab being closed and is offered, with its
// difference, when the editor is opened again; a copy left in the browser
// while the network was down is offered too; leaving a changed editor
// asks first. (b) A save refused because the session ended in another tab
// keeps the text and summary through login, without JavaScript's help,
// and then saves.
func TestDraftsKeepWhatIsTyped(t *testing.T) { onEachDatabase(t, draftsJourney) }

func draftsJourney(t *testing.T, srv *server) {
	srv.createUsers(t, map[string]string{"marie": "contributor"})
	token := srv.run(t, "", "token", "create", "--username", "marie")
	body := "## La communauté\n\nUne vingtaine de voisins du quartier.\n\n## Les ressources\n\nDes parcelles et une grainothèque.\n"
	created := srv.api(t, token, http.MethodPost, "/sheets", map[string]any{
		"title": "Jardin partagé de Kerinou", "body": body, "summary": "création",
	}, http.StatusCreated)
	slug, _ := created["slug"].(string)
	edit := "/sheets/" + slug + "/edit"
	shot := newShots(t)

	ctx, cancel := context.WithTimeout(context.Background(), 2*testTimeout)
	defer cancel()
	chromium := startChromium(t, ctx)
	marie := newBrowser(t, chromium, srv, "marie")
	marie.login(t, "marie")

	// (a) Type in a tab, wait for the autosave, close the tab.
	first := marie.tab(t, "marie (tab 1)")
	if st := first.open(t, edit); st != http.StatusOK {
		t.Fatalf("GET %s: %d", edit, st)
	}
	if first.has(t, "#draft-offer") {
		t.Fatal("a draft is offered before anything was typed")
	}
	caretAtEnd(t, first)
	first.keys(t, "Un four à pain collectif.\n")
	first.typeInto(t, "#summary", "le four")
	typed := first.value(t, "#body")
	if !strings.HasSuffix(typed, "Un four à pain collectif.\n") {
		t.Fatalf("typed text not at the end:\n%s", typed)
	}
	waitFor(t, first, "the autosave", `document.getElementById('draft-status').textContent.includes('Brouillon enregistré')`, 15*time.Second)
	key := eval[string](t, first, `document.getElementById('draft-status').dataset.key`)
	if eval[bool](t, first, fmt.Sprintf(`localStorage.getItem(%q) !== null`, key)) {
		t.Errorf("a copy the server has lingers in localStorage under %s", key)
	}
	first.close() // closing a tab runs no beforeunload handler

	// Reopen the editor: the draft is offered with its diff, then resumed.
	if st := marie.open(t, edit); st != http.StatusOK {
		t.Fatalf("reopen %s: %d", edit, st)
	}
	if !marie.has(t, "#draft-offer") {
		marie.fatalf(t, "no draft offered on reopening:\n%s", marie.pageText(t))
	}
	offer := marie.text(t, "#draft-offer")
	for _, want := range []string{"Reprendre mon brouillon du", "Un four à pain collectif."} {
		if !strings.Contains(offer, want) {
			t.Errorf("the draft banner lacks %q:\n%s", want, offer)
		}
	}
	if !marie.has(t, "#draft-offer .diff ins") {
		t.Error("the draft banner shows no inserted text")
	}
	if marie.has(t, "#draft-local:not([hidden])") {
		t.Error("a synced copy is offered again from the browser")
	}
	shotWidths(t, shot, marie, "banner", "#draft-offer")
	marie.submit(t, "#draft-resume")
	if got := marie.value(t, "#body"); got != typed {
		t.Errorf("resumed body:\n%q\nwant\n%q", got, typed)
	}
	if got := marie.value(t, "#summary"); got != "le four" {
		t.Errorf("resumed summary %q", got)
	}
	shot.save(t, marie, "drafts-resumed-1280")

	// The network goes down: the text is kept in the browser only.
	second := marie.tab(t, "marie (tab 2)")
	second.open(t, edit+"?draft=1")
	if _, err := chromedp.Call(second.ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(second.ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		MatchedNetworkConditions: []*network.Conditions{{Offline: true, DownloadThroughput: -1, UploadThroughput: -1}},
	}); err != nil {
		t.Fatalf("going offline: %v", err)
	}
	caretAtEnd(t, second)
	second.keys(t, "Écrit hors ligne.\n")
	offline := second.value(t, "#body")
	waitFor(t, second, "the offline notice", `document.getElementById('draft-status').textContent.includes('ne répond pas')`, 15*time.Second)
	if !eval[bool](t, second, fmt.Sprintf(`(JSON.parse(localStorage.getItem(%q) || '{}').fields || []).some(f => f[0] === 'body' && f[1].includes('Écrit hors ligne.'))`, key)) {
		t.Errorf("the offline text is not kept in localStorage under %s", key)
	}
	second.close()
	if st := marie.open(t, edit); st != http.StatusOK {
		t.Fatalf("reopen after offline: %d", st)
	}
	waitFor(t, marie, "the browser copy's offer", `!document.getElementById('draft-local').hidden`, 5*time.Second)
	if got := marie.text(t, "#draft-local"); !strings.Contains(got, "Une copie plus récente de votre texte") {
		t.Errorf("browser copy offer: %q", got)
	}
	shotWidths(t, shot, marie, "local-copy", "#draft-local")
	marie.click(t, "#draft-local-resume")
	if got := marie.value(t, "#body"); got != offline {
		t.Errorf("browser copy resumed:\n%q\nwant\n%q", got, offline)
	}
	waitFor(t, marie, "the resumed copy's autosave", `document.getElementById('draft-status').textContent.includes('Brouillon enregistré')`, 15*time.Second)

	// Leaving a changed editor asks first; the question can be declined.
	asked := marie.acceptLeaving(t)
	marie.open(t, "/")
	if asked.Load() == 0 {
		t.Error("leaving a changed editor did not ask first")
	}

	// (b) The editor open in one tab, a logout in another.
	if st := marie.open(t, edit+"?draft=1"); st != http.StatusOK {
		t.Fatalf("editor: %d", st)
	}
	other := marie.tab(t, "marie (tab 3)")
	other.open(t, "/")
	other.submit(t, `form[action="/logout"] button`)
	other.close()
	caretAtEnd(t, marie)
	marie.keys(t, "Ajouté après la déconnexion.\n")
	eval[bool](t, marie, `(() => { document.getElementById('summary').value = ''; return true; })()`)
	marie.typeInto(t, "#summary", "texte sauvé")
	final := marie.value(t, "#body")
	before := asked.Load()
	resp := marie.submit(t, "form.editor button[type=submit]")
	if resp.Status != http.StatusForbidden || !strings.HasPrefix(marie.path(t), edit) {
		t.Fatalf("save after logout: status %d at %s:\n%s", resp.Status, marie.path(t), marie.pageText(t))
	}
	if asked.Load() != before {
		t.Error("submitting the editor asked before leaving")
	}
	if got := marie.text(t, "#kept-notice"); !strings.Contains(got, "Votre session a pris fin ; connectez-vous pour enregistrer votre texte, il est conservé") {
		t.Errorf("login page notice: %q", got)
	}
	shotWidths(t, shot, marie, "login-kept", "form[action='/login']")
	marie.typeInto(t, "#username", "marie")
	marie.typeInto(t, "#password", password)
	resp = marie.submit(t, `form[action="/login"] button[type=submit]`)
	if resp.Status != http.StatusOK || marie.path(t) != edit+"?draft=1" {
		t.Fatalf("after login: status %d at %s:\n%s", resp.Status, marie.path(t), marie.pageText(t))
	}
	if got := marie.value(t, "#body"); got != final {
		t.Errorf("body after login:\n%q\nwant\n%q", got, final)
	}
	if got := marie.value(t, "#summary"); got != "texte sauvé" {
		t.Errorf("summary after login %q", got)
	}
	wantFlash(t, marie, "Votre texte est revenu")
	shot.save(t, marie, "drafts-after-login-1280")
	resp = marie.submit(t, "form.editor button[type=submit]")
	if resp.Status != http.StatusOK || marie.path(t) != "/sheets/"+slug {
		t.Fatalf("save after login: status %d at %s:\n%s", resp.Status, marie.path(t), marie.pageText(t))
	}
	wantFlash(t, marie, "enregistrée")
	if text := marie.text(t, ".sheet-body"); !strings.Contains(text, "Ajouté après la déconnexion.") || !strings.Contains(text, "Écrit hors ligne.") {
		t.Errorf("the saved sheet lacks the typed text:\n%s", text)
	}
	// The save spent the draft: the editor offers nothing now.
	marie.open(t, edit)
	if marie.has(t, "#draft-offer") || marie.has(t, "#draft-local:not([hidden])") {
		t.Errorf("a draft is still offered after saving:\n%s", marie.pageText(t))
	}
}
