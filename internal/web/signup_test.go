package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"atlas/internal/app/apptest"
	"atlas/internal/config"
	"atlas/internal/db"
	"atlas/internal/i18n"
	"atlas/internal/model"
	"atlas/internal/store"
	"atlas/internal/testutil"
	"atlas/internal/web"
)

func signupAtlas(t *testing.T, d *db.DB, mode string) *testAtlas {
	return newTestAtlasWith(t, d, func(deps *web.Deps) { deps.Config.Signup = mode })
}

// TestSignupModes: closed, there is no form; open, the account signs in at
// once; approval, it waits, cannot sign in, and an admin's yes (or no,
// with its reason in the audit log) decides.
func TestSignupModes(t *testing.T) {
	form := func(b *browser, name string) url.Values {
		return url.Values{"_csrf": {b.csrf("/signup")}, "username": {name}, "email": {strings.ToUpper(name) + "@Example.org"},
			"password": {"un mot de passe à moi"}}
	}
	t.Run("closed", func(t *testing.T) {
		testutil.Dialects(t, func(t *testing.T, d *db.DB) {
			a := signupAtlas(t, d, "closed")
			b := a.browser()
			if r := b.get("/login"); strings.Contains(string(r.body), `href="/signup"`) {
				t.Errorf("closed sign-up is offered")
			}
			if r := b.get("/signup"); r.status != http.StatusNotFound {
				t.Errorf("GET /signup closed: %d", r.status)
			}
		})
	})
	t.Run("open", func(t *testing.T) {
		testutil.Dialects(t, func(t *testing.T, d *db.DB) {
			a := signupAtlas(t, d, "open")
			b := a.browser()
			if r := b.get("/login"); !strings.Contains(string(r.body), `href="/signup"`) {
				t.Errorf("open sign-up is not offered on the login page")
			}
			f := form(b, "lou")
			f.Set("password", "azerty123")
			if r := b.post("/signup", f); r.status != http.StatusUnprocessableEntity {
				t.Errorf("weak password: %d", r.status)
			}
			f.Set("password", "un mot de passe à moi")
			f.Set("username", "Lou!")
			if r := b.post("/signup", f); r.status != http.StatusUnprocessableEntity {
				t.Errorf("bad username: %d", r.status)
			}
			f.Set("username", "marie")
			if r := b.post("/signup", f); r.status != http.StatusUnprocessableEntity {
				t.Errorf("taken username: %d", r.status)
			}
			f.Set("username", "lou")
			if r := b.post("/signup", f); r.status != http.StatusSeeOther {
				t.Fatalf("open sign-up: %d %s", r.status, r.body)
			}
			if r := b.get("/account"); r.status != http.StatusOK {
				t.Errorf("not signed in after an open sign-up: %d", r.status)
			}
			u, err := a.store.UserByUsername(t.Context(), "lou")
			if err != nil || u.Role != model.RoleContributor || u.State != model.UserActive {
				t.Errorf("signed-up account: %+v %v", u, err)
			}
		})
	})
	t.Run("approval", func(t *testing.T) {
		testutil.Dialects(t, func(t *testing.T, d *db.DB) {
			a := signupAtlas(t, d, "approval")
			b := a.browser()
			if r := b.post("/signup", form(b, "lou")); r.status != http.StatusCreated ||
				!strings.Contains(string(r.body), html.EscapeString(i18n.T("fr", "signup.waiting"))) {
				t.Fatalf("approval sign-up: %d", r.status)
			}
			if r := b.post("/signup", form(b, "noe")); r.status != http.StatusCreated {
				t.Fatalf("second sign-up: %d", r.status)
			}
			login := func(name string) response {
				lb := a.browser()
				return lb.post("/login", url.Values{"_csrf": {lb.csrf("/login")}, "username": {name}, "password": {"un mot de passe à moi"}})
			}
			if r := login("LOU@example.org"); r.status != http.StatusForbidden ||
				!strings.Contains(string(r.body), html.EscapeString(i18n.T("fr", "login.pending"))) {
				t.Errorf("a waiting account signed in: %d", r.status)
			}
			lou, _ := a.store.UserByUsername(t.Context(), "lou")
			admin := a.browser()
			admin.login("admin")
			page := admin.get("/admin/users")
			if !strings.Contains(string(page.body), "/admin/users/"+itoa(int(lou.ID))+"/approve") {
				t.Fatalf("no approve button for a waiting account")
			}
			csrf := admin.csrf("/admin/users")
			if r := admin.post("/admin/users/"+itoa(int(lou.ID))+"/approve", url.Values{"_csrf": {csrf}}); r.status != http.StatusSeeOther {
				t.Fatalf("approve: %d", r.status)
			}
			if r := login("lou"); r.status != http.StatusSeeOther {
				t.Errorf("approved account cannot sign in: %d", r.status)
			}
			if r := a.api(http.MethodPost, "/users/noe/refuse", "admin", map[string]any{"reason": "inconnu de l'association"}); r.status != http.StatusOK {
				t.Fatalf("refuse: %d %s", r.status, r.body)
			}
			if r := a.api(http.MethodPost, "/users/noe/refuse", "admin", nil); r.status != http.StatusConflict {
				t.Errorf("refused twice: %d", r.status)
			}
			if r := login("noe"); r.status != http.StatusUnauthorized {
				t.Errorf("refused account: %d", r.status)
			}
			audit, err := a.store.AuditPage(t.Context(), 0, 20)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, e := range audit {
				seen[e.Action] = true
				if e.Action == store.AuditSignupRefuse && (e.Details["reason"] != "inconnu de l'association" || *e.ActorID != a.admin.ID) {
					t.Errorf("refusal audit: %+v", e)
				}
			}
			if !seen[store.AuditSignup] || !seen[store.AuditSignupApprove] || !seen[store.AuditSignupRefuse] {
				t.Errorf("audit lacks sign-up entries: %v", seen)
			}
		})
	})
}

// TestSignupWaitingIsToldToAdmins: with ATLAS_SIGNUP=approval, every
// active admin finds a waiting sign-up in their inbox (linked to the
// accounts page) and gets it by mail when a relay is set; contributors
// and disabled admins are not told; /admin/users counts the waiting
// accounts. An open sign-up tells nobody.
func TestSignupWaitingIsToldToAdmins(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		plain := newTestAtlas(t, d) // seeds marie and admin
		second := testutil.User(t, plain.store, "gwen", model.RoleAdmin)
		gone := testutil.User(t, plain.store, "ancien", model.RoleAdmin)
		if err := plain.store.UpdateUserRole(t.Context(), gone.ID, model.RoleAdmin, true); err != nil {
			t.Fatal(err)
		}
		mailer := &inboxMailer{}
		cfg := config.Defaults
		cfg.Signup = "approval"
		atlas := apptest.New(t, d, apptest.WithMailer(mailer), apptest.WithConfig(cfg))
		app, err := web.New(atlas.WebDeps())
		if err != nil {
			t.Fatal(err)
		}
		a := &testAtlas{t: t, app: app, store: atlas.Store, auth: atlas.Auth, tokens: plain.tokens}

		signUp := func(name string) {
			t.Helper()
			b := a.browser()
			f := url.Values{"_csrf": {b.csrf("/signup")}, "username": {name}, "email": {name + "@example.org"},
				"display_name": {"Lou Kerné"}, "password": {"un mot de passe à moi"}}
			if r := b.post("/signup", f); r.status != http.StatusCreated {
				t.Fatalf("sign-up %s: %d %s", name, r.status, r.body)
			}
		}
		signUp("lou")
		lou, err := a.store.UserByUsername(t.Context(), "lou")
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range []*model.User{plain.admin, second, plain.marie, gone} {
			list, err := a.store.NotificationsOf(t.Context(), u.ID, 10)
			if err != nil {
				t.Fatal(err)
			}
			told := len(list) == 1 && list[0].Kind == model.NotifySignupPending && list[0].ActorID != nil && *list[0].ActorID == lou.ID && list[0].ReadAt == nil
			if want := u.Role == model.RoleAdmin && !u.Disabled && u.ID != gone.ID; told != want {
				t.Errorf("%s told of the sign-up: %v, want %v (%+v)", u.Username, told, want, list)
			}
		}

		// Mail: one to each active admin, naming the account, with the link
		// to the accounts page.
		var mails []sentMail
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			if mails = mailer.mails(); len(mails) >= 2 || time.Now().After(deadline) {
				break
			}
		}
		to := map[string]bool{}
		for _, m := range mails {
			to[m.to] = true
			if !strings.Contains(m.subject, "« lou » demande un compte") || !strings.Contains(m.body, "Lou Kerné") ||
				!strings.Contains(m.body, "/admin/users#pending") {
				t.Errorf("mail about the sign-up:\n%s\n%s", m.subject, m.body)
			}
		}
		if len(mails) != 2 || !to[plain.admin.Email] || !to[second.Email] {
			t.Errorf("mails went to %v, want the two active admins", to)
		}

		admin := a.browser()
		admin.login("admin")
		inbox := string(admin.get("/inbox").body)
		if !strings.Contains(inbox, `<a href="/admin/users#pending">`+html.EscapeString("[Atlas des communs] « lou » demande un compte")) {
			t.Errorf("the inbox does not link the sign-up to the accounts page:\n%s", inbox)
		}
		if page := string(admin.get("/admin/users").body); !strings.Contains(page, "1 inscription attend votre accord") ||
			!strings.Contains(page, `<a href="#user-`+itoa(int(lou.ID))+`">lou</a>`) {
			t.Errorf("the accounts page does not count one waiting sign-up")
		}
		signUp("noe")
		if page := string(admin.get("/admin/users").body); !strings.Contains(page, "2 inscriptions attendent votre accord") {
			t.Errorf("the accounts page does not count two waiting sign-ups")
		}
		if r := a.api(http.MethodPost, "/users/lou/approve", "admin", nil); r.status != http.StatusOK {
			t.Fatalf("approve: %d %s", r.status, r.body)
		}
		if page := string(admin.get("/admin/users").body); !strings.Contains(page, "1 inscription attend votre accord") {
			t.Errorf("an approved account is still counted as waiting")
		}

		// Open sign-up: nobody waits, nobody is told.
		deps := atlas.WebDeps()
		deps.Config.Signup = "open"
		openApp, err := web.New(deps)
		if err != nil {
			t.Fatal(err)
		}
		open := &testAtlas{t: t, app: openApp, store: atlas.Store, auth: atlas.Auth, tokens: plain.tokens}
		b := open.browser()
		f := url.Values{"_csrf": {b.csrf("/signup")}, "username": {"yann"}, "email": {"yann@example.org"}, "password": {"un mot de passe à moi"}}
		if r := b.post("/signup", f); r.status != http.StatusSeeOther {
			t.Fatalf("open sign-up: %d", r.status)
		}
		yann, _ := a.store.UserByUsername(t.Context(), "yann")
		list, _ := a.store.NotificationsOf(t.Context(), plain.admin.ID, 10)
		for _, n := range list {
			if n.ActorID != nil && *n.ActorID == yann.ID {
				t.Errorf("an open sign-up was told to admins")
			}
		}
	})
}
