package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// replaceOnce swaps one known passage of a text, failing loudly when the
// passage is gone, so a changed template cannot make a step silently no-op.
func replaceOnce(t *testing.T, text, old, new string) string {
	t.Helper()
	if strings.Count(text, old) != 1 {
		t.Fatalf("expected %q exactly once in:\n%s", old, text)
	}
	return strings.Replace(text, old, new, 1)
}

func wantFlash(t *testing.T, b *browser, want string) {
	t.Helper()
	if !b.has(t, ".flash") {
		b.fatalf(t, "no flash message, want one containing %q; page:\n%s", want, b.pageText(t))
	}
	if got := b.text(t, ".flash"); !strings.Contains(got, want) {
		b.fatalf(t, "flash = %q, want it to contain %q", got, want)
	}
}

// wantNoFlash guards against a message of an earlier form post showing up
// again on a later page.
func wantNoFlash(t *testing.T, b *browser, where string) {
	t.Helper()
	if b.has(t, ".flash") {
		t.Errorf("%s: %s shows a stale flash message from an earlier action: %q", b.name, where, b.text(t, ".flash"))
	}
}

// TestBrowserJourney follows a sheet from creation to its validation by
// the board, through section edits, a merge, a conflict and a diff, each
// person in their own browser.
func TestBrowserJourney(t *testing.T) { onEachDatabase(t, browserJourney) }

func browserJourney(t *testing.T, srv *server) {
	// Step times in the -v output show where a slow run spends its budget.
	start := time.Now()
	step := func(name string) { t.Logf("step %s at %v", name, time.Since(start).Round(time.Millisecond)) }
	step("server up")
	srv.createUsers(t, map[string]string{
		"marie": "contributor", "yann": "contributor", "anne": "contributor",
		"bleuenn": "contributor", "corentin": "contributor", "gwen": "admin",
	})
	shot := newShots(t)
	// The clock starts once the binary is built and the accounts exist: a
	// cold build cache must not eat the browser's time.
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	step("accounts created")
	chromium := startChromium(t, ctx)

	step("1")
	// 1. Marie logs in.
	marie := newBrowser(t, chromium, srv, "marie")
	marie.login(t, "marie")
	wantFlash(t, marie, "connecté")
	shot.take(t, marie, "login")

	step("2")
	// 2. A new sheet from the template.
	const title = "Jardin partagé de Recouvrance"
	if st := marie.open(t, "/sheets/new"); st != http.StatusOK {
		t.Fatalf("GET /sheets/new: status %d", st)
	}
	body := marie.value(t, "#body")
	if !strings.Contains(body, "## La communauté") {
		t.Fatalf("the new sheet's body is not the question grid:\n%s", body)
	}
	marie.typeInto(t, "#title", title)
	body = replaceOnce(t, body, "### Qui sont les membres ?\n\n",
		"### Qui sont les membres ?\n\nUne vingtaine de voisins du quartier de Recouvrance.\n")
	// A section with an answer: readers see it, and its "modifier" link.
	body = replaceOnce(t, body, "### Comment sont-elles utilisées ?\n\n",
		"### Comment sont-elles utilisées ?\n\nChaque foyer cultive sa parcelle.\n")
	marie.setValue(t, "#body", body)
	marie.typeInto(t, "#summary", "création de la fiche")
	marie.click(t, "#cat-jardins-nature")
	shot.take(t, marie, "new-sheet")
	resp := marie.submit(t, "form.editor button[type=submit]")
	if resp.Status != http.StatusOK {
		t.Fatalf("create sheet: status %d:\n%s", resp.Status, marie.pageText(t))
	}
	m := regexp.MustCompile(`^/sheets/([a-z0-9-]+)$`).FindStringSubmatch(marie.path(t))
	if m == nil {
		t.Fatalf("after creating, at %s, want /sheets/{slug}:\n%s", marie.path(t), marie.pageText(t))
	}
	slug := m[1]
	sheetPath := "/sheets/" + slug
	if got := marie.text(t, "h1"); got != title {
		t.Errorf("sheet h1 = %q, want %q", got, title)
	}
	if !strings.Contains(marie.pageText(t), "Brouillon non validé") {
		t.Errorf("a new sheet should say %q:\n%s", "Brouillon non validé", marie.pageText(t))
	}
	if !strings.Contains(marie.text(t, ".sheet-body"), "Une vingtaine de voisins") {
		t.Errorf("the added sentence is not on the sheet page")
	}
	shot.take(t, marie, "sheet-created")

	step("3")
	// 3. Edit one section through the contents' "modifier" link.
	href := eval[string](t, marie, `(() => {
		for (const li of document.querySelectorAll('nav.toc li')) {
			const a = li.querySelector('a'), edit = li.querySelector('a[href*="/edit?section="]');
			if (a && edit && a.textContent.trim() === 'Les ressources') return edit.getAttribute('href');
		}
		return '';
	})()`)
	if href == "" {
		t.Fatal(`no "modifier" link for "Les ressources" in the table of contents`)
	}
	if got := marie.text(t, `nav.toc a[href="`+href+`"]`); got != "modifier" {
		t.Errorf("section edit link text = %q, want %q", got, "modifier")
	}
	marie.submit(t, `nav.toc a[href="`+href+`"]`)
	section := marie.value(t, "#body")
	if !strings.HasPrefix(section, "## Les ressources") {
		t.Fatalf("section editor holds:\n%s\nwant the section \"Les ressources\" only", section)
	}
	if strings.Contains(section, "## La communauté") {
		t.Errorf("section editor holds other sections too:\n%s", section)
	}
	marie.setValue(t, "#body", replaceOnce(t, section, "### Quelles sont-elles ?\n\n",
		"### Quelles sont-elles ?\n\nDes parcelles cultivées en commun et une grainothèque.\n"))
	marie.typeInto(t, "#summary", "les ressources")
	shot.take(t, marie, "edit-section")
	if resp := marie.submit(t, "form.editor button[type=submit]"); resp.Status != http.StatusOK {
		t.Fatalf("save section: status %d", resp.Status)
	}
	wantFlash(t, marie, "enregistrée")
	if !strings.Contains(marie.text(t, ".sheet-body"), "une grainothèque") {
		t.Errorf("the section edit is not on the sheet page")
	}
	shot.take(t, marie, "section-saved")

	step("4a")
	// 4a. Two editors open at once, different sections: merged. Yann has
	// no JavaScript: with it on both sides they would write live together
	// (TestLiveCoWriting) and never meet a merge or a conflict.
	yann := newBrowser(t, chromium, srv, "yann")
	yann.withoutJavaScript(t)
	yann.login(t, "yann")
	marie.open(t, sheetPath+"/edit")
	wantNoFlash(t, marie, "the editor opened after saving")
	yann.open(t, sheetPath+"/edit")
	marie.setValue(t, "#body", replaceOnce(t, marie.value(t, "#body"),
		"Une vingtaine de voisins", "Une trentaine de voisins"))
	marie.typeInto(t, "#summary", "effectif")
	marie.submit(t, "form.editor button[type=submit]")
	wantFlash(t, marie, "enregistrée")
	shot.take(t, marie, "concurrent-marie-saved")

	yann.setValue(t, "#body", replaceOnce(t, yann.value(t, "#body"),
		"Des parcelles cultivées en commun et une grainothèque.",
		"Des parcelles cultivées en commun, une grainothèque et un composteur."))
	yann.typeInto(t, "#summary", "composteur")
	if resp := yann.submit(t, "form.editor button[type=submit]"); resp.Status != http.StatusOK {
		t.Fatalf("yann's stale save: status %d:\n%s", resp.Status, yann.pageText(t))
	}
	wantFlash(t, yann, "fusionnés")
	merged := yann.text(t, ".sheet-body")
	if !strings.Contains(merged, "Une trentaine de voisins") || !strings.Contains(merged, "un composteur") {
		t.Errorf("merged sheet lacks one of the two edits:\n%s", merged)
	}
	shot.take(t, yann, "concurrent-yann-merged")

	step("4b")
	// 4b. Same line changed by both: conflict, Yann's text kept intact.
	marie.open(t, sheetPath+"/edit")
	yann.open(t, sheetPath+"/edit")
	// Marie's live editor takes in Yann's version, saved outside it, first.
	token := srv.run(t, "", "token", "create", "--username", "marie")
	head := fmt.Sprint(srv.api(t, token, http.MethodGet, "/sheets/"+slug, nil, http.StatusOK)["head"])
	waitFor(t, marie, "the editor on version "+head, `document.querySelector('input[name=base]').value === '`+head+`'`, 10*time.Second)
	const line = "Une trentaine de voisins du quartier de Recouvrance."
	marie.setValue(t, "#body", replaceOnce(t, marie.value(t, "#body"), line,
		"Une trentaine de voisins et deux écoles du quartier."))
	marie.typeInto(t, "#summary", "les écoles")
	marie.submit(t, "form.editor button[type=submit]")
	wantFlash(t, marie, "enregistrée")

	yannText := replaceOnce(t, yann.value(t, "#body"), line, "Une quarantaine d'habitants de Recouvrance, jeunes et anciens.")
	yann.setValue(t, "#body", yannText)
	yann.typeInto(t, "#summary", "habitants")
	resp = yann.submit(t, "form.editor button[type=submit]")
	if resp.Status != http.StatusConflict {
		t.Errorf("conflicting save: status %d, want 409", resp.Status)
	}
	if !yann.has(t, "#conflict-title") {
		t.Fatalf("no conflict screen:\n%s", yann.pageText(t))
	}
	if got := yann.text(t, "#conflict-title"); got != "Conflit de modification" {
		t.Errorf("conflict heading = %q, want %q", got, "Conflit de modification")
	}
	wantNoFlash(t, yann, "the conflict screen")
	if got := yann.value(t, "#body"); got != yannText {
		t.Errorf("conflict editor does not hold Yann's text exactly:\ngot:\n%q\nwant:\n%q", got, yannText)
	}
	shot.take(t, yann, "conflict")

	step("5")
	// 5. History: compare two chosen versions, inline then side by side.
	marie.open(t, sheetPath+"/history")
	last := eval[int](t, marie, `Math.max(...[...document.querySelectorAll('input[name=to]')].map(i => +i.value))`)
	if last < 5 {
		t.Fatalf("history lists %d versions, want at least 5", last)
	}
	marie.click(t, "#from-1")
	marie.click(t, "#to-"+strconv.Itoa(last))
	shot.take(t, marie, "history")
	if got := marie.text(t, "form.history-form button[type=submit]"); got != "Comparer les versions choisies" {
		t.Errorf("compare button = %q", got)
	}
	marie.submit(t, "form.history-form button[type=submit]")
	if p := marie.path(t); !strings.Contains(p, "from=1") || !strings.Contains(p, "to="+strconv.Itoa(last)) {
		t.Errorf("compare went to %s, want from=1 and to=%d", p, last)
	}
	for _, sel := range []string{"main ins", "main del"} {
		if !marie.has(t, sel) {
			t.Errorf("inline diff has no %s", sel)
		}
	}
	wantNoFlash(t, marie, "the diff page")
	shot.take(t, marie, "diff-inline")
	sideLink := `main a[href*="view=side"]`
	if got := marie.text(t, sideLink); got != "Affichage côte à côte" {
		t.Errorf("side-by-side link = %q", got)
	}
	marie.submit(t, sideLink)
	for _, sel := range []string{"table.diff-side", "table.diff-side ins", "table.diff-side del"} {
		if !marie.has(t, sel) {
			t.Errorf("side-by-side diff has no %s", sel)
		}
	}
	shot.take(t, marie, "diff-side")

	step("6")
	// 6. The board: the admin seats three members, Marie submits, two of
	// three approve and the review closes.
	admin := newBrowser(t, chromium, srv, "gwen")
	admin.login(t, "gwen")
	if st := admin.open(t, sheetPath+"/board"); st != http.StatusOK {
		t.Fatalf("GET board: status %d", st)
	}
	for _, u := range []string{"anne", "bleuenn", "corentin"} {
		admin.click(t, "#member-"+u)
	}
	shot.take(t, admin, "board")
	admin.submit(t, `form[action$="/board"] button[type=submit]`)
	wantFlash(t, admin, "conseil")
	if box := admin.text(t, ".board-box"); !strings.Contains(box, "anne") || !strings.Contains(box, "corentin") {
		t.Errorf("board box after saving: %q", box)
	}
	admin.close()

	marie.open(t, sheetPath)
	submitBtn := `form[action$="/reviews"] button[type=submit]`
	if !marie.has(t, "#review-note") {
		t.Fatalf("no submission form on the sheet page:\n%s", marie.pageText(t))
	}
	if got := marie.text(t, submitBtn); got != "Soumettre au CA" {
		t.Errorf("submit button = %q", got)
	}
	marie.typeInto(t, "#review-note", "La fiche est complète pour la communauté et les ressources.")
	marie.submit(t, submitBtn)
	reviewPath := marie.path(t)
	if !regexp.MustCompile(`^/sheets/` + slug + `/reviews/\d+$`).MatchString(reviewPath) {
		t.Fatalf("after submitting, at %s, want the review page", reviewPath)
	}
	wantFlash(t, marie, "soumise")
	shot.take(t, marie, "submitted")

	for i, member := range []string{"anne", "bleuenn"} {
		b := newBrowser(t, chromium, srv, member)
		b.login(t, member)
		b.open(t, reviewPath)
		approve := `button[name=choice][value=approve]`
		if !b.has(t, approve) {
			t.Fatalf("%s sees no vote buttons:\n%s", member, b.pageText(t))
		}
		if got := b.text(t, approve); got != "Pour" {
			t.Errorf("approve button = %q, want %q", got, "Pour")
		}
		b.submit(t, approve)
		wantFlash(t, b, "vote")
		state := b.text(t, ".review-summary .badge")
		if i == 0 && state == "validée" {
			t.Errorf("validated after one vote of three")
		}
		if i == 1 && state != "validée" {
			t.Errorf("after two approvals of three, state = %q, want %q", state, "validée")
		}
		shot.take(t, b, "vote-"+member)
		b.close()
	}

	corentin := newBrowser(t, chromium, srv, "corentin")
	corentin.login(t, "corentin")
	corentin.open(t, reviewPath)
	if corentin.has(t, "button[name=choice]") {
		t.Errorf("the third member can still vote on a closed review")
	}
	if got := corentin.text(t, ".review-summary .badge"); got != "validée" {
		t.Errorf("review state seen by the third member = %q, want %q", got, "validée")
	}
	shot.take(t, corentin, "review-closed")
	corentin.close()

	step("7")
	// 7. A reader sees the validated version.
	reader := newBrowser(t, chromium, srv, "reader")
	if st := reader.open(t, sheetPath); st != http.StatusOK {
		t.Fatalf("reader GET sheet: status %d", st)
	}
	page := reader.pageText(t)
	if !strings.Contains(page, "Validée par le CA le") {
		t.Errorf("reader page lacks %q:\n%s", "Validée par le CA le", page)
	}
	if strings.Contains(page, "Brouillon non validé") {
		t.Errorf("reader page still says %q", "Brouillon non validé")
	}
	if !strings.Contains(reader.text(t, ".sheet-body"), "Une trentaine de voisins et deux écoles du quartier.") {
		t.Errorf("reader does not see the validated text")
	}
	if reader.has(t, `form[action="/logout"]`) {
		t.Errorf("the reader is logged in")
	}
	shot.take(t, reader, "reader")
	step("done")
}
