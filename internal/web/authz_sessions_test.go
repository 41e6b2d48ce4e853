package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/testutil"
)

// pagePOSTs are the page routes that take a form, instantiated on a world.
func pagePOSTs(t *testing.T, w *world) []string {
	t.Helper()
	var out []string
	for _, k := range registeredRoutes(w.f.a) {
		method, pattern, _ := strings.Cut(k, " ")
		if method != http.MethodPost || strings.HasPrefix(pattern, "/api/") {
			continue
		}
		vars := map[string]string{}
		if strings.HasPrefix(pattern, "/admin/users/") {
			vars["id"] = strconv.FormatInt(w.f.users[roleContrib].ID, 10)
		}
		out = append(out, w.instantiate(t, pattern, vars))
	}
	return out
}

// TestCSRFOnEveryPagePost: no page POST goes through without the token of
// the session that sends it.
func TestCSRFOnEveryPagePost(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		f := newAuthzFixture(t, d)
		w := f.newWorld(t)
		a := f.a
		paths := pagePOSTs(t, w)
		if len(paths) < 15 {
			t.Fatalf("only %d page POST routes found", len(paths))
		}
		before := snapshot(t, f, w)
		// Everything a form could want, so only the token is missing.
		form := url.Values{
			"username": {"marie"}, "password": {testutil.FixturePassword}, "current_password": {testutil.FixturePassword},
			"title": {"Forgée"}, "body": {"forgé"}, "base": {"2"}, "revision": {"2"}, "choice": {"approve"},
			"members": {"marie"}, "role": {"admin"}, "email": {"forge@example.org"}, "name": {"forgé"},
		}
		_, otherCSRF := sessionBrowser(t, a, a.marie)
		// The CSRF refusal, not some later check, must be what answers.
		// An editor's post is refused with the login page carrying its text
		// (login_kept.go); any other with the plain refusal.
		refused := func(what, p string, r response) {
			t.Helper()
			kept := strings.Contains(string(r.body), `name="kept"`) && strings.Contains(string(r.body), `action="/login"`)
			if r.status != http.StatusForbidden || !strings.Contains(string(r.body), "Le formulaire a expiré") && !kept {
				t.Errorf("POST %s %s: %d, want the CSRF 403: %.200s", p, what, r.status, r.body)
			}
		}
		for _, p := range paths {
			admin, csrf := sessionBrowser(t, a, a.admin)
			refused("without _csrf", p, postForm(admin, p, "", form))
			refused("with another session's token", p, postForm(admin, p, otherCSRF, form))
			refused("with a wrong token", p, postForm(admin, p, csrf+"x", form))
			refused("with a token but no session cookie", p, postForm(a.browser(), p, csrf, form))
			// A session id is not a CSRF token.
			refused("with the session id as token", p, postForm(admin, p, admin.cookies["atlas_session"], form))
		}
		if after := snapshot(t, f, w); after != before {
			t.Errorf("forged posts changed the atlas:\nbefore %s\nafter  %s", before, after)
		}
		if m := userByName(t, a, "marie"); m.Role != model.RoleContributor {
			t.Errorf("a forged post made marie %s", m.Role)
		}
		// Browser sessions read the API but never write through it: a
		// cross-site form cannot drive it.
		marie, _ := sessionBrowser(t, a, a.marie)
		req := httptest.NewRequest(http.MethodPost, "/api/v1/sheets", strings.NewReader(`{"title":"Par cookie","body":"x"}`))
		req.Header.Set("Content-Type", "application/json")
		if r := marie.send(req); r.status != http.StatusUnauthorized {
			t.Errorf("API write with a session cookie: %d, want 401", r.status)
		}
		if r := marie.get("/api/v1/sheets/" + w.slugA + "/revisions/1"); r.status != http.StatusOK {
			t.Errorf("API read with a session cookie: %d, want 200", r.status)
		}
	})
}

func TestLogoutEndsTheSession(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		b := a.browser()
		b.login("marie")
		cookie := b.cookies["atlas_session"]
		csrf := b.csrf("/account")
		if r := postForm(b, "/logout", csrf, nil); r.status != http.StatusSeeOther {
			t.Fatalf("logout: %d", r.status)
		}
		if _, ok := b.cookies["atlas_session"]; ok {
			t.Error("logout left the session cookie in the browser")
		}
		old := a.browser()
		old.cookies["atlas_session"] = cookie
		if r := old.get("/account"); outcome(r) != "login" {
			t.Errorf("old session after logout, /account: %s", outcome(r))
		}
		if r := postForm(old, "/sheets", csrf, url.Values{"title": {"Après"}, "body": {"x"}}); r.status != http.StatusForbidden {
			t.Errorf("post with the ended session and its token: %d, want 403", r.status)
		}
	})
}

// TestDisabledAccountIsLockedOutAtOnce: disabling an account ends its
// session, token and login on the next request; a demoted admin loses the
// admin pages at once.
func TestDisabledAccountIsLockedOutAtOnce(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		f := newAuthzFixture(t, d)
		a := f.a
		ba := f.users[roleBoard]
		victim := a.browser()
		victim.login("ba")
		csrf := victim.csrf("/account")
		if r := a.api(http.MethodGet, "/sheets", "ba", nil); r.status != http.StatusOK {
			t.Fatalf("token before: %d", r.status)
		}
		admin := a.browser()
		admin.login("admin")
		adminCSRF := admin.csrf("/admin/users")
		if r := postForm(admin, fmt.Sprintf("/admin/users/%d", ba.ID), adminCSRF, url.Values{"role": {"contributor"}, "disabled": {"1"}}); r.status != http.StatusSeeOther {
			t.Fatalf("disable: %d %.200s", r.status, r.body)
		}
		if r := victim.get("/account"); outcome(r) != "login" {
			t.Errorf("disabled account's session, /account: %s", outcome(r))
		}
		if r := postForm(victim, "/sheets", csrf, url.Values{"title": {"Désactivée"}, "body": {"x"}}); r.status != http.StatusForbidden {
			t.Errorf("disabled account's session posts: %d, want 403", r.status)
		}
		if r := a.api(http.MethodPost, "/sheets", "ba", map[string]any{"title": "Désactivée", "body": "x"}); r.status != http.StatusUnauthorized {
			t.Errorf("disabled account's token: %d, want 401", r.status)
		}
		fresh := a.browser()
		tc := fresh.csrf("/login")
		if r := postForm(fresh, "/login", tc, url.Values{"username": {"ba"}, "password": {testutil.FixturePassword}}); r.status != http.StatusUnauthorized {
			t.Errorf("disabled account logs in: %d, want 401", r.status)
		}
		// Re-enabled (no "disabled" field): it works again.
		if r := postForm(admin, fmt.Sprintf("/admin/users/%d", ba.ID), adminCSRF, url.Values{"role": {"contributor"}}); r.status != http.StatusSeeOther {
			t.Fatalf("enable: %d", r.status)
		}
		again := a.browser()
		again.login("ba")
		if r := a.api(http.MethodGet, "/sheets", "ba", nil); r.status != http.StatusOK {
			t.Errorf("re-enabled account's token: %d", r.status)
		}

		// A demoted admin.
		second := f.addUser(t, "admin2", model.RoleAdmin)
		b2, _ := sessionBrowser(t, a, second)
		if r := b2.get("/admin/users"); r.status != http.StatusOK {
			t.Fatalf("second admin before: %d", r.status)
		}
		if r := postForm(admin, fmt.Sprintf("/admin/users/%d", second.ID), adminCSRF, url.Values{"role": {"contributor"}}); r.status != http.StatusSeeOther {
			t.Fatalf("demote: %d", r.status)
		}
		if r := b2.get("/admin/users"); r.status == http.StatusOK {
			t.Errorf("demoted admin still reaches /admin/users")
		}
		if r := a.api(http.MethodPut, "/sheets/x/board", "admin2", map[string]any{"members": []string{}}); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
			t.Errorf("demoted admin's token sets a board: %d", r.status)
		}
		// One cannot lock oneself out.
		self := a.admin.ID
		if r := postForm(admin, fmt.Sprintf("/admin/users/%d", self), adminCSRF, url.Values{"role": {"contributor"}, "disabled": {"1"}}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("admin disables itself: %d, want 422", r.status)
		}
	})
}

// TestPasswordChangeEndsOtherSessions: whoever stole a session must lose it
// when the owner changes the password (auth.ChangePassword promises it).
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		owner, csrf := sessionBrowser(t, a, a.marie)
		thief, _ := sessionBrowser(t, a, a.marie)
		r := postForm(owner, "/account/password", csrf, url.Values{"current_password": {testutil.FixturePassword}, "password": {"un tout nouveau mot de passe"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("change password: %d %.200s", r.status, r.body)
		}
		if r := thief.get("/account"); outcome(r) != "login" {
			t.Errorf("another session of the account survived the password change: /account answers %s", outcome(r))
		}
	})
}

// TestLoginRedirectStaysOnSite: the next parameter cannot send a person
// elsewhere, including by the characters browsers strip from URLs, nor
// write headers of its own.
func TestLoginRedirectStaysOnSite(t *testing.T) {
	a := newTestAtlas(t, testutil.NewSQLite(t))
	nexts := []string{
		"//evil.example/", "https://evil.example/", "/\\evil.example", "\\\\evil.example", "/\t/evil.example",
		"/\n/evil.example", "/\r/evil.example", " //evil.example", "/%2F/evil.example", "javascript:alert(1)",
		"/\r\nSet-Cookie: atlas_session=fixated", "/\nX-Injected: 1",
	}
	for _, next := range nexts {
		// A signed-in person following a link to /login is sent on to next;
		// so is anyone who logs in.
		b, _ := sessionBrowser(t, a, a.marie)
		get := httptest.NewRequest(http.MethodGet, "/login?next="+url.QueryEscape(next), nil)
		get.AddCookie(&http.Cookie{Name: "atlas_session", Value: b.cookies["atlas_session"]})
		anon, csrf := sessionBrowser(t, a, nil)
		post := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(url.Values{
			"_csrf": {csrf}, "username": {"marie"}, "password": {testutil.FixturePassword}, "next": {next}}.Encode()))
		post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		post.AddCookie(&http.Cookie{Name: "atlas_session", Value: anon.cookies["atlas_session"]})
		for _, req := range []*http.Request{get, post} {
			what := fmt.Sprintf("%s /login with next=%q", req.Method, next)
			resp, err := a.app.Test(req, -1)
			if err != nil {
				// The response itself is malformed: the value broke out of
				// the Location header.
				t.Errorf("%s: the response is not valid HTTP (header injection): %v", what, err)
				continue
			}
			closeBody(t, resp)
			if resp.Header.Get("X-Injected") != "" || strings.Contains(strings.Join(resp.Header.Values("Set-Cookie"), ";"), "fixated") {
				t.Errorf("%s: injected a header: %v", what, resp.Header)
			}
			loc := resp.Header.Get("Location")
			if resp.StatusCode != http.StatusSeeOther {
				t.Errorf("%s: %d", what, resp.StatusCode)
				continue
			}
			// Browsers drop tabs and newlines and read a backslash as a
			// slash before resolving a Location.
			clean := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(loc)
			u, err := url.Parse(clean)
			if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(clean, "/") || strings.HasPrefix(clean, "//") {
				t.Errorf("%s: redirects to %q", what, loc)
			}
		}
	}
}
