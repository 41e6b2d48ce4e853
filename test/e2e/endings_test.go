package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestEndingsInTheBrowser: what a real browser sends (CRLF in every
// textarea) against a sheet written through the API (LF). One word edited
// in the browser is one word in the diff; an API edit and a browser edit of
// different paragraphs merge; and the conflict screen of a section edit,
// saved as shown, keeps the other person's title and place and every
// metadata field. On SQLite, and on PostgreSQL when a server answers.
func TestEndingsInTheBrowser(t *testing.T) {
	onEachDatabase(t, func(t *testing.T, srv *server) { endingsJourney(t, srv, databaseOf(t)) })
}

const endingsBody = "Un jardin ouvert à tous, au cœur du quartier.\n\n## La communauté\n\nUne vingtaine de voisins se retrouvent le samedi.\n\nIls partagent les outils et les graines.\n\n## Les ressources\n\nDes parcelles, un composteur et une cabane.\n\n## La gouvernance\n\nUne réunion par mois, ouverte à qui veut.\n"

func endingsMeta(placeName, address string, lat, lon float64) map[string]any {
	return map[string]any{
		"subtitle": "Un jardin de quartier", "categories": []string{"jardins-nature", "semences"}, "tags": []string{"jardin", "graines"},
		"place":   map[string]any{"name": placeName, "address": address, "lat": lat, "lon": lon},
		"website": "https://jardin.example.org", "contact": "jardin@example.org", "legal_status": "association",
	}
}

func endingsJourney(t *testing.T, srv *server, dbName string) {
	srv.createUsers(t, map[string]string{"marie": "contributor", "yann": "contributor"})
	yann := srv.run(t, "", "token", "create", "--username", "yann")
	created := srv.api(t, yann, http.MethodPost, "/sheets", map[string]any{
		"title": "Jardin des Capucins", "body": endingsBody, "summary": "création",
		"meta": endingsMeta("Capucins", "Place des Capucins", 48.383, -4.503),
	}, http.StatusCreated)
	slug := created["slug"].(string)
	sheet := "/sheets/" + slug
	revision := func(n int) map[string]any {
		return srv.api(t, yann, http.MethodGet, fmt.Sprintf("%s/revisions/%d", sheet, n), nil, http.StatusOK)
	}

	shot := newShots(t)
	name := func(s string) string { return "endings-" + dbName + "-" + s }
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	chromium := startChromium(t, ctx)
	marie := newBrowser(t, chromium, srv, "marie")
	marie.login(t, "marie")

	// 1. One word edited in the browser is one word in the diff.
	marie.open(t, sheet+"/edit")
	marie.setValue(t, "#body", replaceOnce(t, marie.value(t, "#body"), "le samedi", "le dimanche"))
	marie.typeInto(t, "#summary", "le jour")
	if resp := marie.submit(t, "form.editor button[type=submit]"); resp.Status != http.StatusOK {
		t.Fatalf("save: status %d:\n%s", resp.Status, marie.pageText(t))
	}
	wantFlash(t, marie, "enregistrée")
	if got, want := revision(2)["body"], strings.Replace(endingsBody, "le samedi", "le dimanche", 1); got != want {
		t.Errorf("stored body %q, want %q (LF, one word changed)", got, want)
	}
	marie.open(t, sheet+"/diff?from=1&to=2")
	ins := eval[[]string](t, marie, `[...document.querySelectorAll('main ins')].map(e => e.textContent)`)
	del := eval[[]string](t, marie, `[...document.querySelectorAll('main del')].map(e => e.textContent)`)
	if len(ins) != 1 || ins[0] != "dimanche" || len(del) != 1 || del[0] != "samedi" {
		t.Errorf("diff page shows inserted %q and deleted %q, want one word each", ins, del)
	}
	stats := srv.api(t, yann, http.MethodGet, sheet+"/diff?from=1&to=2", nil, http.StatusOK)["stats"].(map[string]any)
	if stats["inserted_words"] != 1.0 || stats["deleted_words"] != 1.0 {
		t.Errorf("diff stats %v, want one word each way", stats)
	}
	shot.save(t, marie, name("01-diff-one-word"))

	// 2. An API edit and a browser edit of different paragraphs merge.
	// Marie's stale forms come from a tab without JavaScript (here and in
	// 4): the editor's live co-writing would take the API's version in
	// before she saves, and such a browser sends the text as typed.
	plain := marie.tab(t, "marie (sans JavaScript)")
	plain.withoutJavaScript(t)
	plain.open(t, sheet+"/edit")
	srv.api(t, yann, http.MethodPut, sheet, map[string]any{
		"base": 2, "title": "Jardin des Capucins", "summary": "la serre",
		"body": strings.Replace(strings.Replace(endingsBody, "le samedi", "le dimanche", 1), "une cabane", "une serre", 1),
	}, http.StatusOK)
	plain.setValue(t, "#body", replaceOnce(t, plain.value(t, "#body"), "Ils partagent les outils", "Ils prêtent les outils"))
	plain.typeInto(t, "#summary", "prêter")
	if resp := plain.submit(t, "form.editor button[type=submit]"); resp.Status != http.StatusOK {
		t.Fatalf("stale save: status %d:\n%s", resp.Status, plain.pageText(t))
	}
	wantFlash(t, plain, "fusionn")
	if body := plain.text(t, ".sheet-body"); !strings.Contains(body, "une serre") || !strings.Contains(body, "Ils prêtent les outils") {
		t.Errorf("merged sheet lacks an edit:\n%s", body)
	}
	shot.save(t, plain, name("02-merged"))

	// 3. A section edit conflicts with Yann, who meanwhile changed the
	// title, the place, the same paragraph and another section.
	marie.open(t, sheet+"/edit?section=1")
	if marie.has(t, "#title") || !marie.has(t, `input[name=section][value="1"]`) {
		t.Fatalf("not a section editor:\n%s", marie.pageText(t))
	}
	head := revision(4)["body"].(string)
	srv.api(t, yann, http.MethodPut, sheet, map[string]any{
		"base": 4, "title": "Jardin partagé des Capucins", "summary": "titre, lieu et communauté",
		"body": strings.Replace(strings.Replace(head, "le dimanche.", "chaque dimanche matin.", 1), "Une réunion par mois", "Une assemblée par mois", 1),
		"meta": endingsMeta("Jardin des Capucins", "Rue de la Porte", 48.384, -4.504),
	}, http.StatusOK)
	mine := replaceOnce(t, marie.value(t, "#body"), "Une vingtaine de voisins se retrouvent le dimanche.", "Une trentaine de voisins se retrouvent le dimanche après-midi.")
	marie.setValue(t, "#body", mine)
	marie.typeInto(t, "#summary", "effectif")
	if resp := marie.submit(t, "form.editor button[type=submit]"); resp.Status != http.StatusConflict {
		t.Fatalf("conflicting save: status %d, want 409:\n%s", resp.Status, marie.pageText(t))
	}
	if !marie.has(t, "#conflict-title") {
		t.Fatalf("no conflict screen:\n%s", marie.pageText(t))
	}
	box := marie.text(t, "section.conflict")
	for _, want := range []string{"yann", "titre, lieu et communauté", "La communauté", "après-midi"} {
		if !strings.Contains(box, want) {
			t.Errorf("conflict screen lacks %q:\n%s", want, box)
		}
	}
	if !marie.has(t, fmt.Sprintf(`section.conflict a[href="%s/revisions/5"]`, sheet)) || !marie.has(t, fmt.Sprintf(`section.conflict a[href="%s/diff?from=4&to=5"]`, sheet)) {
		t.Errorf("conflict screen does not link to Yann's version and its diff")
	}
	if marie.has(t, "#title") || marie.has(t, "#subtitle") || !marie.has(t, `input[name=section][value="1"]`) || !marie.has(t, `input[name=base][value="5"]`) {
		t.Errorf("the conflict screen is no longer the section edit from version 5")
	}
	if got := marie.value(t, "#body"); !strings.Contains(got, "Une trentaine de voisins se retrouvent le dimanche après-midi.") || strings.Contains(got, "## La gouvernance") {
		t.Errorf("section editor on the conflict screen holds:\n%s", got)
	}
	if got := marie.value(t, "#summary"); got != "effectif" {
		t.Errorf("summary on the conflict screen: %q", got)
	}
	shot.save(t, marie, name("03-conflict-1280"))
	marie.do(t, "phone width", chromedp.EmulateViewport(375, 800, chromedp.EmulateMobile))
	if w := eval[int](t, marie, "document.documentElement.scrollWidth"); w > 375 {
		t.Errorf("conflict screen is %d px wide at 375 px", w)
	}
	shot.save(t, marie, name("04-conflict-375"))
	marie.do(t, "desktop width", chromedp.EmulateViewport(1280, 900))

	// Saved as shown: Yann's title, place and other section stay, every
	// metadata field stays, Marie's paragraph wins where they overlapped.
	if resp := marie.submit(t, "form.editor button[type=submit]"); resp.Status != http.StatusOK {
		t.Fatalf("saving the conflict screen: status %d:\n%s", resp.Status, marie.pageText(t))
	}
	wantFlash(t, marie, "enregistrée")
	if got := marie.text(t, "h1"); got != "Jardin partagé des Capucins" {
		t.Errorf("title after the conflict: %q", got)
	}
	page := marie.pageText(t)
	for _, want := range []string{"Jardin des Capucins", "Un jardin de quartier", "jardin@example.org", "association", "Une trentaine de voisins se retrouvent le dimanche après-midi.", "Une assemblée par mois", "une serre", "Ils prêtent les outils"} {
		if !strings.Contains(page, want) {
			t.Errorf("sheet page after the conflict lacks %q", want)
		}
	}
	shot.save(t, marie, name("05-after-conflict"))
	rev := revision(6)
	meta := rev["meta"].(map[string]any)
	place := meta["place"].(map[string]any)
	if rev["title"] != "Jardin partagé des Capucins" || place["name"] != "Jardin des Capucins" || place["address"] != "Rue de la Porte" ||
		meta["subtitle"] != "Un jardin de quartier" || len(meta["categories"].([]any)) != 2 || len(meta["tags"].([]any)) != 2 ||
		meta["website"] != "https://jardin.example.org" || meta["contact"] != "jardin@example.org" || meta["legal_status"] != "association" {
		t.Errorf("revision 6 lost someone's work: title %q meta %v", rev["title"], meta)
	}
	if body := rev["body"].(string); strings.Contains(body, "\r") || strings.Contains(body, "chaque dimanche matin") {
		t.Errorf("revision 6 body: %q", body)
	}

	// 4. The whole sheet: Marie changes the subtitle, the contact and a
	// paragraph; Yann meanwhile the title, the place and that paragraph.
	// The screen's form holds his title and place with her fields.
	plain.open(t, sheet+"/edit")
	head = revision(6)["body"].(string)
	srv.api(t, yann, http.MethodPut, sheet, map[string]any{
		"base": 6, "title": "Jardin partagé du plateau des Capucins", "summary": "nom du jardin",
		"body": strings.Replace(head, "Une assemblée par mois", "Une assemblée chaque mois", 1),
		"meta": endingsMeta("Jardin des Capucins", "1 rue de la Porte", 48.384, -4.504),
	}, http.StatusOK)
	plain.setValue(t, "#body", replaceOnce(t, plain.value(t, "#body"), "Une assemblée par mois", "Une assemblée tous les mois"))
	plain.setValue(t, "#subtitle", "Le jardin du plateau")
	plain.setValue(t, "#contact", "bonjour@jardin.example.org")
	plain.typeInto(t, "#summary", "sous-titre et contact")
	if resp := plain.submit(t, "form.editor button[type=submit]"); resp.Status != http.StatusConflict {
		t.Fatalf("conflicting save: status %d, want 409:\n%s", resp.Status, plain.pageText(t))
	}
	for sel, want := range map[string]string{
		"#title": "Jardin partagé du plateau des Capucins", "#place_address": "1 rue de la Porte", "#subtitle": "Le jardin du plateau",
		"#contact": "bonjour@jardin.example.org", "#legal_status": "association", "#tags": "jardin, graines", "#summary": "sous-titre et contact",
	} {
		if got := plain.value(t, sel); got != want {
			t.Errorf("conflict screen %s = %q, want %q", sel, got, want)
		}
	}
	if !plain.has(t, "#cat-semences:checked") || !plain.has(t, "#cat-jardins-nature:checked") {
		t.Errorf("conflict screen lost the categories")
	}
	if table := plain.text(t, "section.conflict table.meta-diff"); !strings.Contains(table, "Le jardin du plateau") || strings.Contains(table, "Jardin partagé") || strings.Contains(table, "Porte") {
		t.Errorf("metadata table of the conflict screen:\n%s", table)
	}
	shot.save(t, plain, name("06-conflict-sheet-1280"))
	plain.do(t, "phone width", chromedp.EmulateViewport(375, 800, chromedp.EmulateMobile))
	if w := eval[int](t, plain, "document.documentElement.scrollWidth"); w > 375 {
		t.Errorf("whole-sheet conflict screen is %d px wide at 375 px", w)
	}
	shot.save(t, plain, name("07-conflict-sheet-375"))
	plain.do(t, "desktop width", chromedp.EmulateViewport(1280, 900))
	if resp := plain.submit(t, "form.editor button[type=submit]"); resp.Status != http.StatusOK {
		t.Fatalf("saving the conflict screen: status %d:\n%s", resp.Status, plain.pageText(t))
	}
	wantFlash(t, plain, "enregistrée")
	rev = revision(8)
	meta = rev["meta"].(map[string]any)
	if rev["title"] != "Jardin partagé du plateau des Capucins" || meta["place"].(map[string]any)["address"] != "1 rue de la Porte" ||
		meta["subtitle"] != "Le jardin du plateau" || meta["contact"] != "bonjour@jardin.example.org" || len(meta["categories"].([]any)) != 2 ||
		!strings.Contains(rev["body"].(string), "Une assemblée tous les mois") {
		t.Errorf("revision 8 lost someone's work: title %q meta %v body %q", rev["title"], meta, rev["body"])
	}
}
