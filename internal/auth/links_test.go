package auth_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"atlas/internal/auth"
	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

// TestPasswordLinkOnceAndExpires: a password link sets the password once,
// under the password rule, ends the account's sessions and tokens, is
// dead the second time and after 24 hours, and a newer link kills the
// older one.
func TestPasswordLinkOnceAndExpires(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d)
		clk := &clock{now: time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)}
		svc := auth.NewService(st).WithClock(clk.Now)
		admin := testutil.User(t, st, "admin", model.RoleAdmin)
		marie := testutil.User(t, st, "marie", model.RoleContributor)

		if _, err := svc.NewPasswordLink(ctx, marie, admin, "", ""); !errors.Is(err, auth.ErrForbidden) {
			t.Fatalf("a contributor made a password link: %v", err)
		}
		link, err := svc.NewPasswordLink(ctx, admin, marie, "", "a oublié son mot de passe")
		if err != nil {
			t.Fatal(err)
		}
		if !link.ExpiresAt.Equal(clk.Now().Add(24 * time.Hour)) {
			t.Errorf("expires at %v", link.ExpiresAt)
		}
		stolen, err := svc.CreateAPIToken(ctx, marie.ID, "script")
		if err != nil {
			t.Fatal(err)
		}
		if u, err := svc.PasswordLinkUser(ctx, link.Token); err != nil || u.ID != marie.ID {
			t.Fatalf("link user: %v %v", u, err)
		}
		if _, err := svc.UsePasswordLink(ctx, link.Token, "azerty2026"); !errors.As(err, new(*auth.InvalidError)) {
			t.Fatalf("a common password was accepted: %v", err)
		}
		if _, err := svc.UsePasswordLink(ctx, link.Token, "un mot de passe tout neuf"); err != nil {
			t.Fatalf("a refused password used up the link: %v", err)
		}
		if _, err := svc.Authenticate(ctx, "marie", "un mot de passe tout neuf"); err != nil {
			t.Errorf("new password refused: %v", err)
		}
		if _, err := svc.UserForToken(ctx, stolen); !errors.Is(err, auth.ErrBadCredentials) {
			t.Errorf("an API token outlived the link: %v", err)
		}
		if _, err := svc.UsePasswordLink(ctx, link.Token, "encore un autre secret"); !errors.Is(err, auth.ErrLinkDead) {
			t.Errorf("link used twice: %v", err)
		}

		// Expiry, to the second.
		late, err := svc.NewPasswordLink(ctx, admin, marie, "", "")
		if err != nil {
			t.Fatal(err)
		}
		clk.advance(24*time.Hour - time.Second)
		if _, err := svc.PasswordLinkUser(ctx, late.Token); err != nil {
			t.Errorf("link dead before 24 h: %v", err)
		}
		clk.advance(time.Second)
		if _, err := svc.UsePasswordLink(ctx, late.Token, "encore un autre secret"); !errors.Is(err, auth.ErrLinkDead) {
			t.Errorf("link alive after 24 h: %v", err)
		}

		// A newer link replaces the older one.
		first, _ := svc.NewPasswordLink(ctx, admin, marie, "", "")
		second, _ := svc.NewPasswordLink(ctx, admin, marie, "", "")
		if _, err := svc.PasswordLinkUser(ctx, first.Token); !errors.Is(err, auth.ErrLinkDead) {
			t.Errorf("older link still alive: %v", err)
		}
		// Used at once from two browsers: one wins.
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = svc.UsePasswordLink(ctx, second.Token, "deux navigateurs à la fois")
			}()
		}
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Errorf("concurrent uses: %v, %v; want exactly one success", errs[0], errs[1])
		}

		audit, err := st.AuditPage(ctx, 0, 50)
		if err != nil {
			t.Fatal(err)
		}
		links, viaLink := 0, 0
		for _, e := range audit {
			if e.Action == store.AuditPasswordLink {
				links++
				if e.ActorID == nil || *e.ActorID != admin.ID {
					t.Errorf("password link without its admin: %+v", e)
				}
			}
			if e.Action == store.AuditPasswordChange && e.Details["via"] == "link" {
				viaLink++
			}
		}
		if links != 4 || viaLink != 2 {
			t.Errorf("audit: %d links, %d passwords via a link; want 4 and 2", links, viaLink)
		}
	})
}

// TestSetupLinkDiesOnceUsed: the setup link creates one admin; then it,
// and any other setup link, is dead, and no new one can be made.
func TestSetupLinkDiesOnceUsed(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d)
		clk := &clock{now: time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)}
		svc := auth.NewService(st).WithClock(clk.Now)

		old, err := svc.NewSetupLink(ctx)
		if err != nil {
			t.Fatal(err)
		}
		link, err := svc.NewSetupLink(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.CheckSetupLink(ctx, old.Token); !errors.Is(err, auth.ErrLinkDead) {
			t.Errorf("an older setup link still works: %v", err)
		}
		in := auth.NewUser{Username: "camille", Email: "Camille@Example.org", Password: "camille"}
		if _, err := svc.CompleteSetup(ctx, link.Token, in); !errors.As(err, new(*auth.InvalidError)) {
			t.Fatalf("weak password accepted: %v", err)
		}
		in.Password = "le jardin des communs"
		u, err := svc.CompleteSetup(ctx, link.Token, in)
		if err != nil {
			t.Fatal(err)
		}
		if !u.IsAdmin() {
			t.Errorf("first account is %s", u.Role)
		}
		if _, err := svc.CompleteSetup(ctx, link.Token, auth.NewUser{Username: "intrus", Email: "i@example.org", Password: "un autre secret long"}); !errors.Is(err, auth.ErrLinkDead) {
			t.Errorf("setup link used twice: %v", err)
		}
		if _, err := svc.NewSetupLink(ctx); !errors.Is(err, auth.ErrSetupDone) {
			t.Errorf("a setup link was made with an admin: %v", err)
		}
		if n, _ := st.CountUsers(ctx); n != 1 {
			t.Errorf("%d accounts", n)
		}
		// The first admin logs in by address, whatever its case.
		if got, err := svc.Authenticate(ctx, "camille@example.ORG", "le jardin des communs"); err != nil || got.ID != u.ID {
			t.Errorf("login by e-mail: %v %v", got, err)
		}
	})
}

// TestSetupLinkDiesWhenAnAccountExists: an account made otherwise (the
// command line) kills a printed setup link.
func TestSetupLinkDiesWhenAnAccountExists(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d)
		svc := auth.NewService(st)
		link, err := svc.NewSetupLink(ctx)
		if err != nil {
			t.Fatal(err)
		}
		testutil.User(t, st, "admin", model.RoleAdmin)
		if err := svc.CheckSetupLink(ctx, link.Token); !errors.Is(err, auth.ErrLinkDead) {
			t.Errorf("setup link alive with an admin: %v", err)
		}
		if _, err := svc.CompleteSetup(ctx, link.Token, auth.NewUser{Username: "camille", Email: "c@example.org", Password: "le jardin des communs"}); !errors.Is(err, auth.ErrLinkDead) {
			t.Errorf("second admin through setup: %v", err)
		}
	})
}

// TestLoginByEmailOrName: usernames and addresses both sign in, in any
// case; a name wins over an address typed as a name.
func TestLoginByEmailOrName(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d)
		svc := auth.NewService(st)
		marie := testutil.User(t, st, "marie", model.RoleContributor)
		for _, login := range []string{"marie", "MARIE", " Marie ", "marie@example.org", "Marie@EXAMPLE.org"} {
			u, err := svc.SignIn(ctx, login, testutil.FixturePassword, "192.0.2.1")
			if err != nil || u.ID != marie.ID {
				t.Errorf("sign in as %q: %v %v", login, u, err)
			}
		}
		if _, err := svc.SignIn(ctx, "marie@example.org", "not the password at all", "192.0.2.1"); !errors.Is(err, auth.ErrBadCredentials) {
			t.Errorf("wrong password by e-mail: %v", err)
		}
	})
}

// TestSignupNeedsAnAdminFirst: no sign-up before the setup link is used
// (it would kill it); closed mode refuses; only admins decide.
func TestSignupNeedsAnAdminFirst(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d)
		svc := auth.NewService(st)
		in := auth.NewUser{Username: "lou", Email: "lou@example.org", Password: "un mot de passe à moi"}
		if _, err := svc.SignUp(ctx, auth.SignupOpen, in, "192.0.2.1"); !errors.Is(err, auth.ErrSignupClosed) {
			t.Errorf("sign-up on an atlas without admin: %v", err)
		}
		admin := testutil.User(t, st, "admin", model.RoleAdmin)
		if _, err := svc.SignUp(ctx, auth.SignupClosed, in, "192.0.2.1"); !errors.Is(err, auth.ErrSignupClosed) {
			t.Errorf("closed sign-up: %v", err)
		}
		lou, err := svc.SignUp(ctx, auth.SignupApproval, in, "192.0.2.1")
		if err != nil || lou.State != model.UserPending || lou.Role != model.RoleContributor {
			t.Fatalf("approval sign-up: %+v %v", lou, err)
		}
		marie := testutil.User(t, st, "marie", model.RoleContributor)
		if err := svc.DecideSignup(ctx, marie, lou, true, ""); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("a contributor approved: %v", err)
		}
		if err := svc.DecideSignup(ctx, admin, lou, true, ""); err != nil {
			t.Fatal(err)
		}
		if err := svc.DecideSignup(ctx, admin, lou, false, ""); !errors.Is(err, auth.ErrNotPending) {
			t.Errorf("refused an active account: %v", err)
		}
	})
}
