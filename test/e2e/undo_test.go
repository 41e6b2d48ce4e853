package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestUndoOneChange: from the history, "Annuler cette modification" on
// Gwen's change leads to a confirmation page (what will change, a summary
// already written); confirming takes that change back and keeps Marie's
// later one. Then a change a later edit overlaps: from the diff of that one
// change, confirming opens the editor's conflict screen on the proposed
// text, which Marie reworks and saves. On a computer and on a phone.
func TestUndoOneChange(t *testing.T) { onEachDatabase(t, undoJourney) }

func undoJourney(t *testing.T, srv *server) {
	srv.createUsers(t, map[string]string{"marie": "contributor", "gwen": "contributor"})
	marieToken := srv.run(t, "", "token", "create", "--username", "marie")
	gwenToken := srv.run(t, "", "token", "create", "--username", "gwen")
	shot := newShots(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*testTimeout)
	defer cancel()
	chromium := startChromium(t, ctx)
	marie := newBrowser(t, chromium, srv, "marie")
	marie.login(t, "marie")

	body := "## La communauté\n\nUne vingtaine de voisins.\n\n## Les ressources\n\nDes parcelles et un composteur.\n\n## La gouvernance\n\nUne réunion par mois.\n"
	for _, width := range []int64{1280, 375} {
		marie.viewport(t, width)
		title := fmt.Sprintf("Jardin à défaire %d", width)
		slug := srv.api(t, marieToken, http.MethodPost, "/sheets", map[string]any{"title": title, "body": body}, http.StatusCreated)["slug"].(string)
		s := "/sheets/" + slug
		text := body
		save := func(token, from, to string) {
			t.Helper()
			head := int(srv.api(t, token, http.MethodGet, s, nil, http.StatusOK)["head"].(float64))
			next := strings.Replace(text, from, to, 1)
			if next == text {
				t.Fatalf("%q is not in the text", from)
			}
			srv.api(t, token, http.MethodPut, s, map[string]any{"base": head, "title": title, "body": next, "summary": "retouche"}, http.StatusOK)
			text = next
		}
		save(gwenToken, "Une vingtaine de voisins.", "Une centaine de voisins.")        // 2
		save(marieToken, "Une réunion par mois.", "Une réunion par semaine.")           // 3
		save(gwenToken, "Des parcelles et un composteur.", "Des parcelles et un four.") // 4

		marie.open(t, s+"/history")
		if marie.has(t, `a[href="`+s+`/revisions/1/undo"]`) {
			marie.fatalf(t, "the history offers to undo the creation")
		}
		noOverflow(t, marie, width)
		shot.save(t, marie, fmt.Sprintf("undo-history-%d", width))
		marie.submit(t, `a[href="`+s+`/revisions/2/undo"]`)
		if got := marie.text(t, "h1"); got != "Annuler la modification 2" {
			marie.fatalf(t, "confirmation heading %q", got)
		}
		if got := marie.value(t, "#undo-summary"); got != "Annulation de la modification 2 de gwen" {
			marie.fatalf(t, "summary prefilled %q", got)
		}
		if !marie.has(t, "main del") || !marie.has(t, "main ins") {
			marie.fatalf(t, "the confirmation shows no change:\n%s", marie.pageText(t))
		}
		noOverflow(t, marie, width)
		shot.save(t, marie, fmt.Sprintf("undo-confirm-%d", width))
		marie.submit(t, "form.undo-form button[type=submit]")
		wantFlash(t, marie, "La modification est annulée")
		if p := marie.path(t); p != s {
			marie.fatalf(t, "after the undo, at %s", p)
		}
		page := marie.pageText(t)
		if !strings.Contains(page, "Une vingtaine de voisins.") || strings.Contains(page, "centaine") ||
			!strings.Contains(page, "Une réunion par semaine.") || !strings.Contains(page, "Des parcelles et un four.") {
			marie.fatalf(t, "the sheet after the undo:\n%s", page)
		}
		shot.save(t, marie, fmt.Sprintf("undo-done-%d", width))
		text = strings.Replace(text, "Une centaine", "Une vingtaine", 1)

		// Gwen reworks what revision 3 wrote: undoing 3 overlaps it.
		save(gwenToken, "Une réunion par semaine.", "Une réunion par semaine, le lundi soir.") // 6
		marie.open(t, s+"/diff?from=2&to=3")
		marie.submit(t, `main a[href="`+s+`/revisions/3/undo"]`)
		if !strings.Contains(marie.pageText(t), "touchent les mêmes passages") {
			marie.fatalf(t, "the confirmation does not warn of the overlap:\n%s", marie.pageText(t))
		}
		noOverflow(t, marie, width)
		shot.save(t, marie, fmt.Sprintf("undo-overlap-confirm-%d", width))
		resp := marie.submit(t, "form.undo-form button[type=submit]")
		if resp.Status != http.StatusConflict || !marie.has(t, "#conflict-title") {
			marie.fatalf(t, "overlapped undo: status %d\n%s", resp.Status, marie.pageText(t))
		}
		proposed := marie.value(t, "#body")
		if want := strings.Replace(text, "Une réunion par semaine, le lundi soir.", "Une réunion par mois.", 1); proposed != want {
			marie.fatalf(t, "the editor holds:\n%q\nwant the proposed text:\n%q", proposed, want)
		}
		if !strings.Contains(marie.pageText(t), "La modification 3 ne peut pas être annulée telle quelle") {
			marie.fatalf(t, "the conflict screen does not speak of the undo:\n%s", marie.pageText(t))
		}
		noOverflow(t, marie, width)
		shot.save(t, marie, fmt.Sprintf("undo-conflict-%d", width))
		marie.acceptLeaving(t)
		marie.setValue(t, "#body", strings.Replace(proposed, "Une réunion par mois.", "Une réunion par mois, le lundi soir.", 1))
		marie.submit(t, "form.editor button[type=submit]")
		wantFlash(t, marie, "enregistr")
		if page := marie.pageText(t); !strings.Contains(page, "Une réunion par mois, le lundi soir.") || !strings.Contains(page, "Des parcelles et un four.") {
			marie.fatalf(t, "the sheet after saving the proposed text:\n%s", page)
		}
	}
}
