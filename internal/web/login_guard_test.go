package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/testutil"
)

func countSessions(t *testing.T, d *db.DB) int64 {
	t.Helper()
	var n int64
	if err := d.Conn(t.Context()).Model(&model.Session{}).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLoginPageWritesNoSession: showing the login form to visitors without
// a cookie writes nothing; its CSRF token still guards the form, and a
// session is written at login only.
func TestLoginPageWritesNoSession(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		before := countSessions(t, d)
		for range 5 {
			if r := a.browser().get("/login"); r.status != http.StatusOK || r.header.Get("Cache-Control") != "no-store" {
				t.Fatalf("GET /login: %d", r.status)
			}
		}
		if n := countSessions(t, d); n != before {
			t.Errorf("five cookieless GET /login wrote %d session rows", n-before)
		}

		b := a.browser()
		token := b.csrf("/login")
		if b.cookies["atlas_session"] != "" || b.cookies["atlas_login"] != token {
			t.Fatalf("cookies after the login page: %v", b.cookies)
		}
		if again := b.csrf("/login"); again != token {
			t.Error("a second visit changed the form's token: an open tab's form would stop working")
		}
		// Forged: another visitor's token, a token without its cookie,
		// a changed token.
		other := a.browser()
		otherToken := other.csrf("/login")
		stranger := a.browser()
		for name, tc := range map[string]struct {
			b     *browser
			token string
		}{
			"another visitor's token": {b, otherToken},
			"no cookie":               {stranger, token},
			"changed":                 {b, token[:42] + "x"},
			"empty":                   {b, ""},
		} {
			r := tc.b.post("/login", url.Values{"_csrf": {tc.token}, "username": {"marie"}, "password": {testutil.FixturePassword}})
			if r.status != http.StatusForbidden {
				t.Errorf("%s: %d, want 403", name, r.status)
			}
		}
		if n := countSessions(t, d); n != before {
			t.Errorf("refused logins wrote %d session rows", n-before)
		}
		// A wrong password: the form again, still usable.
		r := b.post("/login", url.Values{"_csrf": {token}, "username": {"marie"}, "password": {"faux"}})
		if r.status != http.StatusUnauthorized || !strings.Contains(string(r.body), token) {
			t.Fatalf("wrong password: %d", r.status)
		}
		r = b.post("/login", url.Values{"_csrf": {token}, "username": {"marie"}, "password": {testutil.FixturePassword}})
		if r.status != http.StatusSeeOther || b.cookies["atlas_session"] == "" {
			t.Fatalf("login with the form's token: %d", r.status)
		}
		if _, kept := b.cookies["atlas_login"]; kept {
			t.Error("the login cookie outlived the login")
		}
		if n := countSessions(t, d); n != before+1 {
			t.Errorf("the login wrote %d session rows, want 1", n-before)
		}
		if r := b.get("/account"); r.status != http.StatusOK {
			t.Errorf("account page once logged in: %d", r.status)
		}
	})
}

// TestWrongPasswordsShowTheWait: after a few wrong passwords the login
// page says, in French, when the next attempt will be checked, with
// Retry-After; the form stays usable, and another person at the same
// address still logs in.
func TestWrongPasswordsShowTheWait(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		now := time.Now().UTC()
		a.auth.WithClock(func() time.Time { return now })
		b := a.browser()
		token := b.csrf("/login")
		try := func(password string) response {
			return b.post("/login", url.Values{"_csrf": {token}, "username": {"marie"}, "password": {password}})
		}
		for range 2 {
			if r := try("faux"); r.status != http.StatusUnauthorized || r.header.Get("Retry-After") != "" {
				t.Fatalf("wrong password: %d, Retry-After %q", r.status, r.header.Get("Retry-After"))
			}
		}
		r := try("faux")
		if r.status != http.StatusUnauthorized || r.header.Get("Retry-After") != "5" ||
			!strings.Contains(string(r.body), "le prochain essai sera possible dans 5 secondes") {
			t.Errorf("third wrong password: %d, Retry-After %q", r.status, r.header.Get("Retry-After"))
		}
		r = try(testutil.FixturePassword)
		if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "5" ||
			!strings.Contains(string(r.body), "Trop de tentatives de connexion : réessayez dans 5 secondes.") ||
			!strings.Contains(string(r.body), `name="_csrf" value="`+token+`"`) {
			t.Errorf("right password during the wait: %d, Retry-After %q", r.status, r.header.Get("Retry-After"))
		}
		// A colleague at the same address (every test request comes from
		// one) logs in meanwhile.
		a.browser().login("admin")
		now = now.Add(5 * time.Second)
		if r := try(testutil.FixturePassword); r.status != http.StatusSeeOther {
			t.Errorf("once the wait ended: %d", r.status)
		}
	})
}
