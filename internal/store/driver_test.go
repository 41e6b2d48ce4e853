package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

// TestDuplicateIsAConflict: each driver's unique violation reaches the
// layers above as ErrConflict, inside a transaction and out.
func TestDuplicateIsAConflict(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d)
		testutil.User(t, st, "marie", model.RoleContributor)
		now := time.Now().UTC()
		twin := &model.User{Username: "marie", Email: "autre@example.org", PasswordHash: "h", Role: model.RoleContributor, CreatedAt: now, UpdatedAt: now}
		if err := st.CreateUser(ctx, twin); !errors.Is(err, store.ErrConflict) {
			t.Errorf("second marie: %v, want ErrConflict", err)
		}
		err := st.WithTx(ctx, func(ctx context.Context) error { return st.CreateUser(ctx, twin) })
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("second marie in a transaction: %v, want ErrConflict", err)
		}
		orphan := &model.Session{ID: "s", UserID: new(int64(999)), CSRFToken: "c", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := st.CreateSession(ctx, orphan); err == nil || errors.Is(err, store.ErrConflict) {
			t.Errorf("session of no account: %v, want a foreign key error", err)
		}
	})
}

// TestSQLiteTimeFormatIsKept: SQLite compares times as text, so an atlas
// written by the earlier driver ("2006-01-02 15:04:05.999999999-07:00", to
// the nanosecond)
// must read and compare as before, and new times must be written in that
// same shape.
func TestSQLiteTimeFormatIsKept(t *testing.T) {
	ctx := context.Background()
	d := testutil.NewSQLite(t)
	st := store.New(d)
	expires := time.Date(2026, 11, 30, 11, 0, 0, 123456789, time.UTC)
	err := d.Conn(ctx).Exec(`INSERT INTO sessions (id, csrf_token, created_at, expires_at) VALUES ('old', 'c', ?, ?)`,
		"2026-11-30 10:00:00.5+00:00", "2026-11-30 11:00:00.123456789+00:00").Error
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := st.SessionWithUser(ctx, "old", expires.Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if !got.ExpiresAt.Equal(expires) || !got.CreatedAt.Equal(time.Date(2026, 11, 30, 10, 0, 0, 5e8, time.UTC)) {
		t.Errorf("old session reads %v / %v", got.CreatedAt, got.ExpiresAt)
	}
	if _, _, err := st.SessionWithUser(ctx, "old", expires.Add(time.Microsecond)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("old session after it expired: %v", err)
	}

	at := time.Date(2026, 11, 30, 10, 0, 0, 250000999, time.UTC)
	if err := st.CreateSession(ctx, &model.Session{ID: "new", CSRFToken: "c", CreatedAt: at, ExpiresAt: at}); err != nil {
		t.Fatal(err)
	}
	var stored string
	if err := d.Conn(ctx).Raw(`SELECT CAST(created_at AS TEXT) FROM sessions WHERE id = 'new'`).Row().Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if stored != "2026-11-30 10:00:00.25+00:00" {
		t.Errorf("new time stored as %q", stored)
	}
}
