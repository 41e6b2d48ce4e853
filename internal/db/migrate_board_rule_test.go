package db_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

// TestBoardRuleMigrationKeepsReviews: migration board_rule rebuilds
// SQLite's reviews table to allow the state 'expired'; reviews, their
// votes, amendments and audit entries come through it whole, still tied
// by their foreign keys, and one open review per sheet is still the rule.
func TestBoardRuleMigrationKeepsReviews(t *testing.T) {
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
			var rule int
			for i, m := range all {
				if m.Name == "board_rule" {
					rule = i
				}
			}
			exec := func(sql string, args ...any) {
				t.Helper()
				if err := d.Conn(ctx).Exec(sql, args...).Error; err != nil {
					t.Fatalf("%s: %v", sql, err)
				}
			}
			exec(`CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)`)
			for _, m := range all[:rule] {
				if err := d.WithTx(ctx, func(ctx context.Context) error { return d.Conn(ctx).Exec(m.SQL).Error }); err != nil {
					t.Fatalf("%04d_%s: %v", m.Version, m.Name, err)
				}
				exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 'x')`, m.Version, m.Name)
			}
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			exec(`INSERT INTO users (id, username, email, password_hash, role, created_at, updated_at) VALUES (1, 'a', 'a@x', 'h', 'admin', ?, ?)`, now, now)
			exec(`INSERT INTO sheets (id, slug, title, head_number, created_by, created_at, updated_at) VALUES (1, 's', 'S', 1, 1, ?, ?)`, now, now)
			exec(`INSERT INTO revisions (id, sheet_id, number, author_id, origin, title, body, sha256, size, created_at) VALUES (1, 1, 1, 1, 'edit', 'S', 'b', 'h', 1, ?)`, now)
			exec(`INSERT INTO reviews (id, sheet_id, revision_number, state, submitted_by, submitted_at, decided_at) VALUES (1, 1, 1, 'validated', 1, ?, ?)`, now, now)
			exec(`INSERT INTO reviews (id, sheet_id, revision_number, state, submitted_by, submitted_at) VALUES (2, 1, 1, 'submitted', 1, ?)`, now)
			exec(`INSERT INTO votes (review_id, voter_id, revision_number, choice, created_at, updated_at) VALUES (1, 1, 1, 'approve', ?, ?), (2, 1, 1, 'reject', ?, ?)`, now, now, now, now)
			exec(`INSERT INTO audit_log (created_at, actor_id, action, sheet_id, review_id) VALUES (?, 1, 'validate', 1, 1)`, now)
			indexes := func() map[string]bool {
				var names []string
				d.Conn(ctx).Raw(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reviews' AND sql IS NOT NULL`).Scan(&names)
				set := map[string]bool{}
				for _, n := range names {
					set[n] = true
				}
				return set
			}
			before := indexes()
			if err := d.Migrate(ctx, nil); err != nil {
				t.Fatal(err)
			}
			// SQLite rebuilt the table: each of its indexes must be back.
			after := indexes()
			for name := range before {
				if !after[name] {
					t.Errorf("index %s of reviews lost by the migration", name)
				}
			}
			var n int64
			d.Conn(ctx).Raw(`SELECT COUNT(*) FROM reviews r JOIN votes v ON v.review_id = r.id`).Scan(&n)
			if n != 2 {
				t.Errorf("%d votes still tied to their review, want 2", n)
			}
			exec(`UPDATE reviews SET state = 'expired' WHERE id = 2`)
			exec(`INSERT INTO reviews (id, sheet_id, revision_number, state, submitted_by, submitted_at) VALUES (3, 1, 1, 'submitted', 1, ?)`, now)
			if err := d.Conn(ctx).Exec(`INSERT INTO reviews (id, sheet_id, revision_number, state, submitted_by, submitted_at) VALUES (4, 1, 1, 'submitted', 1, ?)`, now).Error; err == nil {
				t.Error("a second open review of a sheet was accepted")
			}
			if err := d.Conn(ctx).Exec(`INSERT INTO votes (review_id, voter_id, revision_number, choice, created_at, updated_at) VALUES (99, 1, 1, 'approve', ?, ?)`, now, now).Error; err == nil {
				t.Error("a vote on no review was accepted: foreign keys lost")
			}
		})
	}
}
