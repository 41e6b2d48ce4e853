package e2e_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
)

// TestFirstStepsOfAnEmptyAtlas: the first visitor of a brand-new atlas is
// told what to do next, on a computer and on a phone: with no account, the
// setup link in the log (or the command that prints one); once signed in, a button to
// write the first sheet, which opens the editor.
func TestFirstStepsOfAnEmptyAtlas(t *testing.T) { onEachDatabase(t, firstStepsJourney) }

func firstStepsJourney(t *testing.T, srv *server) {
	shot := newShots(t)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	chromium := startChromium(t, ctx)
	visitor := newBrowser(t, chromium, srv, "visitor")

	for _, width := range []int64{1280, 375} {
		visitor.viewport(t, width)
		visitor.open(t, "/")
		text := visitor.pageText(t)
		for _, want := range []string{"Premiers pas", "atlas setup-link"} {
			if !strings.Contains(text, want) {
				visitor.fatalf(t, "an empty atlas's home page at %d px lacks %q:\n%s", width, want, text)
			}
		}
		if w := eval[int](t, visitor, "document.documentElement.scrollWidth"); w > int(width) {
			visitor.fatalf(t, "the first steps overflow a %d px screen: %d px wide", width, w)
		}
		shot.save(t, visitor, "first-steps-no-account-"+strconv.FormatInt(width, 10))
	}

	srv.createUsers(t, map[string]string{"marie": "contributor"})
	marie := newBrowser(t, chromium, srv, "marie")
	marie.login(t, "marie")
	for _, width := range []int64{1280, 375} {
		marie.viewport(t, width)
		marie.open(t, "/")
		if !marie.has(t, `.first-steps a[href="/sheets/new"]`) {
			marie.fatalf(t, "no button to write the first sheet at %d px:\n%s", width, marie.pageText(t))
		}
		shot.save(t, marie, "first-steps-signed-in-"+strconv.FormatInt(width, 10))
	}
	marie.click(t, `.first-steps a[href="/sheets/new"]`)
	marie.waitFor(t, `form.editor label[for=body]`)
	if p := marie.path(t); p != "/sheets/new" {
		marie.fatalf(t, "the first-sheet button led to %s", p)
	}
}
