package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestWhoWroteWhat: an anonymous reader finds the authors of a sheet on
// its page (by share of the text), opens "Qui a écrit quoi", sees each
// passage's author named and colored, focuses a passage with the
// keyboard to see its version, date and summary, and follows it to that
// change; on a computer and on a phone.
func TestWhoWroteWhat(t *testing.T) { onEachDatabase(t, blameJourney) }

func blameJourney(t *testing.T, srv *server) {
	srv.createUsers(t, map[string]string{"marie": "contributor", "paul": "contributor", "lena": "contributor"})
	tokens := map[string]string{}
	for _, u := range []string{"marie", "paul", "lena"} {
		tokens[u] = srv.run(t, "", "token", "create", "--username", u)
	}
	first := "## La communauté\n\nUne vingtaine de voisines et de voisins cultivent ensemble le jardin partagé de Kerinou, ouvert à toutes et à tous le samedi matin.\n"
	created := srv.api(t, tokens["marie"], http.MethodPost, "/sheets", map[string]any{"title": "Jardin de Kerinou", "body": first, "summary": "création"}, http.StatusCreated)
	slug := created["slug"].(string)
	second := first + "\n## Les ressources\n\nDes parcelles, un composteur et une grainothèque où chacun dépose et emprunte des semences.\n"
	srv.api(t, tokens["paul"], http.MethodPut, "/sheets/"+slug, map[string]any{"base": 1, "title": "Jardin de Kerinou", "body": second, "summary": "ajoute les ressources"}, http.StatusOK)
	third := strings.Replace(second, "samedi matin", "samedi et le mercredi", 1)
	srv.api(t, tokens["lena"], http.MethodPut, "/sheets/"+slug, map[string]any{"base": 2, "title": "Jardin de Kerinou", "body": third, "summary": "horaires du mercredi"}, http.StatusOK)

	shot := newShots(t)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	chromium := startChromium(t, ctx)
	reader := newBrowser(t, chromium, srv, "lectrice")

	for _, width := range []int64{1280, 375} {
		reader.viewport(t, width)
		reader.open(t, "/sheets/"+slug)
		if got := reader.text(t, ".provenance .credits"); !strings.Contains(got, "Auteurs et autrices : marie, paul et lena") {
			reader.fatalf(t, "credits on the sheet page: %q", got)
		}
		reader.submit(t, `.sheet-tabs a[href$="/blame"]`)
		if p := reader.path(t); p != "/sheets/"+slug+"/blame" {
			reader.fatalf(t, "tab led to %s", p)
		}
		text := reader.pageText(t)
		for _, want := range []string{"Qui a écrit quoi dans « Jardin de Kerinou »", "marie —", "paul —", "lena — 3 mots (7 %) · version 3"} {
			if !strings.Contains(text, want) {
				reader.fatalf(t, "blame page at %d px lacks %q:\n%s", width, want, text)
			}
		}
		// The text shown is the body, whole, in passages.
		body := eval[string](t, reader, `Array.from(document.querySelectorAll(".blame-p")).map(a => a.lastChild.textContent).join("")`)
		if body != third {
			reader.fatalf(t, "passages give %q, want the body", body)
		}
		// Lena's words, named for screen readers, noted on focus.
		sel := `.blame-p[href$="/diff?from=2&to=3"]`
		if !reader.has(t, sel) {
			reader.fatalf(t, "no passage of lena's version 3")
		}
		if got := reader.text(t, sel+" .visually-hidden"); !strings.Contains(got, "lena, version 3") {
			reader.fatalf(t, "hidden author text %q", got)
		}
		reader.do(t, "focus lena's passage", chromedp.Focus(chromedp.CSS(sel)))
		note := eval[string](t, reader, `getComputedStyle(document.querySelector('`+sel+`'), "::after").content`)
		if !strings.Contains(note, "Version 3") || !strings.Contains(note, "horaires du mercredi") {
			reader.fatalf(t, "focused passage shows %q", note)
		}
		noOverflow(t, reader, width)
		shot.save(t, reader, fmt.Sprintf("blame-%d", width))
		// Followed from the keyboard, where focus left it.
		if resp, err := chromedp.RunResponse(reader.ctx, chromedp.KeyEvent("\r")); err != nil || resp == nil {
			reader.fatalf(t, "Enter on the passage: %v", err)
		}
		if p := reader.path(t); p != "/sheets/"+slug+"/diff?from=2&to=3" || !strings.Contains(reader.pageText(t), "mercredi") {
			reader.fatalf(t, "the passage led to %s", p)
		}
	}
}
