package export_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

// revisionDigest hashes every revision's (sheet, number, sha256) in order:
// equal digests mean the same history.
func revisionDigest(t *testing.T, st *store.Store) (string, int) {
	sum := sha256.New()
	n := 0
	err := store.Each(context.Background(), st, func(revs []model.Revision) error {
		for _, r := range revs {
			sum.Write([]byte(r.SHA256))
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(sum.Sum(nil)), n
}

// TestPgDumpRoundTrip backs a PostgreSQL atlas up with pg_dump, restores it
// with pg_restore into a new database, and checks the history is the same
// and the next save gets the next number.
func TestPgDumpRoundTrip(t *testing.T) {
	if _, err := exec.LookPath("pg_dump"); err != nil {
		testutil.SkipSuite(t, "pg_dump round trip (internal/export)", "pg_dump is not installed")
	}
	src := testutil.PostgresSchemaURL(t)
	u, _ := url.Parse(src)
	schema := u.Query().Get("search_path")
	ctx := context.Background()
	d, err := db.Open(ctx, db.Options{PostgresURL: src})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := d.Close(); err != nil {
			t.Error(err)
		}
	}()
	if err := d.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	s := newServices(t, d)
	fill(t, s)
	want, n := revisionDigest(t, s.store)

	// pg_dump and pg_restore take libpq URLs, without our search_path.
	q := u.Query()
	q.Del("search_path")
	u.RawQuery = q.Encode()
	file := filepath.Join(t.TempDir(), "atlas.dump")
	if out, err := exec.Command("pg_dump", "--format=custom", "--schema="+schema, "--file="+file, u.String()).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v: %s", err, out)
	}
	restoreDB := "restore_" + strings.TrimPrefix(schema, "t_")
	admin, err := gorm.Open(postgres.Open(u.String()), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if err := admin.Exec("CREATE DATABASE " + restoreDB).Error; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec("DROP DATABASE IF EXISTS " + restoreDB + " WITH (FORCE)") })
	target := *u
	target.Path = "/" + restoreDB
	// The dump holds the schema; the extension it uses lives in public.
	if out, err := exec.Command("psql", "-q", target.String(), "-c", "CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public").CombinedOutput(); err != nil {
		t.Fatalf("psql: %v: %s", err, out)
	}
	if out, err := exec.Command("pg_restore", "--exit-on-error", "--dbname="+target.String(), file).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v: %s", err, out)
	}
	tq := target.Query()
	tq.Set("search_path", schema)
	target.RawQuery = tq.Encode()
	restored, err := db.Open(ctx, db.Options{PostgresURL: target.String()})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := restored.Close(); err != nil {
			t.Error(err)
		}
	}()
	if err := restored.CheckCurrent(ctx); err != nil {
		t.Fatalf("restored schema: %v", err)
	}
	r := newServices(t, restored)
	got, m := revisionDigest(t, r.store)
	if got != want || m != n {
		t.Fatalf("history differs after restore: %d revisions %s, want %d %s", m, got, n, want)
	}
	marie, err := r.store.UserByUsername(ctx, "marie")
	if err != nil {
		t.Fatal(err)
	}
	sh, _ := r.store.SheetBySlug(ctx, "grainotheque")
	res, err := r.sheets.Save(ctx, marie, "grainotheque", sheet.SaveInput{Base: sh.HeadNumber, Title: "Grainothèque", Body: "après la restauration"})
	if err != nil || res.Revision.Number != sh.HeadNumber+1 {
		t.Fatalf("save after restore: %+v %v", res.Revision, err)
	}
	// The append-only triggers came back with the schema.
	if err := restored.Conn(ctx).Exec("DELETE FROM revisions").Error; err == nil {
		t.Error("revisions deletable after restore")
	}
}
