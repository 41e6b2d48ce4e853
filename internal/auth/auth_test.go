package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"atlas/internal/auth"
	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

func TestPasswordHash(t *testing.T) {
	hash, err := auth.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash = %s", hash)
	}
	if ok, _ := auth.VerifyPassword(hash, "correct horse battery"); !ok {
		t.Error("right password refused")
	}
	if ok, _ := auth.VerifyPassword(hash, "correct horse batterx"); ok {
		t.Error("wrong password accepted")
	}
	other, _ := auth.HashPassword("correct horse battery")
	if other == hash {
		t.Error("two hashes of one password are equal: salt not random")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$a$b", "$argon2id$v=19$m=x$a$b", "plain"} {
		if _, err := auth.VerifyPassword(bad, "x"); err == nil {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
}

func TestAccountsSessionsAndTokens(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d)
		svc := auth.NewService(st)
		u, err := svc.CreateUser(ctx, auth.NewUser{Username: "marie", Email: "marie@example.org", Role: model.RoleContributor, Password: "un mot de passe"})
		if err != nil {
			t.Fatal(err)
		}
		var invalid *auth.InvalidError
		if _, err := svc.CreateUser(ctx, auth.NewUser{Username: "marie", Email: "autre@example.org", Role: model.RoleContributor, Password: "un mot de passe"}); !errors.As(err, &invalid) {
			t.Errorf("duplicate username: err = %v", err)
		}
		for _, bad := range []auth.NewUser{
			{Username: "M", Email: "m@example.org", Role: "contributor", Password: "long enough!"},
			{Username: "jean", Email: "pas une adresse", Role: "contributor", Password: "long enough!"},
			{Username: "jean", Email: "j@example.org", Role: "chef", Password: "long enough!"},
			{Username: "jean", Email: "j@example.org", Role: "contributor", Password: "court"},
		} {
			if _, err := svc.CreateUser(ctx, bad); !errors.As(err, &invalid) {
				t.Errorf("%+v: err = %v", bad, err)
			}
		}

		if _, err := svc.Authenticate(ctx, "marie", "mauvais mot de passe"); !errors.Is(err, auth.ErrBadCredentials) {
			t.Errorf("wrong password: %v", err)
		}
		if _, err := svc.Authenticate(ctx, "inconnu", "un mot de passe"); !errors.Is(err, auth.ErrBadCredentials) {
			t.Errorf("unknown user: %v", err)
		}
		if _, err := svc.Authenticate(ctx, "marie", "un mot de passe"); err != nil {
			t.Fatal(err)
		}

		// An anonymous session is replaced at login: the old id stops working.
		anon, _, err := svc.StartSession(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		token, sess, err := svc.Login(ctx, u, anon)
		if err != nil {
			t.Fatal(err)
		}
		if token == anon || len(token) < 43 {
			t.Errorf("login token %q not renewed or too short", token)
		}
		if _, _, err := svc.Session(ctx, anon); !errors.Is(err, auth.ErrNoSession) {
			t.Errorf("old anonymous session still valid: %v", err)
		}
		got, who, err := svc.Session(ctx, token)
		if err != nil || who == nil || who.ID != u.ID || got.CSRFToken != sess.CSRFToken {
			t.Fatalf("session: %v %v %v", got, who, err)
		}
		var stored model.Session
		d.Conn(ctx).Take(&stored)
		if stored.ID == token {
			t.Error("session stored under its cookie value, not its hash")
		}

		apiToken, err := svc.CreateAPIToken(ctx, u.ID, "robot")
		if err != nil {
			t.Fatal(err)
		}
		if who, err := svc.UserForToken(ctx, apiToken); err != nil || who.ID != u.ID {
			t.Errorf("token: %v %v", who, err)
		}
		if _, err := svc.UserForToken(ctx, apiToken+"x"); !errors.Is(err, auth.ErrBadCredentials) {
			t.Errorf("forged token: %v", err)
		}

		// Disabling the account ends its sessions and tokens at once.
		if err := st.UpdateUserRole(ctx, u.ID, model.RoleContributor, true); err != nil {
			t.Fatal(err)
		}
		if _, _, err := svc.Session(ctx, token); !errors.Is(err, auth.ErrNoSession) {
			t.Errorf("disabled account's session: %v", err)
		}
		if _, err := svc.UserForToken(ctx, apiToken); !errors.Is(err, auth.ErrBadCredentials) {
			t.Errorf("disabled account's token: %v", err)
		}
		if err := svc.Logout(ctx, token); err != nil {
			t.Fatal(err)
		}
	})
}
