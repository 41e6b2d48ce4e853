package store_test

import (
	"context"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

// TestTimesAreStoredToTheMicrosecond: a time written with nanoseconds
// reads back truncated to the microsecond on both databases, and the
// written struct holds what was stored.
func TestTimesAreStoredToTheMicrosecond(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d)
		at := time.Date(2026, 11, 30, 10, 0, 0, 123456789, time.UTC)
		want := time.Date(2026, 11, 30, 10, 0, 0, 123456000, time.UTC)
		sess := &model.Session{ID: "s", CSRFToken: "c", CreatedAt: at, ExpiresAt: at.Add(time.Hour)}
		if err := st.CreateSession(ctx, sess); err != nil {
			t.Fatal(err)
		}
		if !sess.CreatedAt.Equal(want) {
			t.Errorf("written struct holds %v, want %v", sess.CreatedAt, want)
		}
		got, _, err := st.SessionWithUser(ctx, "s", at)
		if err != nil {
			t.Fatal(err)
		}
		if !got.CreatedAt.Equal(want) || !got.ExpiresAt.Equal(want.Add(time.Hour)) {
			t.Errorf("read back %v / %v, want %v / %v", got.CreatedAt, got.ExpiresAt, want, want.Add(time.Hour))
		}
	})
}
