package db_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

// Migration 0026 keys live sessions by sheet and, for an amendment, by
// review. SQLite rebuilds live_sessions for it: a session open during
// the upgrade keeps its row, id, log, contributors, clients and
// participants; afterwards a sheet has one ordinary session and each
// review one amendment session.
func TestLiveAmendmentMigrationKeepsOpenSessions(t *testing.T) {
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
			exec(`INSERT INTO sheets (id, slug, title, head_number, created_by, created_at, updated_at) VALUES (1, 's', 'S', 1, 1, ?, ?)`, now, now)
			exec(`INSERT INTO revisions (id, sheet_id, number, author_id, origin, title, body, sha256, size, created_at) VALUES (7, 1, 1, 1, 'edit', 'S', 'corps', 'h1', 5, ?)`, now)
			exec(`INSERT INTO reviews (id, sheet_id, revision_number, state, submitted_by, submitted_at) VALUES (1, 1, 1, 'submitted', 1, ?)`, now)
			exec(`INSERT INTO live_sessions (id, sheet_id, origin_base, base, last_seq, text, text_seq, created_at, updated_at) VALUES (5, 1, 1, 1, 2, 'texte', 2, 1, 1)`)
			exec(`INSERT INTO live_updates (session_id, seq, user_id, state, data, created_at) VALUES (5, 1, 1, ?, ?, 1), (5, 2, 1, ?, ?, 1)`, false, []byte{1}, false, []byte{2})
			exec(`INSERT INTO live_contributors (session_id, user_id, updates) VALUES (5, 1, 2)`)
			exec(`INSERT INTO live_clients (session_id, client, user_id) VALUES (5, 42, 1)`)
			exec(`INSERT INTO live_participants (session_id, conn, user_id, client, seen_at) VALUES (5, 'c1', 1, 42, 1)`)
			if err := d.Migrate(ctx, nil); err != nil {
				t.Fatal(err)
			}
			count := func(table string) int {
				var n int
				if err := d.Conn(ctx).Raw(`SELECT count(*) FROM ` + table + ` WHERE session_id = 5`).Row().Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			for table, want := range map[string]int{"live_updates": 2, "live_contributors": 1, "live_clients": 1, "live_participants": 1} {
				if n := count(table); n != want {
					t.Errorf("%s: %d rows of the open session, want %d", table, n, want)
				}
			}
			var text string
			var review *int64
			if err := d.Conn(ctx).Raw(`SELECT text, review_id FROM live_sessions WHERE id = 5 AND sheet_id = 1`).Row().Scan(&text, &review); err != nil || text != "texte" || review != nil {
				t.Fatalf("the open session: %q %v %v", text, review, err)
			}
			// An amendment session beside it; a second of either kind refused.
			exec(`INSERT INTO live_sessions (sheet_id, review_id, origin_base, base, created_at, updated_at) VALUES (1, 1, 1, 1, 1, 1)`)
			for _, r := range []any{nil, 1} {
				if err := d.Conn(ctx).Exec(`INSERT INTO live_sessions (sheet_id, review_id, origin_base, base, created_at, updated_at) VALUES (1, ?, 1, 1, 1, 1)`, r).Error; err == nil {
					t.Errorf("a second session (review %v) was accepted", r)
				}
			}
			// The children still follow their session.
			exec(`DELETE FROM live_updates WHERE session_id = 5`)
			if err := d.Conn(ctx).Exec(`INSERT INTO live_updates (session_id, seq, state, data, created_at) VALUES (999, 1, ?, ?, 1)`, false, []byte{1}).Error; err == nil {
				t.Error("an update of no session was accepted")
			}
		})
	}
}
