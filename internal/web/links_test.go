package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"atlas/internal/app/apptest"
	"atlas/internal/db"
	"atlas/internal/store"
	"atlas/internal/testutil"
	"atlas/internal/web"
)

// TestSetupLinkInTheBrowser: on an atlas without accounts, the setup link
// shows a form that makes its first admin, signed in at once; then the
// link, used or not, is 410 and the admin's pages answer.
func TestSetupLinkInTheBrowser(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		atlas := apptest.New(t, d)
		app, err := web.New(atlas.WebDeps())
		if err != nil {
			t.Fatal(err)
		}
		a := &testAtlas{t: t, app: app, store: atlas.Store, auth: atlas.Auth, tokens: map[string]string{}}
		link, err := atlas.Auth.NewSetupLink(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		b := a.browser()
		if r := b.get("/setup/pas-le-bon"); r.status != http.StatusGone {
			t.Errorf("a wrong setup token: %d", r.status)
		}
		path := "/setup/" + link.Token
		page := b.get(path)
		if page.status != http.StatusOK || page.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("setup page: %d %q", page.status, page.header.Get("Cache-Control"))
		}
		csrf := b.csrf(path)
		form := url.Values{"_csrf": {csrf}, "username": {"camille"}, "email": {"camille@example.org"}, "password": {"azerty123"}}
		if r := b.post(path, form); r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), `value="camille"`) {
			t.Fatalf("weak password: %d", r.status)
		}
		form.Set("password", "le jardin des communs")
		if r := b.post(path, form); r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
			t.Fatalf("setup: %d %s", r.status, r.body)
		}
		if r := b.get("/admin/users"); r.status != http.StatusOK || !strings.Contains(string(r.body), "camille@example.org") {
			t.Errorf("the new admin's accounts page: %d", r.status)
		}
		other := a.browser()
		if r := other.get(path); r.status != http.StatusGone {
			t.Errorf("used setup link: %d", r.status)
		}
		form.Set("username", "intrus")
		form.Set("email", "intrus@example.org")
		form.Set("_csrf", other.csrf("/login"))
		if r := other.post(path, form); r.status != http.StatusGone {
			t.Errorf("second setup: %d", r.status)
		}
		if n, _ := a.store.CountUsers(t.Context()); n != 1 {
			t.Errorf("%d accounts after setup", n)
		}
	})
}

// TestAdminResetLink: an admin makes a password link on the accounts page
// or the API; the person sets a password through it, once, and is signed
// in; the old password and the account's other sessions are gone.
func TestAdminResetLink(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		marieElsewhere := a.browser()
		marieElsewhere.login("marie")

		admin := a.browser()
		admin.login("admin")
		csrf := admin.csrf("/admin/users")
		r := admin.post("/admin/users/"+strconv.FormatInt(a.marie.ID, 10)+"/reset-link", url.Values{"_csrf": {csrf}})
		if r.status != http.StatusCreated {
			t.Fatalf("reset link page: %d %s", r.status, r.body)
		}
		var linkURL string
		if i := strings.Index(string(r.body), "/password/"); i < 0 {
			t.Fatalf("no link on the page")
		} else {
			linkURL = string(r.body[i:])
			linkURL = linkURL[:strings.IndexByte(linkURL, '"')]
		}

		if r := a.api(http.MethodPost, "/users/marie/reset-link", "marie", nil); r.status != http.StatusForbidden {
			t.Errorf("contributor made a link: %d", r.status)
		}
		if r := a.api(http.MethodPost, "/users/personne/reset-link", "admin", nil); r.status != http.StatusNotFound {
			t.Errorf("unknown user: %d", r.status)
		}
		apiLink := a.api(http.MethodPost, "/users/marie/reset-link", "admin", map[string]any{"reason": "a perdu son mot de passe"})
		if apiLink.status != http.StatusCreated {
			t.Fatalf("api reset link: %d %s", apiLink.status, apiLink.body)
		}
		got := apiLink.json(t)
		if got["expires_at"] == nil || !strings.Contains(got["url"].(string), "/password/") {
			t.Fatalf("api answer: %v", got)
		}
		u, _ := url.Parse(got["url"].(string))
		// The API's link replaced the page's one.
		person := a.browser()
		if r := person.get(linkURL); r.status != http.StatusGone {
			t.Errorf("replaced link: %d", r.status)
		}
		if r := person.get(u.Path); r.status != http.StatusOK || !strings.Contains(string(r.body), "marie") {
			t.Fatalf("link page: %d", r.status)
		}
		csrf = person.csrf(u.Path)
		if r := person.post(u.Path, url.Values{"_csrf": {csrf}, "password": {"marie"}}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("weak password: %d", r.status)
		}
		if r := person.post(u.Path, url.Values{"_csrf": {csrf}, "password": {"mon nouveau mot de passe"}}); r.status != http.StatusSeeOther {
			t.Fatalf("use link: %d %s", r.status, r.body)
		}
		if r := person.get("/account"); r.status != http.StatusOK {
			t.Errorf("not signed in after the link: %d", r.status)
		}
		if r := marieElsewhere.get("/account"); r.status != http.StatusSeeOther {
			t.Errorf("another session survived the link: %d", r.status)
		}
		if r := a.browser().get(u.Path); r.status != http.StatusGone {
			t.Errorf("link used twice: %d", r.status)
		}
		audit, err := a.store.AuditPage(t.Context(), 0, 20)
		if err != nil {
			t.Fatal(err)
		}
		reasons := 0
		for _, e := range audit {
			if e.Action == store.AuditPasswordLink && e.Details["reason"] == "a perdu son mot de passe" && *e.ActorID == a.admin.ID {
				reasons++
			}
		}
		if reasons != 1 {
			t.Errorf("the API link's reason is not in the audit log")
		}
	})
}
