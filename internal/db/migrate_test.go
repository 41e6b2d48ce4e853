package db_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/testutil"
)

func TestDialectsHaveTheSameMigrations(t *testing.T) {
	pg, err := db.Migrations(db.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	lite, err := db.Migrations(db.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	if len(pg) != len(lite) {
		t.Fatalf("postgres has %d migrations, sqlite %d", len(pg), len(lite))
	}
	for i := range pg {
		if pg[i].Version != lite[i].Version || pg[i].Name != lite[i].Name {
			t.Errorf("migration %d: postgres %04d_%s, sqlite %04d_%s", i, pg[i].Version, pg[i].Name, lite[i].Version, lite[i].Name)
		}
		if !strings.HasPrefix(pg[i].SQL, "--") || !strings.HasPrefix(lite[i].SQL, "--") {
			t.Errorf("migration %04d must start with a comment saying what and why", pg[i].Version)
		}
	}
}

// models lists every GORM model; the schema test checks each field has its
// column on both databases.
var models = []any{
	&model.User{}, &model.Session{}, &model.APIToken{}, &model.Sheet{}, &model.Revision{},
	&model.BoardMember{}, &model.Review{}, &model.Vote{}, &model.ReviewAmendment{}, &model.AuditEntry{},
	&model.Comment{}, &model.Watch{}, &model.Notification{}, &model.SheetCard{}, &model.Draft{},
	&model.OutboxMail{}, &model.BoardRule{},
}

func TestModelsMatchTheMigratedSchema(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		g := d.Conn(context.Background())
		for _, m := range models {
			stmt := g.Model(m).Statement
			if err := stmt.Parse(m); err != nil {
				t.Fatal(err)
			}
			if !g.Migrator().HasTable(stmt.Schema.Table) {
				t.Errorf("table %s missing", stmt.Schema.Table)
				continue
			}
			for _, f := range stmt.Schema.Fields {
				if f.DBName != "" && !g.Migrator().HasColumn(m, f.DBName) {
					t.Errorf("%s.%s missing", stmt.Schema.Table, f.DBName)
				}
			}
		}
	})
}

func TestMigrateIsIdempotentAndRefusesANewerDatabase(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := d.Migrate(ctx, nil); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		if err := d.CheckCurrent(ctx); err != nil {
			t.Fatalf("check current: %v", err)
		}
		if err := d.Conn(ctx).Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 'x')`).Error; err != nil {
			t.Fatal(err)
		}
		var ahead *db.AheadError
		if err := d.CheckCurrent(ctx); !errors.As(err, &ahead) {
			t.Fatalf("database ahead of binary: err = %v", err)
		}
	})
}

func TestRevisionsAreAppendOnly(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		g := d.Conn(context.Background())
		steps := []string{
			`INSERT INTO users (id, username, email, password_hash, role, created_at, updated_at) VALUES (1, 'a', 'a@x', 'h', 'admin', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`,
			`INSERT INTO sheets (id, slug, title, head_number, created_by, created_at, updated_at) VALUES (1, 's', 'S', 1, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`,
			`INSERT INTO revisions (sheet_id, number, author_id, origin, title, body, sha256, size, created_at) VALUES (1, 1, 1, 'edit', 'S', 'corps', 'x', 5, CURRENT_TIMESTAMP)`,
		}
		for _, s := range steps {
			if err := g.Exec(s).Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := g.Exec(`UPDATE revisions SET body = 'réécrit'`).Error; err == nil {
			t.Error("UPDATE of a revision succeeded")
		}
		if err := g.Exec(`DELETE FROM revisions`).Error; err == nil {
			t.Error("DELETE of a revision succeeded")
		}
		if d.Dialect == db.Postgres {
			if err := g.Exec(`TRUNCATE revisions CASCADE`).Error; err == nil {
				t.Error("TRUNCATE of revisions succeeded")
			}
		}
		var body string
		g.Raw(`SELECT body FROM revisions WHERE sheet_id = 1 AND number = 1`).Scan(&body)
		if body != "corps" {
			t.Errorf("body = %q after refused changes", body)
		}
	})
}
