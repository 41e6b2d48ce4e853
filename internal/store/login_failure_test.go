package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

func TestLoginFailuresSwapOnlyWhatWasSeen(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d)
		t0 := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
		swap := func(key string, seen, failures int, ends time.Time) bool {
			t.Helper()
			ok, err := st.SwapLoginFailures(ctx, key, seen, store.LoginFailures{Failures: failures, WaitEnds: ends})
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		read := func(keys ...string) map[string]store.LoginFailures {
			t.Helper()
			got, err := st.LoginFailuresOf(ctx, keys...)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}

		if !swap("compte", 0, 1, t0) {
			t.Fatal("first failure of a new key not written")
		}
		if swap("compte", 0, 1, t0) {
			t.Error("a second writer that saw no row overwrote the first")
		}
		if !swap("compte", 1, 2, t0.Add(5*time.Second)) {
			t.Fatal("second failure not written")
		}
		got := read("compte", "adresse")
		if len(got) != 1 || got["compte"].Failures != 2 || !got["compte"].WaitEnds.Equal(t0.Add(5*time.Second)) {
			t.Errorf("read back: %+v", got)
		}

		// Of simultaneous writers that read the same count, one wins.
		var wg sync.WaitGroup
		wins := make(chan bool, 8)
		for range 8 {
			wg.Go(func() {
				ok, err := st.SwapLoginFailures(ctx, "compte", 2, store.LoginFailures{Failures: 3, WaitEnds: t0})
				if err != nil {
					t.Error(err)
				}
				wins <- ok
			})
		}
		wg.Wait()
		close(wins)
		n := 0
		for ok := range wins {
			if ok {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d simultaneous swaps from one count won, want 1", n)
		}

		// Purging takes the keys whose wait ended before the given time.
		swap("adresse", 0, 1, t0.Add(time.Hour))
		if n, err := st.DeleteEndedLoginFailures(ctx, t0.Add(time.Minute)); err != nil || n != 1 {
			t.Errorf("purge: %d rows, %v; want the account's alone", n, err)
		}
		if err := st.ClearLoginFailures(ctx, "adresse"); err != nil {
			t.Fatal(err)
		}
		if got := read("compte", "adresse"); len(got) != 0 {
			t.Errorf("after purge and clear: %+v", got)
		}
	})
}
