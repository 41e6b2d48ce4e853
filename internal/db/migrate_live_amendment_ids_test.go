package db_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

// Live session ids are never given twice (AUTOINCREMENT on SQLite, a
// sequence on PostgreSQL): a browser's form still names the session it
// was opened with (live_session), and a session ended before the upgrade
// must not come back as another one. SQLite's rebuild of live_sessions in
// migration 0026 keeps the high-water mark of the ids.
func TestLiveAmendmentMigrationKeepsSessionIDsUnique(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			opts := db.Options{SQLitePath: filepath.Join(t.TempDir(), "atlas.db")}
			if dialect == "postgres" {
				opts = db.Options{PostgresURL: testutil.PostgresSchemaURL(t)}
			}
			d, err := db.Open(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = d.Close() })
			all, err := db.Migrations(d.Dialect)
			if err != nil {
				t.Fatal(err)
			}
			at := -1
			for i, m := range all {
				if m.Name == "live_amendment" {
					at = i
				}
			}
			if at < 0 {
				t.Fatal("no migration live_amendment")
			}
			exec := func(sql string, args ...any) {
				t.Helper()
				if err := d.Conn(ctx).Exec(sql, args...).Error; err != nil {
					t.Fatalf("%s: %v", sql, err)
				}
			}
			exec(`CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)`)
			for _, m := range all[:at] {
				if err := d.WithTx(ctx, func(ctx context.Context) error { return d.Conn(ctx).Exec(m.SQL).Error }); err != nil {
					t.Fatalf("%04d_%s: %v", m.Version, m.Name, err)
				}
				exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 'x')`, m.Version, m.Name)
			}
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			exec(`INSERT INTO users (id, username, email, password_hash, role, created_at, updated_at) VALUES (1, 'a', 'a@x', 'h', 'admin', ?, ?)`, now, now)
			exec(`INSERT INTO sheets (id, slug, title, head_number, created_by, created_at, updated_at) VALUES (1, 's', 'S', 1, 1, ?, ?), (2, 't', 'T', 1, 1, ?, ?)`, now, now, now, now)
			// Three sessions made the usual way; the last two ended (their
			// rows went), the first is still open during the upgrade.
			var ids []int64
			for _, sheetID := range []int64{1, 2, 2} {
				exec(`DELETE FROM live_sessions WHERE sheet_id = ?`, sheetID)
				exec(`INSERT INTO live_sessions (sheet_id, origin_base, base, created_at, updated_at) VALUES (?, 1, 1, 1, 1)`, sheetID)
				var id int64
				if err := d.Conn(ctx).Raw(`SELECT id FROM live_sessions WHERE sheet_id = ?`, sheetID).Row().Scan(&id); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, id)
			}
			exec(`DELETE FROM live_sessions WHERE sheet_id = 2`)
			if err := d.Migrate(ctx, nil); err != nil {
				t.Fatal(err)
			}
			exec(`INSERT INTO live_sessions (sheet_id, origin_base, base, created_at, updated_at) VALUES (2, 1, 1, 1, 1)`)
			var id int64
			if err := d.Conn(ctx).Raw(`SELECT id FROM live_sessions WHERE sheet_id = 2`).Row().Scan(&id); err != nil {
				t.Fatal(err)
			}
			for _, old := range ids {
				if id <= old {
					t.Fatalf("the session made after the upgrade has id %d, given before to a session (%v)", id, ids)
				}
			}
		})
	}
}
