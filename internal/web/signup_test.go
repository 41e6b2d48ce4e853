package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

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
