package web_test

import (
	"net/http"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

// A revision whose stored text no longer matches its SHA-256 is answered
// with a 500 that says so (code revision_corrupt), on the API and on
// pages, never with the wrong text.
func TestCorruptRevisionIsAnIntegrityError(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Intègre", body1)
		conn := d.Conn(t.Context())
		drop, restore := `DROP TRIGGER revisions_no_update`, `CREATE TRIGGER revisions_no_update BEFORE UPDATE ON revisions BEGIN SELECT RAISE(ABORT, 'revisions is append-only'); END`
		if d.Dialect == db.Postgres {
			drop, restore = `ALTER TABLE revisions DISABLE TRIGGER revisions_append_only`, `ALTER TABLE revisions ENABLE TRIGGER revisions_append_only`
		}
		// The hash no longer names the text (the text itself may still be
		// in memory under its true hash).
		for _, q := range []string{drop, `UPDATE revisions SET sha256 = '` + strings.Repeat("0", 64) + `'`, restore} {
			if err := conn.Exec(q).Error; err != nil {
				t.Fatal(err)
			}
		}
		r := a.api(http.MethodGet, "/sheets/"+slug+"/revisions/1", "marie", nil)
		if r.status != http.StatusInternalServerError || r.json(t)["error"] != "revision_corrupt" || strings.Contains(string(r.body), "communauté") {
			t.Errorf("API read of a corrupt revision: %d %s", r.status, r.body)
		}
		b := a.browser()
		b.login("marie")
		page := b.get("/sheets/" + slug + "/revisions/1")
		if page.status != http.StatusInternalServerError || !strings.Contains(string(page.body), "empreinte SHA-256") {
			t.Errorf("page of a corrupt revision: %d", page.status)
		}
	})
}
