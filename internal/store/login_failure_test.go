package store_test

import (
	"context"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

func TestLoginAttemptsCountWithinTheirWindow(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d)
		t0 := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
		window := 15 * time.Minute
		count := func(at time.Time, keys ...string) map[string]int {
			t.Helper()
			counts, err := st.CountLoginAttempt(ctx, at, at.Add(window), keys...)
			if err != nil {
				t.Fatal(err)
			}
			return counts
		}

		count(t0, "compte", "adresse")
		count(t0.Add(time.Minute), "compte", "adresse")
		if got := count(t0.Add(2*time.Minute), "compte"); got["compte"] != 3 || len(got) != 1 {
			t.Errorf("third attempt on the account: %v, want compte 3 alone", got)
		}
		if got := count(t0.Add(3*time.Minute), "adresse"); got["adresse"] != 3 {
			t.Errorf("third attempt from the address: %v", got)
		}
		// A success from the address takes its attempt back.
		if err := st.ForgiveLoginAttempt(ctx, "adresse"); err != nil {
			t.Fatal(err)
		}
		if got := count(t0.Add(4*time.Minute), "adresse"); got["adresse"] != 3 {
			t.Errorf("after one attempt forgiven, the next: %v, want 3", got)
		}
		// The window runs from the first attempt, not the last: once it
		// has ended, counting starts again at one.
		if got := count(t0.Add(window), "compte"); got["compte"] != 1 {
			t.Errorf("account once its window ended: %v, want 1", got)
		}
		if err := st.ClearLoginFailures(ctx, "compte"); err != nil {
			t.Fatal(err)
		}
		if got := count(t0.Add(window+time.Second), "compte"); got["compte"] != 1 {
			t.Errorf("cleared account: %v, want 1", got)
		}
		// Purging takes the ended windows only (the address's).
		n, err := st.DeleteEndedLoginFailures(ctx, t0.Add(window+2*time.Second))
		if err != nil || n != 1 {
			t.Errorf("purge: %d rows, %v; want the address's ended window alone", n, err)
		}
		if got := count(t0.Add(window+3*time.Second), "compte", "adresse"); got["compte"] != 2 || got["adresse"] != 1 {
			t.Errorf("after the purge: %v, want compte 2 (live window), adresse 1 (new window)", got)
		}
	})
}
