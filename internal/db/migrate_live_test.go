package db_test

import (
	"context"
	"testing"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

// Migration 0023 widens the revisions' origins by 'live' on both
// databases, and the append-only guard still holds.
func TestRevisionOriginLiveIsAccepted(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		conn := d.Conn(ctx)
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(conn.Exec(`INSERT INTO users (username, email, display_name, password_hash, role, disabled, created_at, updated_at) VALUES ('u', 'u@x', '', 'x', 'contributor', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`).Error)
		must(conn.Exec(`INSERT INTO sheets (slug, title, head_number, created_by, created_at, updated_at) SELECT 's', 'S', 1, id, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM users`).Error)
		ins := `INSERT INTO revisions (sheet_id, number, author_id, summary, origin, title, body, sha256, size, created_at) SELECT s.id, ?, u.id, '', ?, 'S', 'b', 'x', 1, CURRENT_TIMESTAMP FROM sheets s, users u`
		must(conn.Exec(ins, 1, "live").Error)
		if err := conn.Exec(ins, 2, "bogus").Error; err == nil {
			t.Fatal("an unknown origin was accepted")
		}
		if err := conn.Exec(`UPDATE revisions SET summary = 'x'`).Error; err == nil {
			t.Fatal("a revision was updated")
		}
	})
}
