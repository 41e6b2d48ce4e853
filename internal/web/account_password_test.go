package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/i18n"
	"atlas/internal/testutil"
)

// TestPasswordChangeEndsAPITokens: a thief's API token dies with the
// password change, as the thief's session does, and the page says so.
func TestPasswordChangeEndsAPITokens(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		if r := a.api(http.MethodGet, "/drafts", "marie", nil); r.status != http.StatusOK {
			t.Fatalf("the token does not work before: %d", r.status)
		}
		owner, csrf := sessionBrowser(t, a, a.marie)
		r := postForm(owner, "/account/password", csrf, url.Values{"current_password": {testutil.FixturePassword}, "password": {"un tout nouveau mot de passe"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("change password: %d %.200s", r.status, r.body)
		}
		if r := a.api(http.MethodGet, "/drafts", "marie", nil); r.status != http.StatusUnauthorized {
			t.Errorf("the token outlived the password change: %d", r.status)
		}
		if r := a.api(http.MethodGet, "/drafts", "admin", nil); r.status != http.StatusOK {
			t.Errorf("another account's token ended: %d", r.status)
		}
		page := owner.get("/account")
		if !strings.Contains(html.UnescapeString(string(page.body)), i18n.T("fr", "flash.password_changed_tokens")) {
			t.Errorf("the confirmation does not say the tokens ended:\n%.2000s", page.body)
		}
	})
}

// TestGuessablePasswordsRefused: the account page and the admin's form
// refuse a password that is short once trimmed, or among the commonest,
// with a message saying why, and change nothing.
func TestGuessablePasswordsRefused(t *testing.T) {
	a := newTestAtlas(t, testutil.NewSQLite(t))
	owner, csrf := sessionBrowser(t, a, a.marie)
	for pw, want := range map[string]string{
		"         a": i18n.T("fr", "error.password_too_short", 10),
		"Azerty123!": i18n.T("fr", "error.password_common"),
		"motdepasse": i18n.T("fr", "error.password_common"),
	} {
		r := postForm(owner, "/account/password", csrf, url.Values{"current_password": {testutil.FixturePassword}, "password": {pw}})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(string(r.body)), want) {
			t.Errorf("new password %q: %d, want 422 with %q", pw, r.status, want)
		}
	}
	if r := a.api(http.MethodGet, "/drafts", "marie", nil); r.status != http.StatusOK {
		t.Errorf("a refused change ended the token: %d", r.status)
	}
	admin, acsrf := sessionBrowser(t, a, a.admin)
	r := postForm(admin, "/admin/users", acsrf, url.Values{"username": {"neuve"}, "email": {"neuve@example.org"}, "role": {"contributor"}, "password": {"soleil2026"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(string(r.body)), i18n.T("fr", "error.password_common")) {
		t.Errorf("admin creates an account with a common password: %d", r.status)
	}
	if _, err := a.store.UserByUsername(t.Context(), "neuve"); err == nil {
		t.Error("the account was created")
	}
}

// TestAdminResetsPassword: an admin gives an account a new password from
// the users page; its sessions and tokens end, the new password signs in,
// a guessable one is refused with the reason, and an admin's own password
// is changed on the account page only.
func TestAdminResetsPassword(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		victim, _ := sessionBrowser(t, a, a.marie)
		admin, csrf := sessionBrowser(t, a, a.admin)
		path := fmt.Sprintf("/admin/users/%d/password", a.marie.ID)
		r := postForm(admin, path, csrf, url.Values{"password": {"azerty2026!"}})
		want := i18n.T("fr", "admin.password_refused", "marie", i18n.T("fr", "error.password_common"))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(string(r.body)), want) {
			t.Errorf("reset to a common password: %d, want 422 with %q", r.status, want)
		}
		if r := a.api(http.MethodGet, "/drafts", "marie", nil); r.status != http.StatusOK {
			t.Fatalf("a refused reset ended the token: %d", r.status)
		}
		if r := postForm(admin, path, csrf, url.Values{"password": {"un mot de passe tout neuf"}}); r.status != http.StatusSeeOther {
			t.Fatalf("reset: %d %.300s", r.status, r.body)
		}
		if r := a.api(http.MethodGet, "/drafts", "marie", nil); r.status != http.StatusUnauthorized {
			t.Errorf("the token outlived the reset: %d", r.status)
		}
		if r := victim.get("/account"); outcome(r) != "login" {
			t.Errorf("the session outlived the reset: %s", outcome(r))
		}
		if _, err := a.auth.Authenticate(t.Context(), "marie", "un mot de passe tout neuf"); err != nil {
			t.Errorf("the new password does not sign in: %v", err)
		}
		own := fmt.Sprintf("/admin/users/%d/password", a.admin.ID)
		if r := postForm(admin, own, csrf, url.Values{"password": {"un mot de passe tout neuf"}}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("an admin resets their own password: %d, want 422", r.status)
		}
	})
}
