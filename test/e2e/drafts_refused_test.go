package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestDraftsKeepWhatIsTypedWhenRefused: (a) a save refused by a conflict
// keeps what was typed as the account's draft, leaving the conflict screen
// asks first, and reopening the editor offers that text; (b) two tabs
// autosaving the same sheet do not write over each other: the second is
// told, keeps its text in the browser, and its save leaves the first tab's
// draft in place; (c) the browser copy of a save the server stored is
// dropped because the server says so.
func TestDraftsKeepWhatIsTypedWhenRefused(t *testing.T) { onEachDatabase(t, refusedDraftsJourney) }

// setBody replaces the editor's text as typing would.
func setBody(t *testing.T, b *browser, text string) {
	t.Helper()
	eval[bool](t, b, fmt.Sprintf(`(() => { const b = document.getElementById('body'); b.value = %q; b.dispatchEvent(new Event('input', {bubbles: true})); return true; })()`, text))
}

func refusedDraftsJourney(t *testing.T, srv *server) {
	srv.createUsers(t, map[string]string{"marie": "contributor", "yann": "contributor"})
	token := srv.run(t, "", "token", "create", "--username", "marie")
	other := srv.run(t, "", "token", "create", "--username", "yann")
	body := "## La communauté\n\nUne vingtaine de voisins du quartier.\n\n## Les ressources\n\nDes parcelles et une grainothèque.\n"
	created := srv.api(t, token, http.MethodPost, "/sheets", map[string]any{"title": "Jardin du Moulin", "body": body, "summary": "création"}, http.StatusCreated)
	slug, _ := created["slug"].(string)
	edit := "/sheets/" + slug + "/edit"
	draft := "/sheets/" + slug + "/draft"
	shot := newShots(t)

	ctx, cancel := context.WithTimeout(context.Background(), 2*testTimeout)
	defer cancel()
	chromium := startChromium(t, ctx)
	marie := newBrowser(t, chromium, srv, "marie")
	marie.login(t, "marie")
	asked := marie.acceptLeaving(t)

	// (a) Yann saves the same sentence meanwhile; marie saves at once,
	// before any autosave: a conflict. Marie edits the section: the whole
	// sheet's editor writes live, and would take Yann's version in.
	if st := marie.open(t, edit+"?section=1"); st != http.StatusOK {
		t.Fatalf("GET %s?section=1: %d", edit, st)
	}
	section := marie.value(t, "#body")
	if !strings.HasPrefix(section, "## La communauté") || strings.Contains(section, "## Les ressources") {
		t.Fatalf("the section's editor holds:\n%s", section)
	}
	srv.api(t, other, http.MethodPut, "/sheets/"+slug, map[string]any{"base": 1, "title": "Jardin du Moulin", "body": strings.Replace(body, "vingtaine", "dizaine", 1)}, http.StatusOK)
	typed := strings.Replace(body, "Une vingtaine", "Une bonne trentaine", 1)
	setBody(t, marie, strings.Replace(section, "Une vingtaine", "Une bonne trentaine", 1))
	marie.typeInto(t, "#summary", "plus de monde")
	resp := marie.submit(t, "form.editor button[type=submit]")
	if resp.Status != http.StatusConflict {
		t.Fatalf("conflicting save: %d:\n%s", resp.Status, marie.pageText(t))
	}
	kept := srv.api(t, token, http.MethodGet, draft, nil, http.StatusOK)
	if kept["body"] != typed || kept["summary"] != "plus de monde" {
		t.Errorf("the conflict kept as draft: %v", kept)
	}
	shotWidths(t, shot, marie, "conflict-kept", "form.editor")
	before := asked.Load()
	marie.open(t, "/")
	if asked.Load() == before {
		t.Error("leaving the conflict screen did not ask first")
	}
	marie.open(t, edit)
	if !marie.has(t, "#draft-offer") || !strings.Contains(marie.text(t, "#draft-offer"), "bonne trentaine") {
		marie.fatalf(t, "the text typed before the conflict is not offered:\n%s", marie.pageText(t))
	}
	if marie.has(t, "#draft-local:not([hidden])") {
		t.Error("the browser offers a copy the server holds")
	}

	// (b) Two tabs resume that draft; the first autosaves, then the second.
	tab1 := marie.tab(t, "marie (tab 1)")
	tab1.open(t, edit+"?draft=1")
	tab2 := marie.tab(t, "marie (tab 2)")
	tab2.open(t, edit+"?draft=1")
	caretAtEnd(t, tab1)
	tab1.keys(t, "Écrit dans le premier onglet.\n")
	waitFor(t, tab1, "the first tab's autosave", `document.getElementById('draft-status').textContent.includes('Brouillon enregistré')`, 15*time.Second)
	// The second tab goes back to the sentence as it was, and adds a line.
	setBody(t, tab2, body+"Écrit dans le second onglet.\n")
	waitFor(t, tab2, "the second tab's refusal", `document.getElementById('draft-status').textContent.includes('modifié dans un autre onglet')`, 15*time.Second)
	shotWidths(t, shot, tab2, "other-tab", "#draft-status")
	if got := srv.api(t, token, http.MethodGet, draft, nil, http.StatusOK)["body"].(string); !strings.Contains(got, "premier onglet") || strings.Contains(got, "second onglet") {
		t.Errorf("the second tab wrote over the first one's draft:\n%s", got)
	}
	key := eval[string](t, tab2, `document.getElementById('draft-status').dataset.key`)
	if !eval[bool](t, tab2, fmt.Sprintf(`(JSON.parse(localStorage.getItem(%q) || '{}').fields || []).some(f => f[0] === 'body' && f[1].includes('second onglet'))`, key)) {
		t.Errorf("the second tab's text is not kept in the browser")
	}
	// The second tab saves (a merge onto yann's version): the first tab's
	// draft stays, and the browser copy that save stored is dropped. The
	// first tab is closed first: both write live in one session, and an
	// open first tab would keep its own browser copy of the shared text.
	tab1.close()
	resp = tab2.submit(t, "form.editor button[type=submit]")
	if resp.Status != http.StatusOK || tab2.path(t) != "/sheets/"+slug {
		t.Fatalf("second tab's save: %d at %s:\n%s", resp.Status, tab2.path(t), tab2.pageText(t))
	}
	if got := srv.api(t, token, http.MethodGet, draft, nil, http.StatusOK)["body"].(string); !strings.Contains(got, "premier onglet") {
		t.Errorf("the second tab's save spent the first one's draft:\n%s", got)
	}
	tab2.open(t, edit)
	if !tab2.has(t, "#draft-offer") {
		t.Error("the first tab's draft is not offered after the second tab saved")
	}
	if tab2.has(t, "#draft-local:not([hidden])") || eval[bool](t, tab2, fmt.Sprintf(`localStorage.getItem(%q) !== null`, key)) {
		t.Errorf("the browser copy of a stored save is kept or offered")
	}
	shot.save(t, tab2, "drafts-after-other-tab-1280")
	tab2.close()
}
