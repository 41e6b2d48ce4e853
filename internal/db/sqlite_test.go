package db_test

import (
	"context"
	"fmt"
	"testing"

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
