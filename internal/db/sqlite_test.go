package db_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"atlas/internal/testutil"
)

// TestSQLitePragmas: every pooled connection runs with the settings the
// atlas relies on, and the SQLite is a current one.
func TestSQLitePragmas(t *testing.T) {
	ctx := context.Background()
	d := testutil.NewSQLite(t)
	g := d.Conn(ctx)
	want := map[string]string{"journal_mode": "wal", "busy_timeout": "10000", "synchronous": "2", "foreign_keys": "1"}
	for pragma, value := range want {
		var got string
		if err := g.Raw("PRAGMA " + pragma).Row().Scan(&got); err != nil || got != value {
			t.Errorf("PRAGMA %s = %q %v, want %q", pragma, got, err, value)
		}
	}
	var version string
	var major, minor int
	if err := g.Raw("SELECT sqlite_version()").Row().Scan(&version); err != nil {
		t.Fatal(err)
	}
	if _, err := fmt.Sscanf(version, "%d.%d", &major, &minor); err != nil || major != 3 || minor < 50 {
		t.Errorf("sqlite_version() = %q %v, want 3.50 or later", version, err)
	}
	t.Logf("SQLite %s", version)
}

// TestSQLiteTransactionsTakeTheWriteLockAtOnce: a transaction holds the
// write lock from its BEGIN (_txlock=immediate), even before it writes, so
// another writer waits for its end instead of failing it half-way.
func TestSQLiteTransactionsTakeTheWriteLockAtOnce(t *testing.T) {
	ctx := context.Background()
	d := testutil.NewSQLite(t)
	written := make(chan error, 1)
	err := d.WithTx(ctx, func(txCtx context.Context) error {
		var n int
		if err := d.Conn(txCtx).Raw("SELECT count(*) FROM users").Row().Scan(&n); err != nil {
			return err
		}
		go func() {
			written <- d.Conn(ctx).Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9000, 'probe', 'x')`).Error
		}()
		select {
		case err := <-written:
			t.Errorf("a writer got through beside an open transaction (err %v)", err)
			written <- err
		case <-time.After(300 * time.Millisecond):
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-written:
		if err != nil {
			t.Errorf("the waiting writer failed: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("the waiting writer never got through")
	}
}
