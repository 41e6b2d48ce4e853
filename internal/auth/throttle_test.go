package auth_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"atlas/internal/auth"
	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

// clock is a fake time the tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// attempt is one step of a throttling story: after advancing the clock,
// who tries which password from where, through which instance, and the
// answer wanted: "ok", "wrong", "wrong, wait 5s" (a wrong password that
// makes the next attempt wait) or "wait 5s" (refused unchecked).
type attempt struct {
	advance  time.Duration
	instance int
	username string
	right    bool
	address  string
	want     string
}

// repeat is n copies of a, through alternating instances.
func repeat(n int, a attempt) []attempt {
	out := make([]attempt, n)
	for i := range out {
		out[i] = a
		out[i].instance = i % 2
	}
	return out
}

func outcome(err error) string {
	var throttled *auth.ThrottledError
	switch {
	case err == nil:
		return "ok"
	case errors.As(err, &throttled) && throttled.Checked:
		return "wrong, wait " + throttled.RetryAfter.String()
	case errors.As(err, &throttled):
		return "wait " + throttled.RetryAfter.String()
	case errors.Is(err, auth.ErrBadCredentials):
		return "wrong"
	}
	return err.Error()
}

// TestSignInThrottling: two services over one database stand for two
// instances of the atlas, so every count is shared.
func TestSignInThrottling(t *testing.T) {
	var sprayed []attempt
	for i := range 19 {
		sprayed = append(sprayed, attempt{instance: i % 2, username: fmt.Sprintf("compte%d", i), address: "10.0.3.1", want: "wrong"})
	}
	stories := []struct {
		name  string
		steps []attempt
	}{
		{"a success forgives the failures before it", append(repeat(2, attempt{username: "marie", address: "10.0.0.1", want: "wrong"}),
			attempt{username: "marie", right: true, address: "10.0.0.1", want: "ok"},
			attempt{username: "marie", address: "10.0.0.1", want: "wrong"},
		)},
		{"one address: the wait doubles with each failure, up to a cap", append(repeat(2, attempt{username: "marie", address: "10.0.0.1", want: "wrong"}),
			attempt{username: "marie", address: "10.0.0.1", want: "wrong, wait 5s"},
			attempt{advance: 4 * time.Second, username: "marie", right: true, address: "10.0.0.1", want: "wait 1s"},
			attempt{advance: time.Second, username: "marie", address: "10.0.0.1", want: "wrong, wait 10s"},
			attempt{advance: 10 * time.Second, username: "marie", address: "10.0.0.1", want: "wrong, wait 20s"},
			attempt{advance: 20 * time.Second, username: "marie", address: "10.0.0.1", want: "wrong, wait 40s"},
			attempt{advance: 40 * time.Second, username: "marie", right: true, address: "10.0.0.1", want: "ok"},
			attempt{username: "marie", address: "10.0.0.1", want: "wrong"},
		)},
		{"the cap", append(repeat(10, attempt{advance: 15 * time.Minute, username: "marie", address: "10.0.0.1"}),
			attempt{advance: 15 * time.Minute, username: "marie", address: "10.0.0.1", want: "wrong, wait 15m0s"},
			attempt{advance: 15 * time.Minute, username: "marie", address: "10.0.0.1", want: "wrong, wait 15m0s"},
		)},
		{"a colleague at the same address still logs in, and so does the owner elsewhere", append(repeat(3, attempt{username: "marie", address: "10.0.0.1"}),
			attempt{username: "marie", right: true, address: "10.0.0.1", want: "wait 5s"},
			attempt{username: "yann", right: true, address: "10.0.0.1", want: "ok"},
			attempt{username: "yann", address: "10.0.0.1", want: "wrong"},
			attempt{username: "marie", right: true, address: "10.0.0.9", want: "ok"},
		)},
		{"one account from many addresses waits after ten failures", append(spread(9, "marie"),
			attempt{username: "marie", address: "10.0.1.9", want: "wrong, wait 5s"},
			attempt{username: "marie", right: true, address: "10.0.2.1", want: "wait 5s"},
			attempt{advance: 5 * time.Second, instance: 1, username: "marie", right: true, address: "10.0.2.1", want: "ok"},
		)},
		{"one address across many accounts waits after twenty", append(sprayed,
			attempt{username: "compte19", address: "10.0.3.1", want: "wrong, wait 5s"},
			attempt{username: "yann", right: true, address: "10.0.3.1", want: "wait 5s"},
			attempt{username: "yann", right: true, address: "10.0.3.2", want: "ok"},
			attempt{advance: 5 * time.Second, username: "yann", right: true, address: "10.0.3.1", want: "ok"},
		)},
		{"failures are forgotten an hour after the wait ended", append(repeat(3, attempt{username: "marie", address: "10.0.0.1"}),
			attempt{advance: 5*time.Second + auth.ForgetAfter, username: "marie", address: "10.0.0.1", want: "wrong"},
		)},
	}
	for _, story := range stories {
		t.Run(story.name, func(t *testing.T) {
			testutil.Dialects(t, func(t *testing.T, d *db.DB) {
				ctx := context.Background()
				clk := &clock{now: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)}
				instances := []*auth.Service{auth.NewService(store.New(d)).WithClock(clk.Now), auth.NewService(store.New(d)).WithClock(clk.Now)}
				for _, name := range []string{"marie", "yann"} {
					testutil.User(t, store.New(d), name, model.RoleContributor)
				}
				for i, a := range story.steps {
					clk.advance(a.advance)
					password := "faux"
					if a.right {
						password = testutil.FixturePassword
					}
					got := outcome(firstErr(instances[a.instance].SignIn(ctx, a.username, password, a.address)))
					if a.want != "" && got != a.want {
						t.Fatalf("step %d (%s from %s): %s, want %s", i+1, a.username, a.address, got, a.want)
					}
				}
			})
		})
	}
}

// spread is n wrong passwords for one account, each from its own address.
func spread(n int, username string) []attempt {
	out := repeat(n, attempt{username: username, want: "wrong"})
	for i := range out {
		out[i].address = fmt.Sprintf("10.0.1.%d", i)
	}
	return out
}

func firstErr(_ *model.User, err error) error { return err }

// TestSimultaneousGuessesAreCounted: twelve wrong passwords at once from
// one address, as from a script: three are checked, nine wait. Each
// attempt is counted before its password is checked.
func TestSimultaneousGuessesAreCounted(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		one, two := auth.NewService(store.New(d)), auth.NewService(store.New(d))
		testutil.User(t, store.New(d), "marie", model.RoleContributor)
		const guesses = 12
		// A slot for every guess: this test is about counting, not the
		// hashing bound, which on a small machine would refuse some as busy.
		auth.LimitHashing(guesses)
		t.Cleanup(func() { auth.LimitHashing(0) })
		results := make(chan error, guesses)
		var wg sync.WaitGroup
		for i := range guesses {
			wg.Go(func() {
				_, err := []*auth.Service{one, two}[i%2].SignIn(ctx, "marie", fmt.Sprintf("devinette %d", i), "10.0.9.1")
				results <- err
			})
		}
		wg.Wait()
		close(results)
		checked, refused := 0, 0
		for err := range results {
			var throttled *auth.ThrottledError
			switch {
			case errors.Is(err, auth.ErrBadCredentials):
				checked++
			case errors.As(err, &throttled):
				refused++
			default:
				t.Errorf("guess: %v", err)
			}
		}
		if checked != 3 || refused != guesses-3 {
			t.Errorf("%d guesses checked and %d refused, want 3 and %d", checked, refused, guesses-3)
		}
	})
}

// TestSharedAddressKeepsWorking: people signing in rightly from one
// address (a public internet access point) do not use up its tries, even
// when each of them mistyped first.
func TestSharedAddressKeepsWorking(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc := auth.NewService(store.New(d))
		for i := range 21 { // more accounts than an address may fail
			name := fmt.Sprintf("lecteur%d", i)
			testutil.User(t, store.New(d), name, model.RoleContributor)
			if _, err := svc.SignIn(ctx, name, "faux", "10.1.1.1"); !errors.Is(err, auth.ErrBadCredentials) {
				t.Fatalf("mistyping %d from the shared address: %v", i+1, err)
			}
			if _, err := svc.SignIn(ctx, name, testutil.FixturePassword, "10.1.1.1"); err != nil {
				t.Fatalf("sign-in %d from the shared address: %v", i+1, err)
			}
		}
	})
}

// TestChangePasswordCountsWrongGuesses: whoever holds a session cannot
// guess the current password on the account page, and the owner can still
// sign in meanwhile.
func TestChangePasswordCountsWrongGuesses(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := &clock{now: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)}
		svc := auth.NewService(store.New(d)).WithClock(clk.Now)
		u := testutil.User(t, store.New(d), "marie", model.RoleContributor)
		var invalid *auth.InvalidError
		for i := range 3 {
			if _, err := svc.ChangePassword(ctx, u, "une devinette", "un autre mot de passe"); !errors.As(err, &invalid) || invalid.Field != "current_password" {
				t.Fatalf("guess %d: %v", i+1, err)
			}
		}
		if _, err := svc.ChangePassword(ctx, u, testutil.FixturePassword, "un autre mot de passe"); !errors.Is(err, auth.ErrThrottled) {
			t.Errorf("after 3 wrong guesses: %v, want throttled", err)
		}
		if _, err := svc.SignIn(ctx, "marie", testutil.FixturePassword, "10.0.0.1"); err != nil {
			t.Errorf("sign-in after 3 wrong guesses on the account page: %v", err)
		}
		clk.advance(5 * time.Second)
		if _, err := svc.ChangePassword(ctx, u, testutil.FixturePassword, "un autre mot de passe"); err != nil {
			t.Errorf("once the wait ended: %v", err)
		}
	})
}

// TestSignInByMailCountsOnTheAccount: failures typed as the username and
// as the e-mail address, in any case, are one account's failures.
func TestSignInByMailCountsOnTheAccount(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc := auth.NewService(store.New(d))
		testutil.User(t, store.New(d), "marie", model.RoleContributor)
		for _, login := range []string{"marie", "MARIE@example.org"} {
			if _, err := svc.SignIn(ctx, login, "pas le bon", "10.0.7.1"); !errors.Is(err, auth.ErrBadCredentials) {
				t.Fatalf("%s: %v", login, err)
			}
		}
		// The third failure from this address starts a wait, whichever
		// way the account is named.
		_, err := svc.SignIn(ctx, "Marie@Example.org", "pas le bon", "10.0.7.1")
		var throttled *auth.ThrottledError
		if !errors.As(err, &throttled) || throttled.RetryAfter <= 0 {
			t.Errorf("third failure, by mail: %v; want a wait", err)
		}
	})
}
