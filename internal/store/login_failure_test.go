package store_test

import (
	"context"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

func TestLoginFailuresCountWithinTheirWindow(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d)
		t0 := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
		window := 15 * time.Minute
		count := func(at time.Time, key string) int {
			t.Helper()
			counts, err := st.LoginFailures(ctx, at, key, "jamais")
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := counts["jamais"]; ok {
				t.Errorf("a key never recorded has a count: %v", counts)
			}
			return counts[key]
		}
		record := func(at time.Time, keys ...string) {
			t.Helper()
			if err := st.RecordLoginFailure(ctx, at, at.Add(window), keys...); err != nil {
				t.Fatal(err)
			}
		}

		record(t0, "compte", "adresse")
		record(t0.Add(time.Minute), "compte", "adresse")
		record(t0.Add(2*time.Minute), "compte")
		if got := count(t0.Add(3*time.Minute), "compte"); got != 3 {
			t.Errorf("account within its window: %d failures, want 3", got)
		}
		if got := count(t0.Add(3*time.Minute), "adresse"); got != 2 {
			t.Errorf("address within its window: %d failures, want 2", got)
		}
		// The window runs from the first failure, not the last.
		if got := count(t0.Add(window), "compte"); got != 0 {
			t.Errorf("account once its window ended: %d failures, want 0", got)
		}
		// A failure after the window starts a new one at one.
		record(t0.Add(window+time.Second), "compte")
		if got := count(t0.Add(window+2*time.Second), "compte"); got != 1 {
			t.Errorf("account in a new window: %d failures, want 1", got)
		}

		if err := st.ClearLoginFailures(ctx, "compte"); err != nil {
			t.Fatal(err)
		}
		if got := count(t0.Add(window+2*time.Second), "compte"); got != 0 {
			t.Errorf("cleared account: %d failures", got)
		}
		// Purging takes the ended windows only.
		record(t0.Add(window+3*time.Second), "compte")
		n, err := st.DeleteEndedLoginFailures(ctx, t0.Add(window+4*time.Second))
		if err != nil || n != 1 {
			t.Errorf("purge: %d rows, %v; want the address's ended window alone", n, err)
		}
		if got := count(t0.Add(window+5*time.Second), "compte"); got != 1 {
			t.Errorf("purge took a live window: %d failures, want 1", got)
		}
	})
}
