package auth_test

import (
	"context"
	"errors"
	"testing"

	"atlas/internal/auth"
	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

// TestNewPasswordEndsTokens: a thief's API token must not outlive the
// owner's recovery, whether the owner changes the password or an admin
// resets it; the audit log says so.
func TestNewPasswordEndsTokens(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d)
		svc := auth.NewService(st)
		admin := testutil.User(t, st, "admin", model.RoleAdmin)
		marie := testutil.User(t, st, "marie", model.RoleContributor)
		other := testutil.User(t, st, "paul", model.RoleContributor)
		token := func(u *model.User) string {
			tok, err := svc.CreateAPIToken(ctx, u.ID, "script")
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		stolen, kept := token(marie), token(other)
		token(marie)

		ended, err := svc.ChangePassword(ctx, marie, testutil.FixturePassword, "un tout nouveau mot de passe")
		if err != nil || ended != 2 {
			t.Fatalf("change password: ended %d (%v), want 2", ended, err)
		}
		if _, err := svc.UserForToken(ctx, stolen); !errors.Is(err, auth.ErrBadCredentials) {
			t.Errorf("a token outlived the password change: %v", err)
		}
		if _, err := svc.UserForToken(ctx, kept); err != nil {
			t.Errorf("another account's token ended: %v", err)
		}

		stolen = token(marie)
		if _, err := svc.ResetPassword(ctx, marie, other, "le mot de passe de paul"); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("a contributor reset another's password: %v", err)
		}
		if _, err := svc.ResetPassword(ctx, admin, marie, "azerty2026"); !errors.As(err, new(*auth.InvalidError)) {
			t.Errorf("reset to a common password: %v", err)
		}
		if _, err := svc.UserForToken(ctx, stolen); err != nil {
			t.Errorf("a refused reset ended the token: %v", err)
		}
		if ended, err := svc.ResetPassword(ctx, admin, marie, "encore un autre mot de passe"); err != nil || ended != 1 {
			t.Fatalf("admin reset: ended %d (%v), want 1", ended, err)
		}
		if _, err := svc.UserForToken(ctx, stolen); !errors.Is(err, auth.ErrBadCredentials) {
			t.Errorf("a token outlived the admin's reset: %v", err)
		}
		if _, err := svc.ResetPassword(ctx, nil, marie, "et un dernier pour la route"); err != nil {
			t.Fatalf("command-line reset: %v", err)
		}
		if _, err := svc.Authenticate(ctx, "marie", "et un dernier pour la route"); err != nil {
			t.Errorf("the new password does not sign in: %v", err)
		}

		entries, err := st.AuditPage(ctx, 0, 10)
		if err != nil || len(entries) != 3 {
			t.Fatalf("audit = %+v (%v), want 3 entries", entries, err)
		}
		for i, want := range []struct {
			actor *int64
			via   string
			ended float64
		}{{nil, "command_line", 0}, {&admin.ID, "admin", 1}, {&marie.ID, "account", 2}} {
			e := entries[i]
			if e.Action != store.AuditPasswordChange || (e.ActorID == nil) != (want.actor == nil) ||
				(e.ActorID != nil && *e.ActorID != *want.actor) || e.Details["via"] != want.via || toFloat(e.Details["tokens_ended"]) != want.ended {
				t.Errorf("audit entry %d = %+v, want via %s with %v tokens ended", i, e, want.via, want.ended)
			}
		}
	})
}

func toFloat(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case int64:
		return float64(n)
	case int:
		return float64(n)
	}
	return -1
}

// TestCreateUserRefusesGuessablePasswords: the same rule at account
// creation as at every later change.
func TestCreateUserRefusesGuessablePasswords(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		svc := auth.NewService(store.New(d))
		for _, pw := range []string{"         a", "motdepasse", "Soleil2026!", "jean-paul-2026"} {
			_, err := svc.CreateUser(context.Background(), auth.NewUser{Username: "jean-paul", Email: "jp@example.org", Role: model.RoleContributor, Password: pw})
			var invalid *auth.InvalidError
			if !errors.As(err, &invalid) || invalid.Field != "password" {
				t.Errorf("password %q: %v", pw, err)
			}
		}
	})
}
