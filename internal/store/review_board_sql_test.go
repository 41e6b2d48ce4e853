package store

import (
	"io/fs"
	"strings"
	"testing"

	"atlas/migrations"
)

// FillReviewBoards restores archives with migration 0014's own backfill:
// the two copies of its statements may not drift apart.
func TestFillReviewBoardsIsTheMigrationsBackfill(t *testing.T) {
	for dialect, q := range map[string]string{"sqlite": fillReviewBoardsSQLite, "postgres": fillReviewBoardsPostgres} {
		// By name, not number: merges may renumber it.
		names, err := fs.Glob(migrations.FS, dialect+"/*_review_board_frozen.sql")
		if err != nil || len(names) != 1 {
			t.Fatalf("%s: migration review_board_frozen: %v %v", dialect, names, err)
		}
		data, err := fs.ReadFile(migrations.FS, names[0])
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		i := strings.Index(text, "CREATE TEMP TABLE")
		if i < 0 || strings.TrimSpace(text[i:]) != strings.TrimSpace(q) {
			t.Errorf("%s: FillReviewBoards differs from migration 0014's backfill", dialect)
		}
	}
}
