package db_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

// TestRevisionUndoMigrationKeepsRevisions: migration revision_undo allows
// the origin 'undo' and adds reverts; SQLite rebuilds revisions for it.
// Every row comes through under its id, byte for byte, with reverts NULL;
// the append-only guards and the indexes are back; reviews still refer to
// revisions; reverts must name an earlier revision.
func TestRevisionUndoMigrationKeepsRevisions(t *testing.T) {
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
			undo := -1
			for i, m := range all {
				if m.Name == "revision_undo" {
					undo = i
				}
			}
			if undo < 0 {
				t.Fatal("no migration revision_undo")
			}
			exec := func(sql string, args ...any) {
				t.Helper()
				if err := d.Conn(ctx).Exec(sql, args...).Error; err != nil {
					t.Fatalf("%s: %v", sql, err)
				}
			}
			refused := func(what, sql string, args ...any) {
				t.Helper()
				if err := d.Conn(ctx).Exec(sql, args...).Error; err == nil {
					t.Errorf("%s was accepted", what)
				}
			}
			exec(`CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)`)
			for _, m := range all[:undo] {
				if err := d.WithTx(ctx, func(ctx context.Context) error { return d.Conn(ctx).Exec(m.SQL).Error }); err != nil {
					t.Fatalf("%04d_%s: %v", m.Version, m.Name, err)
				}
				exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 'x')`, m.Version, m.Name)
			}
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			exec(`INSERT INTO users (id, username, email, password_hash, role, created_at, updated_at) VALUES (1, 'a', 'a@x', 'h', 'admin', ?, ?)`, now, now)
			exec(`INSERT INTO sheets (id, slug, title, head_number, created_by, created_at, updated_at) VALUES (1, 's', 'S', 2, 1, ?, ?)`, now, now)
			exec(`INSERT INTO revisions (id, sheet_id, number, author_id, origin, title, body, sha256, size, created_at) VALUES (7, 1, 1, 1, 'edit', 'S', 'corps', 'h1', 5, ?)`, now)
			exec(`INSERT INTO revisions (id, sheet_id, number, parent, author_id, origin, title, body, sha256, size, created_at, storage, keyframe, data) VALUES (9, 1, 2, 1, 1, 'restore', 'S', '', 'h2', 3, ?, 'delta', 1, ?)`, now, []byte{1, 2, 3})
			exec(`INSERT INTO reviews (id, sheet_id, revision_number, state, submitted_by, submitted_at) VALUES (1, 1, 2, 'submitted', 1, ?)`, now)
			guards := func() map[string]bool {
				var names []string
				q := `SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name = 'revisions' AND sql IS NOT NULL`
				if dialect == "postgres" {
					q = `SELECT indexname FROM pg_indexes WHERE tablename = 'revisions' UNION SELECT tgname FROM pg_trigger WHERE tgrelid = 'revisions'::regclass AND NOT tgisinternal`
				}
				d.Conn(ctx).Raw(q).Scan(&names)
				set := map[string]bool{}
				for _, n := range names {
					set[n] = true
				}
				return set
			}
			before := guards()
			if len(before) < 5 {
				t.Fatalf("only %v on revisions before the migration", before)
			}
			if err := d.Migrate(ctx, nil); err != nil {
				t.Fatal(err)
			}
			after := guards()
			for name := range before {
				if !after[name] {
					t.Errorf("%s of revisions lost by the migration", name)
				}
			}
			type row struct {
				ID      int64
				Number  int
				Parent  *int
				Origin  string
				Body    string
				Storage string
				Data    []byte
				Reverts *int
			}
			var rows []row
			d.Conn(ctx).Raw(`SELECT id, number, parent, origin, body, storage, data, reverts FROM revisions ORDER BY id`).Scan(&rows)
			if len(rows) != 2 || rows[0].ID != 7 || rows[0].Body != "corps" || rows[0].Storage != "plain" || rows[0].Reverts != nil ||
				rows[1].ID != 9 || rows[1].Parent == nil || *rows[1].Parent != 1 || rows[1].Origin != "restore" || string(rows[1].Data) != "\x01\x02\x03" || rows[1].Reverts != nil {
				t.Errorf("revisions after the migration: %+v", rows)
			}
			exec(`INSERT INTO revisions (id, sheet_id, number, parent, author_id, origin, title, body, sha256, size, created_at, reverts) VALUES (10, 1, 3, 2, 1, 'undo', 'S', 'x', 'h3', 1, ?, 1)`, now)
			refused("reverts naming itself", `INSERT INTO revisions (sheet_id, number, parent, author_id, origin, title, body, sha256, size, created_at, reverts) VALUES (1, 4, 3, 1, 'undo', 'S', 'x', 'h4', 1, ?, 4)`, now)
			refused("an unknown origin", `INSERT INTO revisions (sheet_id, number, parent, author_id, origin, title, body, sha256, size, created_at) VALUES (1, 4, 3, 1, 'magic', 'S', 'x', 'h4', 1, ?)`, now)
			refused("an update of a revision", `UPDATE revisions SET reverts = 1 WHERE id = 9`)
			refused("a deletion of a revision", `DELETE FROM revisions WHERE id = 9`)
			if dialect == "sqlite" {
				refused("INSERT OR REPLACE of a revision", `INSERT OR REPLACE INTO revisions (id, sheet_id, number, author_id, origin, title, body, sha256, size, created_at) VALUES (7, 1, 1, 1, 'edit', 'S', 'autre', 'h', 5, ?)`, now)
			}
			refused("a review of no revision", `INSERT INTO reviews (id, sheet_id, revision_number, state, submitted_by, submitted_at) VALUES (2, 1, 99, 'validated', 1, ?)`, now)
			var n int64
			d.Conn(ctx).Raw(`SELECT COUNT(*) FROM reviews r JOIN revisions v ON v.sheet_id = r.sheet_id AND v.number = r.revision_number`).Scan(&n)
			if n != 1 {
				t.Errorf("%d reviews still tied to their revision, want 1", n)
			}
		})
	}
}
