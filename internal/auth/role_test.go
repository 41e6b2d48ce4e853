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

func TestSetRoleAuditsAndEndsSessions(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d)
		svc := auth.NewService(st)
		admin := testutil.User(t, st, "admin", model.RoleAdmin)
		marie := testutil.User(t, st, "marie", model.RoleContributor)
		token, _, err := svc.StartSession(ctx, &marie.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			actor *model.User
			id    int64
			role  string
			want  error
		}{
			{marie, admin.ID, model.RoleContributor, auth.ErrForbidden},
			{admin, marie.ID, "chef", auth.ErrUnknownRole},
			{admin, admin.ID, model.RoleContributor, auth.ErrOwnRole},
		} {
			if err := svc.SetRole(ctx, tc.actor, tc.id, tc.role, false); !errors.Is(err, tc.want) {
				t.Errorf("%s sets %d to %q: %v, want %v", tc.actor.Username, tc.id, tc.role, err, tc.want)
			}
		}
		if _, _, err := svc.Session(ctx, token); err != nil {
			t.Fatalf("a refused change ended the session: %v", err)
		}
		if err := svc.SetRole(ctx, admin, marie.ID, model.RoleAdmin, false); err != nil {
			t.Fatal(err)
		}
		if u, err := st.UserByID(ctx, marie.ID); err != nil || u.Role != model.RoleAdmin {
			t.Errorf("role = %v (%v)", u, err)
		}
		if _, _, err := svc.Session(ctx, token); err == nil {
			t.Error("the session outlived the role change")
		}
		entries, err := st.AuditPage(ctx, 0, 10)
		if err != nil || len(entries) != 1 || entries[0].Action != store.AuditRoleChange || *entries[0].ActorID != admin.ID {
			t.Errorf("audit = %+v (%v)", entries, err)
		}
	})
}

func TestDeleteAPITokenOfItsOwnerOnly(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d)
		svc := auth.NewService(st)
		marie := testutil.User(t, st, "marie", model.RoleContributor)
		other := testutil.User(t, st, "autre", model.RoleContributor)
		if _, err := svc.CreateAPIToken(ctx, marie.ID, "script"); err != nil {
			t.Fatal(err)
		}
		tokens, err := st.APITokensOfUser(ctx, marie.ID)
		if err != nil || len(tokens) != 1 {
			t.Fatalf("tokens = %v (%v)", tokens, err)
		}
		if err := svc.DeleteAPIToken(ctx, other, tokens[0].ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another's token: %v", err)
		}
		if err := svc.DeleteAPIToken(ctx, marie, tokens[0].ID); err != nil {
			t.Fatal(err)
		}
		if tokens, _ := st.APITokensOfUser(ctx, marie.ID); len(tokens) != 0 {
			t.Errorf("token left: %v", tokens)
		}
	})
}
