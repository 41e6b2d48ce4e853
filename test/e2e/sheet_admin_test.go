package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestAdminRenamesAndArchivesASheet: an admin renames a sheet from its
// "Gérer la fiche" page (the old address then leads to the new one),
// archives it with a reason (readers get the reason, the admin a banner
// with a button), and brings it back, on a computer and on a phone; the
// merge field suggests sheets as the admin types.
func TestAdminRenamesAndArchivesASheet(t *testing.T) { onEachDatabase(t, sheetAdminJourney) }

func sheetAdminJourney(t *testing.T, srv *server) {
	srv.createUsers(t, map[string]string{"marie": "contributor", "gwen": "admin"})
	token := srv.run(t, "", "token", "create", "--username", "marie")
	shot := newShots(t)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	chromium := startChromium(t, ctx)
	gwen := newBrowser(t, chromium, srv, "gwen")
	gwen.login(t, "gwen")
	reader := newBrowser(t, chromium, srv, "reader")

	for _, width := range []int64{1280, 375} {
		created := srv.api(t, token, http.MethodPost, "/sheets", map[string]any{
			"title": fmt.Sprintf("Atelier vélo %d", width), "body": "## La communauté\n\nDes voisins réparent leurs vélos.\n",
		}, http.StatusCreated)
		old := created["slug"].(string)
		renamed := fmt.Sprintf("atelier-velo-du-port-%d", width)
		gwen.viewport(t, width)
		reader.viewport(t, width)

		gwen.open(t, "/sheets/"+old)
		gwen.submit(t, `a[href="/sheets/`+old+`/admin"]`)
		gwen.setValue(t, "#rename-title-field", fmt.Sprintf("Atelier vélo du port %d", width))
		gwen.setValue(t, "#rename-slug", renamed)
		shot.save(t, gwen, fmt.Sprintf("sheet-admin-%d", width))
		if w := eval[int](t, gwen, "document.documentElement.scrollWidth"); w > int(width) {
			gwen.fatalf(t, "the admin page overflows a %d px screen: %d px wide", width, w)
		}
		gwen.submit(t, `form[action$="/rename"] button[type=submit]`)
		wantFlash(t, gwen, "renommée")
		if got := eval[string](t, gwen, "location.pathname"); got != "/sheets/"+renamed {
			gwen.fatalf(t, "after the rename, at %s", got)
		}
		if status := reader.open(t, "/sheets/"+old); status != http.StatusOK || eval[string](t, reader, "location.pathname") != "/sheets/"+renamed {
			reader.fatalf(t, "the old address: %d at %s", status, eval[string](t, reader, "location.pathname"))
		}

		gwen.open(t, "/sheets/"+renamed+"/admin")
		if width == 375 {
			// The merge field suggests the sheets whose title holds what is
			// typed (the one of the first round, here).
			gwen.typeInto(t, "#merge-into", "port 1280")
			waitFor(t, gwen, "a suggestion in the merge field",
				`document.querySelector('#merge-sheets option[value="atelier-velo-du-port-1280"]') !== null`, 10*time.Second)
			if label := eval[string](t, gwen, `document.querySelector('#merge-sheets option').label`); label != "Atelier vélo du port 1280" {
				gwen.fatalf(t, "the suggestion reads %q", label)
			}
			shot.save(t, gwen, "sheet-merge-suggestion-375")
		}
		gwen.typeInto(t, "#archive-reason", "L'atelier a fermé")
		gwen.submit(t, `form[action$="/archive"] button[type=submit]`)
		wantFlash(t, gwen, "archivée")
		if text := gwen.pageText(t); !strings.Contains(text, "Fiche archivée, invisible pour les lecteurs : L'atelier a fermé") {
			gwen.fatalf(t, "no banner for the admin at %d px:\n%s", width, text)
		}
		shot.save(t, gwen, fmt.Sprintf("sheet-archived-admin-%d", width))

		if status := reader.open(t, "/sheets/"+renamed); status != http.StatusGone || !strings.Contains(reader.pageText(t), "L'atelier a fermé") {
			reader.fatalf(t, "a reader of the archived sheet: %d\n%s", status, reader.pageText(t))
		}
		if w := eval[int](t, reader, "document.documentElement.scrollWidth"); w > int(width) {
			reader.fatalf(t, "the 410 page overflows a %d px screen: %d px wide", width, w)
		}
		shot.save(t, reader, fmt.Sprintf("sheet-archived-reader-%d", width))

		gwen.submit(t, `form[action$="/unarchive"] button[type=submit]`)
		wantFlash(t, gwen, "de retour")
		if status := reader.open(t, "/sheets/"+renamed); status != http.StatusOK {
			reader.fatalf(t, "after unarchiving: %d", status)
		}
	}
}
