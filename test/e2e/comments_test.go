package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestCommentWithdrawn: a contributor posts a message and withdraws it
// with the button under it; an admin hides another one, giving a reason.
// Both leave "message retiré par …" in the discussion, without
// JavaScript's help (plain forms), on a computer and on a phone.
func TestCommentWithdrawn(t *testing.T) { onEachDatabase(t, commentWithdrawnJourney) }

func commentWithdrawnJourney(t *testing.T, srv *server) {
	srv.createUsers(t, map[string]string{"marie": "contributor", "gwen": "admin"})
	token := srv.run(t, "", "token", "create", "--username", "marie")
	created := srv.api(t, token, http.MethodPost, "/sheets", map[string]any{
		"title": "Grainothèque de Kerinou", "body": "## La communauté\n\nDes voisins échangent des graines.\n",
	}, http.StatusCreated)
	slug := created["slug"].(string)
	shot := newShots(t)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	chromium := startChromium(t, ctx)
	marie := newBrowser(t, chromium, srv, "marie")
	marie.login(t, "marie")
	gwen := newBrowser(t, chromium, srv, "gwen")
	gwen.login(t, "gwen")

	for _, width := range []int64{1280, 375} {
		mine := fmt.Sprintf("Je me suis trompée d'adresse (%d)", width)
		marie.viewport(t, width)
		marie.open(t, "/sheets/"+slug)
		marie.setValue(t, "#comment-body", mine)
		marie.submit(t, ".comment-form button[type=submit]")
		wantFlash(t, marie, "publié")
		if !marie.has(t, "form.comment-hide button") {
			marie.fatalf(t, "no button to withdraw one's message at %d px:\n%s", width, marie.pageText(t))
		}
		shot.save(t, marie, fmt.Sprintf("comment-posted-%d", width))
		marie.submit(t, "form.comment-hide button")
		wantFlash(t, marie, "retiré")
		text := marie.pageText(t)
		if strings.Contains(text, mine) || !strings.Contains(text, "message retiré par marie") {
			marie.fatalf(t, "after withdrawing at %d px:\n%s", width, text)
		}
		if w := eval[int](t, marie, "document.documentElement.scrollWidth"); w > int(width) {
			marie.fatalf(t, "the discussion overflows a %d px screen: %d px wide", width, w)
		}
		shot.save(t, marie, fmt.Sprintf("comment-withdrawn-%d", width))

		// An admin hides someone else's message, with a reason.
		other := fmt.Sprintf("Message hors sujet (%d)", width)
		srv.api(t, token, http.MethodPost, "/sheets/"+slug+"/comments", map[string]any{"body": other}, http.StatusCreated)
		gwen.viewport(t, width)
		gwen.open(t, "/sheets/"+slug)
		gwen.click(t, "details.comment-hide:not([open]) summary")
		gwen.typeInto(t, "details.comment-hide[open] input[name=reason]", "hors sujet")
		shot.save(t, gwen, fmt.Sprintf("comment-admin-reason-%d", width))
		gwen.submit(t, "details.comment-hide[open] button[type=submit]")
		wantFlash(t, gwen, "retiré")
		text = gwen.pageText(t)
		if strings.Contains(text, other) || !strings.Contains(text, "message retiré par gwen (motif : hors sujet)") {
			gwen.fatalf(t, "after an admin hid it at %d px:\n%s", width, text)
		}
		if w := eval[int](t, gwen, "document.documentElement.scrollWidth"); w > int(width) {
			gwen.fatalf(t, "the discussion overflows a %d px screen: %d px wide", width, w)
		}
		shot.save(t, gwen, fmt.Sprintf("comment-admin-hidden-%d", width))
	}
}
