package auth

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

// countingKDF replaces argon2id for a test: it counts the computations,
// keeps the most that ran at once, and holds each one until release is
// closed.
type countingKDF struct {
	calls, running, most atomic.Int64
	release              chan struct{}
}

func instrumentHashing(t *testing.T, bound int) *countingKDF {
	t.Helper()
	k := &countingKDF{release: make(chan struct{})}
	saved, savedWait := deriveKey, hashWait
	LimitHashing(bound)
	deriveKey = func(password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
		k.calls.Add(1)
		now := k.running.Add(1)
		for {
			most := k.most.Load()
			if now <= most || k.most.CompareAndSwap(most, now) {
				break
			}
		}
		<-k.release
		k.running.Add(-1)
		return argon2.IDKey(password, salt, 1, 8, 1, keyLen) // cheap: only the count matters
	}
	t.Cleanup(func() {
		deriveKey, hashWait = saved, savedWait
		LimitHashing(0)
	})
	return k
}

// waitRunning waits until n computations are held.
func (k *countingKDF) waitRunning(t *testing.T, n int64) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); k.running.Load() < n; runtime.Gosched() {
		if time.Now().After(deadline) {
			t.Fatalf("%d computations running, waited for %d", k.running.Load(), n)
		}
	}
}

func TestConcurrentHashingNeverExceedsTheBound(t *testing.T) {
	hash, err := HashPassword("un mot de passe")
	if err != nil {
		t.Fatal(err)
	}
	k := instrumentHashing(t, 3)
	const attempts = 12
	var wg sync.WaitGroup
	for i := range attempts {
		wg.Go(func() {
			if i%2 == 0 {
				_, _ = VerifyPassword(hash, fmt.Sprint("essai ", i))
			} else {
				_, _ = HashPassword(fmt.Sprint("nouveau ", i))
			}
		})
	}
	k.waitRunning(t, 3)
	for range 100 { // the others had every chance to start too
		runtime.Gosched()
	}
	if n := k.running.Load(); n != 3 {
		t.Errorf("%d computations at once, bound 3", n)
	}
	close(k.release)
	wg.Wait()
	if k.calls.Load() != attempts || k.most.Load() > 3 {
		t.Errorf("%d computations, at most %d at once; want %d, at most 3", k.calls.Load(), k.most.Load(), attempts)
	}
}

func TestHashSlotsFollowMemory(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		budget uint64
		cpus   int
		want   int
	}{
		{0, 8, 1},                // unknown memory: the floor
		{64 * mib, 8, 1},         // a quarter of 64 MiB holds no 19 MiB block
		{4 * 19 * 3 * mib, 8, 3}, // three blocks in a quarter
		{16 << 30, 2, 1},         // plenty of memory, two processors: one left to readers
		{16 << 30, 1, 1},
		{16 << 30, 64, 63},
	} {
		if got := hashSlots(tc.budget, tc.cpus); got != tc.want {
			t.Errorf("hashSlots(%d MiB, %d cpus) = %d, want %d", tc.budget/mib, tc.cpus, got, tc.want)
		}
	}
	if n := DefaultHashConcurrency(); n < 1 || n > max(runtime.NumCPU()-1, 1) {
		t.Errorf("default bound on this machine: %d", n)
	}
}

// TestLoginsWaitBrieflyThenAreBusy: with every slot taken, a login is
// refused with ErrBusy once its short wait ends, counting nothing against
// the account; unknown usernames go through the same bound, and cost one
// computation like known ones.
func TestLoginsWaitBrieflyThenAreBusy(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d)
		svc := NewService(st)
		testutil.User(t, st, "marie", model.RoleContributor)
		k := instrumentHashing(t, 2)
		hashWait = 20 * time.Millisecond

		// Two logins hold both slots; a third, known or not, is busy.
		var wg sync.WaitGroup
		for _, name := range []string{"marie", "inconnu"} {
			wg.Go(func() { _, _ = svc.SignIn(ctx, name, "faux", "10.0.0.1") })
		}
		k.waitRunning(t, 2)
		for _, name := range []string{"marie", "personne"} {
			if _, err := svc.SignIn(ctx, name, testutil.FixturePassword, "10.0.0.2"); !errors.Is(err, ErrBusy) {
				t.Errorf("%s while every slot is taken: %v, want ErrBusy", name, err)
			}
		}
		if _, err := svc.CreateUser(ctx, NewUser{Username: "yann", Email: "yann@example.org", Role: model.RoleContributor, Password: "un mot de passe"}); !errors.Is(err, ErrBusy) {
			t.Errorf("account creation while every slot is taken: %v, want ErrBusy", err)
		}
		close(k.release)
		wg.Wait()
		if k.most.Load() > 2 {
			t.Errorf("%d computations at once, bound 2", k.most.Load())
		}
		// The busy attempts were not counted: only the two checked ones.
		got, err := st.LoginFailuresOf(ctx, pairKey("marie", "10.0.0.2").hash, pairKey("personne", "10.0.0.2").hash, addressKey("10.0.0.2").hash)
		if err != nil || len(got) != 0 {
			t.Errorf("failures counted for busy attempts: %v %v", got, err)
		}

		// An unknown username costs one computation, as a known one does.
		for _, name := range []string{"marie", "inconnu"} {
			before := k.calls.Load()
			if _, err := svc.SignIn(ctx, name, "faux", "10.0.0.3"); !errors.Is(err, ErrBadCredentials) {
				t.Fatalf("%s: %v", name, err)
			}
			if n := k.calls.Load() - before; n != 1 {
				t.Errorf("sign-in as %s: %d computations, want 1", name, n)
			}
		}
	})
}
