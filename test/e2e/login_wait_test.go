package e2e_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestWrongPasswordsShowTheWait: a person who types a wrong password a few
// times is told, in French, when the next try will be checked; the form
// stays whole and usable on a computer and on a phone; a colleague at the
// same address (every browser here comes from 127.0.0.1) logs in
// meanwhile; once the wait is over, the right password works.
func TestWrongPasswordsShowTheWait(t *testing.T) { onEachDatabase(t, loginWaitJourney) }

func loginWaitJourney(t *testing.T, srv *server) {
	shot := newShots(t)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	chromium := startChromium(t, ctx)
	srv.createUsers(t, map[string]string{"marie": "contributor", "yann": "contributor"})
	marie := newBrowser(t, chromium, srv, "marie")

	try := func(pw string) int64 {
		t.Helper()
		marie.setValue(t, "#username", "marie")
		marie.setValue(t, "#password", pw)
		return marie.submit(t, `form[action="/login"] button[type=submit]`).Status
	}
	marie.viewport(t, 1280)
	if st := marie.open(t, "/login"); st != http.StatusOK {
		marie.fatalf(t, "GET /login: %d", st)
	}
	for range 2 {
		if st := try("pas le bon"); st != http.StatusUnauthorized || !strings.Contains(marie.pageText(t), "Identifiant ou mot de passe incorrect.") {
			marie.fatalf(t, "wrong password: %d\n%s", st, marie.pageText(t))
		}
	}
	if st := try("toujours pas"); st != http.StatusUnauthorized || !strings.Contains(marie.pageText(t), "le prochain essai sera possible dans 5 secondes") {
		marie.fatalf(t, "third wrong password: %d\n%s", st, marie.pageText(t))
	}
	shot.save(t, marie, "login-wait-announced-1280")

	// On a phone, at once: the right password waits too, and says so.
	marie.viewport(t, 375)
	if st := try(password); st != http.StatusTooManyRequests || !strings.Contains(marie.pageText(t), "Trop de tentatives de connexion : réessayez dans") {
		marie.fatalf(t, "right password during the wait: %d\n%s", st, marie.pageText(t))
	}
	for _, width := range []int64{375, 1280} {
		marie.viewport(t, width)
		for _, sel := range []string{"#username", "#password", `form[action="/login"] button[type=submit]`, `.error-summary[role=alert]`} {
			if !marie.has(t, sel) {
				marie.fatalf(t, "the refused login page at %d px lacks %s", width, sel)
			}
		}
		if w := eval[int](t, marie, "document.documentElement.scrollWidth"); w > int(width) {
			marie.fatalf(t, "the refused login page overflows a %d px screen: %d px wide", width, w)
		}
		shot.save(t, marie, "login-wait-refused-"+strconv.FormatInt(width, 10))
	}

	yann := newBrowser(t, chromium, srv, "yann")
	yann.login(t, "yann")

	time.Sleep(5 * time.Second)
	marie.viewport(t, 375)
	if st := try(password); st != http.StatusOK || strings.HasPrefix(marie.path(t), "/login") {
		marie.fatalf(t, "once the wait ended: %d, at %s\n%s", st, marie.path(t), marie.pageText(t))
	}
}
