package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestPeopleChangesAndFollowing: a reader opens a person's page from their
// name in a sheet's history, filters recent changes by a sheet's title
// (suggestions come as they type; the plain field works alone), follows
// and unfollows a sheet with its buttons, and sees the unread count
// beside "Notifications", on a computer and on a phone.
func TestPeopleChangesAndFollowing(t *testing.T) { onEachDatabase(t, peopleJourney) }

func peopleJourney(t *testing.T, srv *server) {
	srv.createUsers(t, map[string]string{"marie": "contributor", "paul": "contributor"})
	marieToken := srv.run(t, "", "token", "create", "--username", "marie")
	paulToken := srv.run(t, "", "token", "create", "--username", "paul")
	created := srv.api(t, marieToken, http.MethodPost, "/sheets", map[string]any{
		"title": "Grainothèque de Kerinou", "body": "## La communauté\n\nDes voisins échangent des graines.\n",
	}, http.StatusCreated)
	slug := created["slug"].(string)
	srv.api(t, marieToken, http.MethodPost, "/sheets", map[string]any{"title": "Repair café du Bourg", "body": "Réparer."}, http.StatusCreated)
	srv.api(t, paulToken, http.MethodPut, "/sheets/"+slug, map[string]any{
		"base": 1, "title": "Grainothèque de Kerinou", "body": "## La communauté\n\nDes voisines et voisins échangent des graines.\n", "summary": "précision",
	}, http.StatusOK)
	srv.api(t, paulToken, http.MethodPost, "/sheets/"+slug+"/comments", map[string]any{"body": "Ouvert le samedi matin."}, http.StatusCreated)

	shot := newShots(t)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	chromium := startChromium(t, ctx)
	marie := newBrowser(t, chromium, srv, "marie")
	marie.login(t, "marie")

	for _, width := range []int64{1280, 375} {
		marie.viewport(t, width)

		// Paul's edit reached Marie, who follows the sheet she wrote.
		marie.open(t, "/changes")
		if width == 1280 {
			if got := marie.text(t, ".unread-count"); got != "1" {
				marie.fatalf(t, "unread count %q, want 1", got)
			}
		}

		// From a name in the history to that person's contributions.
		marie.open(t, "/sheets/"+slug+"/history")
		marie.submit(t, `a.person[href="/people/paul"]`)
		text := marie.pageText(t)
		if marie.path(t) != "/people/paul" || !strings.Contains(text, "Contributions de paul") ||
			!strings.Contains(text, "version 2") || !strings.Contains(text, "Ouvert le samedi matin.") {
			marie.fatalf(t, "person page at %d px (%s):\n%s", width, marie.path(t), text)
		}
		noOverflow(t, marie, width)
		shot.save(t, marie, fmt.Sprintf("people-person-%d", width))

		// Recent changes filtered by a sheet's title, suggested as typed.
		marie.open(t, "/changes")
		marie.typeInto(t, "#f-sheet", "Kerin")
		waitFor(t, marie, "a suggestion", `document.querySelector("#sheet-list option[value='`+slug+`']") !== null`, 5*time.Second)
		marie.setValue(t, "#f-sheet", "Grainothèque de Kerinou")
		marie.submit(t, "form.filters button[type=submit]")
		text = marie.pageText(t)
		if !strings.Contains(text, "Grainothèque de Kerinou") || strings.Contains(text, "Repair café du Bourg") {
			marie.fatalf(t, "changes filtered by title at %d px:\n%s", width, text)
		}
		noOverflow(t, marie, width)
		shot.save(t, marie, fmt.Sprintf("people-changes-by-title-%d", width))

		// Following: editing followed the sheet; the buttons say so.
		marie.open(t, "/sheets/"+slug)
		marie.submit(t, `form[action$="/unwatch"] button`)
		wantFlash(t, marie, "ne suivez plus")
		marie.submit(t, `form[action$="/watch"] button`)
		wantFlash(t, marie, "Vous suivez cette fiche")
		if !marie.has(t, `form[action$="/unwatch"]`) {
			marie.fatalf(t, "no 'Ne plus suivre' once following at %d px", width)
		}
		noOverflow(t, marie, width)
		shot.save(t, marie, fmt.Sprintf("people-following-%d", width))
	}
}

func noOverflow(t *testing.T, b *browser, width int64) {
	t.Helper()
	if w := eval[int](t, b, "document.documentElement.scrollWidth"); w > int(width) {
		b.fatalf(t, "the page overflows a %d px screen: %d px wide", width, w)
	}
}
