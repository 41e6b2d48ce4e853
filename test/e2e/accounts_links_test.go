package e2e_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestFirstRunAndPasswordLink: a new atlas's first person opens the setup
// link and becomes its admin in the browser; later the admin makes a
// password link for a contributor, who opens it and chooses a password,
// signed in at once; the link then no longer works. At 1280 and 375 px.
func TestFirstRunAndPasswordLink(t *testing.T) { onEachDatabase(t, firstRunJourney) }

func firstRunJourney(t *testing.T, srv *server) {
	shot := newShots(t)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	chromium := startChromium(t, ctx)

	// The link the server printed is replaced by a fresh one, as an
	// operator who lost the log does.
	printed := srv.run(t, "", "setup-link")
	link, err := url.Parse(printed)
	if err != nil || !strings.HasPrefix(link.Path, "/setup/") {
		t.Fatalf("atlas setup-link printed %q", printed)
	}
	camille := newBrowser(t, chromium, srv, "camille")
	for _, width := range []int64{1280, 375} {
		camille.viewport(t, width)
		if st := camille.open(t, link.Path); st != http.StatusOK {
			camille.fatalf(t, "setup link: status %d", st)
		}
		if w := eval[int](t, camille, "document.documentElement.scrollWidth"); w > int(width) {
			camille.fatalf(t, "the setup form overflows a %d px screen: %d px wide", width, w)
		}
		shot.save(t, camille, "setup-form-"+strconv.FormatInt(width, 10))
	}
	camille.typeInto(t, "#username", "camille")
	camille.typeInto(t, "#email", "Camille@example.org")
	camille.typeInto(t, "#display_name", "Camille Le Gall")
	camille.typeInto(t, "#password", password)
	resp := camille.submit(t, `form[action^="/setup/"] button[type=submit]`)
	if resp.Status != http.StatusOK || camille.path(t) != "/" || !camille.has(t, `form[action="/logout"]`) {
		camille.fatalf(t, "after setup: status %d at %s:\n%s", resp.Status, camille.path(t), camille.pageText(t))
	}
	if text := camille.pageText(t); !strings.Contains(text, "compte d'administration est créé") {
		camille.fatalf(t, "no welcome after setup:\n%s", text)
	}
	shot.save(t, camille, "setup-done-375")
	stranger := newBrowser(t, chromium, srv, "stranger")
	if st := stranger.open(t, link.Path); st != http.StatusGone {
		stranger.fatalf(t, "the used setup link answers %d", st)
	}
	shot.save(t, stranger, "setup-link-dead")

	// The admin hands a password link to a contributor.
	srv.createUsers(t, map[string]string{"marie": "contributor"})
	var handed string
	for _, width := range []int64{1280, 375} {
		camille.viewport(t, width)
		camille.open(t, "/admin/users")
		resp := camille.submit(t, `form[action$="/reset-link"] button[type=submit]`)
		if resp.Status != http.StatusCreated {
			camille.fatalf(t, "make a link at %d px: status %d", width, resp.Status)
		}
		handed = camille.value(t, "#reset-link-url")
		if w := eval[int](t, camille, "document.documentElement.scrollWidth"); w > int(width) {
			camille.fatalf(t, "the accounts page with a link overflows a %d px screen: %d px wide", width, w)
		}
		shot.save(t, camille, "reset-link-made-"+strconv.FormatInt(width, 10))
	}
	u, err := url.Parse(handed)
	if err != nil || !strings.HasPrefix(u.Path, "/password/") {
		t.Fatalf("the link shown is %q", handed)
	}
	marie := newBrowser(t, chromium, srv, "marie")
	for _, width := range []int64{1280, 375} {
		marie.viewport(t, width)
		if st := marie.open(t, u.Path); st != http.StatusOK {
			marie.fatalf(t, "password link: status %d", st)
		}
		if text := marie.pageText(t); !strings.Contains(text, "marie") {
			marie.fatalf(t, "the password page does not name the account:\n%s", text)
		}
		shot.save(t, marie, "password-link-"+strconv.FormatInt(width, 10))
	}
	marie.typeInto(t, "#password", "un tout nouveau mot de passe")
	resp = marie.submit(t, `form[action^="/password/"] button[type=submit]`)
	if resp.Status != http.StatusOK || !marie.has(t, `form[action="/logout"]`) {
		marie.fatalf(t, "after the password link: status %d at %s:\n%s", resp.Status, marie.path(t), marie.pageText(t))
	}
	shot.save(t, marie, "password-link-done-375")
	if st := stranger.open(t, u.Path); st != http.StatusGone {
		stranger.fatalf(t, "the used password link answers %d", st)
	}
}
