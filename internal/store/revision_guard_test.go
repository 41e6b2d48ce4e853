package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

// No statement rewrites a stored revision: not SQLite's INSERT OR REPLACE
// (which deletes the old row without firing its delete trigger), not
// REPLACE under a new id, not PostgreSQL's upsert. A second revision with
// the same number through the store is still a conflict.
func TestReplaceCannotRewriteARevision(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		h := newHistory(t, d, "jardin")
		h.add(t, "## La communauté\n\nDes voisins.\n")
		rev, err := h.st.Revision(ctx, h.sheet.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		forged := "Réécrit."
		sum := sha256.Sum256([]byte(forged))
		const columns = `sheet_id, number, author_id, origin, title, body, meta, sha256, size, created_at, storage`
		const values = `?, 1, ?, 'edit', 'Jardin', ?, '{}', ?, ?, ?, 'plain'`
		args := []any{h.sheet.ID, h.author.ID, forged, hex.EncodeToString(sum[:]), len(forged), time.Now().UTC()}
		type attempt struct {
			sql  string
			args []any
		}
		attempts := map[string]attempt{}
		if d.Dialect == db.SQLite {
			attempts["INSERT OR REPLACE, same id"] = attempt{`INSERT OR REPLACE INTO revisions (id, ` + columns + `) VALUES (?, ` + values + `)`, append([]any{rev.ID}, args...)}
			attempts["REPLACE, new id"] = attempt{`REPLACE INTO revisions (` + columns + `) VALUES (` + values + `)`, args}
		} else {
			attempts["upsert"] = attempt{`INSERT INTO revisions (` + columns + `) VALUES (` + values + `)
				ON CONFLICT (sheet_id, number) DO UPDATE SET body = excluded.body, sha256 = excluded.sha256`, args}
		}
		for name, a := range attempts {
			err := d.Conn(ctx).Exec(a.sql, a.args...).Error
			if err == nil {
				t.Errorf("%s was accepted", name)
			}
			got, readErr := store.New(d).Revision(ctx, h.sheet.ID, 1)
			if readErr != nil || got.Body != h.bodies[0] || got.ID != rev.ID {
				t.Errorf("%s (refused: %v): revision 1 now reads %+v, %v", name, err, got, readErr)
			}
		}
		again := &model.Revision{SheetID: h.sheet.ID, Number: 1, AuthorID: h.author.ID, Origin: model.OriginEdit, Title: "Jardin",
			Body: forged, SHA256: hex.EncodeToString(sum[:]), Size: len(forged), CreatedAt: time.Now().UTC()}
		if err := h.st.CreateRevision(ctx, again); !errors.Is(err, store.ErrConflict) {
			t.Errorf("a second revision 1: %v, want ErrConflict", err)
		}
	})
}

// tamper runs an UPDATE of revisions with the append-only triggers out of
// the way, as someone with the database file or a superuser could.
func tamper(t *testing.T, d *db.DB, q string, args ...any) {
	t.Helper()
	ctx := context.Background()
	conn := d.Conn(ctx)
	if d.Dialect == db.Postgres {
		if err := conn.Exec(`ALTER TABLE revisions DISABLE TRIGGER revisions_append_only`).Error; err != nil {
			t.Fatal(err)
		}
		defer func() { _ = conn.Exec(`ALTER TABLE revisions ENABLE TRIGGER revisions_append_only`).Error }()
	} else {
		if err := conn.Exec(`DROP TRIGGER revisions_no_update`).Error; err != nil {
			t.Fatal(err)
		}
		defer func() {
			_ = conn.Exec(`CREATE TRIGGER revisions_no_update BEFORE UPDATE ON revisions BEGIN SELECT RAISE(ABORT, 'revisions is append-only'); END`).Error
		}()
	}
	if err := conn.Exec(q, args...).Error; err != nil {
		t.Fatal(err)
	}
}

// A body changed behind the store's back is an error when read, in every
// storage format, the plain one of atlases older than 0005 included: never
// a wrong text.
func TestTamperedRevisionIsRefused(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		h := newHistory(t, d, "jardin")
		for _, b := range []string{"Un.\n", "Un.\nDeux.\n", "Un.\nDeux.\nTrois.\n", "Quatre.\n"} {
			h.add(t, b)
		}
		// Revision 1 as an old atlas kept it: plain text in the body column.
		tamper(t, d, `UPDATE revisions SET storage = 'plain', body = ?, data = NULL WHERE sheet_id = ? AND number = 1`, h.bodies[0], h.sheet.ID)
		if got, err := store.New(d).Revision(ctx, h.sheet.ID, 1); err != nil || got.Body != h.bodies[0] {
			t.Fatalf("an intact plain revision: %v %v", got, err)
		}
		tamper(t, d, `UPDATE revisions SET body = ? WHERE sheet_id = ? AND number = 1`, "Faux.\n", h.sheet.ID)
		// Revision 2 is a delta of 1: a wrong base cannot give its text.
		tamper(t, d, `UPDATE revisions SET sha256 = ? WHERE sheet_id = ? AND number = 4`, hex.EncodeToString(make([]byte, 32)), h.sheet.ID)
		for n := 1; n <= 4; n++ {
			if n == 3 {
				continue // a delta on a corrupt chain: tried as 2
			}
			got, err := store.New(d).Revision(ctx, h.sheet.ID, n)
			if !errors.Is(err, store.ErrCorruptRevision) {
				t.Errorf("revision %d after tampering: %v, %v; want ErrCorruptRevision", n, got, err)
			}
		}
	})
}
