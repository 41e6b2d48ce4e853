package auth_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
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

// TestSignInIsThrottledAcrossInstances: two services over one database
// stand for two instances of the atlas; their failures add up.
func TestSignInIsThrottledAcrossInstances(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		one, two := auth.NewService(store.New(d)), auth.NewService(store.New(d))
		for _, name := range []string{"marie", "yann"} {
			if _, err := one.CreateUser(ctx, auth.NewUser{Username: name, Email: name + "@example.org", Role: model.RoleContributor, Password: "un mot de passe"}); err != nil {
				t.Fatal(err)
			}
		}
		// A success forgives the account's earlier failures.
		for _, svc := range []*auth.Service{one, two, one, two} {
			if _, err := svc.SignIn(ctx, "marie", "faux", "10.0.0.1"); !errors.Is(err, auth.ErrBadCredentials) {
				t.Fatalf("wrong password: %v", err)
			}
		}
		if _, err := two.SignIn(ctx, "marie", "un mot de passe", "10.0.0.1"); err != nil {
			t.Fatalf("right password after 4 failures: %v", err)
		}
		// Five failures through either instance, from rotating addresses,
		// and the right password waits too.
		for i, svc := range []*auth.Service{one, two, one, two, one} {
			if _, err := svc.SignIn(ctx, "marie", "faux", fmt.Sprintf("10.0.1.%d", i)); !errors.Is(err, auth.ErrBadCredentials) {
				t.Fatalf("failure %d: %v", i+1, err)
			}
		}
		if _, err := two.SignIn(ctx, "Marie ", "un mot de passe", "10.0.2.1"); !errors.Is(err, auth.ErrThrottled) {
			t.Errorf("right password after 5 failures on two instances: %v, want throttled", err)
		}
		// The same account's current password cannot be guessed either.
		u, err := store.New(d).UserByUsername(ctx, "marie")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := one.ChangePassword(ctx, u, "un mot de passe", "un autre mot de passe"); !errors.Is(err, auth.ErrThrottled) {
			t.Errorf("password change of a throttled account: %v", err)
		}
		// One address trying many accounts is stopped after 20 failures,
		// whichever instance it reaches; other addresses are not.
		for i := range 20 {
			svc := []*auth.Service{one, two}[i%2]
			if _, err := svc.SignIn(ctx, fmt.Sprintf("compte%d", i), "faux", "10.0.3.1"); !errors.Is(err, auth.ErrBadCredentials) {
				t.Fatalf("address failure %d: %v", i+1, err)
			}
		}
		if _, err := one.SignIn(ctx, "yann", "un mot de passe", "10.0.3.1"); !errors.Is(err, auth.ErrThrottled) {
			t.Errorf("an address after 20 failures: %v, want throttled", err)
		}
		if _, err := two.SignIn(ctx, "yann", "un mot de passe", "10.0.3.2"); err != nil {
			t.Errorf("another address: %v", err)
		}
	})
}

// TestSimultaneousGuessesAreCounted: twenty wrong passwords at once, as
// from a script, get five answers "wrong" and fifteen "wait": each attempt
// is counted before its password is checked.
func TestSimultaneousGuessesAreCounted(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		one, two := auth.NewService(store.New(d)), auth.NewService(store.New(d))
		if _, err := one.CreateUser(ctx, auth.NewUser{Username: "marie", Email: "marie@example.org", Role: model.RoleContributor, Password: "un mot de passe"}); err != nil {
			t.Fatal(err)
		}
		const guesses = 20
		results := make(chan error, guesses)
		var wg sync.WaitGroup
		for i := range guesses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := []*auth.Service{one, two}[i%2].SignIn(ctx, "marie", fmt.Sprintf("devinette %d", i), fmt.Sprintf("10.0.9.%d", i))
				results <- err
			}()
		}
		wg.Wait()
		close(results)
		wrong, throttled := 0, 0
		for err := range results {
			switch {
			case errors.Is(err, auth.ErrBadCredentials):
				wrong++
			case errors.Is(err, auth.ErrThrottled):
				throttled++
			default:
				t.Errorf("guess: %v", err)
			}
		}
		if wrong != 5 || throttled != guesses-5 {
			t.Errorf("%d guesses checked and %d throttled, want 5 and %d", wrong, throttled, guesses-5)
		}
	})
}

// TestSharedAddressKeepsWorking: people signing in rightly from one
// address (a public internet access point) do not use up its tries.
func TestSharedAddressKeepsWorking(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc := auth.NewService(store.New(d))
		for i := range 21 { // one more than an address may fail
			name := fmt.Sprintf("lecteur%d", i)
			if _, err := svc.CreateUser(ctx, auth.NewUser{Username: name, Email: name + "@example.org", Role: model.RoleContributor, Password: "un mot de passe"}); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.SignIn(ctx, name, "un mot de passe", "10.1.1.1"); err != nil {
				t.Fatalf("sign-in %d from the shared address: %v", i+1, err)
			}
		}
	})
}

func TestChangePasswordCountsWrongGuesses(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc := auth.NewService(store.New(d))
		u, err := svc.CreateUser(ctx, auth.NewUser{Username: "marie", Email: "marie@example.org", Role: model.RoleContributor, Password: "un mot de passe"})
		if err != nil {
			t.Fatal(err)
		}
		var invalid *auth.InvalidError
		for i := range 5 {
			if _, err := svc.ChangePassword(ctx, u, "une devinette", "un autre mot de passe"); !errors.As(err, &invalid) || invalid.Field != "current_password" {
				t.Fatalf("guess %d: %v", i+1, err)
			}
		}
		if _, err := svc.ChangePassword(ctx, u, "un mot de passe", "un autre mot de passe"); !errors.Is(err, auth.ErrThrottled) {
			t.Errorf("after 5 wrong guesses: %v, want throttled", err)
		}
		if _, err := svc.SignIn(ctx, "marie", "un mot de passe", "10.0.0.1"); !errors.Is(err, auth.ErrThrottled) {
			t.Errorf("sign-in after 5 wrong guesses on the account page: %v, want throttled", err)
		}
	})
}
