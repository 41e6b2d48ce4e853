// Package testutil gives tests real databases: a fresh SQLite file always,
// and a throwaway PostgreSQL schema when a server answers. The store is
// never mocked.
package testutil

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"atlas/internal/db"
)

// DefaultPostgresURL is the local server tests try when
// ATLAS_TEST_DATABASE_URL is not set.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

var (
	pgOnce   sync.Once
	pgURL    string
	pgReason string
)

// PostgresURL returns the server to test against, or "" with the reason it
// is skipped. ATLAS_TEST_DATABASE_URL=off skips PostgreSQL on purpose;
// ATLAS_TEST_REQUIRE_POSTGRES=1 (set by CI) turns a missing server into a
// failure instead of a skip, so CI can never pass on SQLite alone.
func PostgresURL() (string, string) {
	pgOnce.Do(func() {
		candidate := os.Getenv("ATLAS_TEST_DATABASE_URL")
		if candidate == "off" {
			pgReason = "ATLAS_TEST_DATABASE_URL=off"
			return
		}
		if candidate == "" {
			candidate = DefaultPostgresURL
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		d, err := db.Open(ctx, db.Options{PostgresURL: candidate})
		if err != nil {
			pgReason = "PostgreSQL does not answer: " + err.Error()
			return
		}
		_ = d.Close()
		pgURL = candidate
	})
	return pgURL, pgReason
}

// Dialects runs fn as a subtest on each available database.
func Dialects(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, NewSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, NewPostgres(t)) })
}

// NewSQLite returns a migrated SQLite database in a temporary directory.
// A real file, not :memory:, so WAL and locking behave as in production.
func NewSQLite(t testing.TB) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), db.Options{SQLitePath: filepath.Join(t.TempDir(), "atlas.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	migrate(t, d)
	return d
}

// NewPostgres returns a migrated PostgreSQL database living in a schema of
// its own, dropped when the test ends. It skips (or fails under CI) when no
// server answers.
func NewPostgres(t testing.TB) *db.DB {
	t.Helper()
	d, _ := NewPostgresURL(t)
	return d
}

// NewPostgresURL is NewPostgres, also returning the URL of its schema for
// what needs a connection of its own (a LISTEN, say).
func NewPostgresURL(t testing.TB) (*db.DB, string) {
	t.Helper()
	url := PostgresSchemaURL(t)
	d, err := db.Open(context.Background(), db.Options{PostgresURL: url, MaxOpenConns: 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	migrate(t, d)
	return d, url
}

// PostgresSchemaURL creates an empty throwaway schema and returns a URL
// whose connections use it, for tests that start the binary themselves.
func PostgresSchemaURL(t testing.TB) string {
	t.Helper()
	base, reason := PostgresURL()
	if base == "" {
		if os.Getenv("ATLAS_TEST_REQUIRE_POSTGRES") == "1" {
			t.Fatalf("PostgreSQL is required: %s", reason)
		}
		SkipSuite(t, "PostgreSQL (every database test ran on SQLite only)", reason)
	}
	schema := "t_" + randomHex(8)
	admin, err := gorm.Open(postgres.Open(base), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = admin.Exec("DROP SCHEMA " + schema + " CASCADE").Error
		if sqlDB, err := admin.DB(); err == nil {
			_ = sqlDB.Close()
		}
	})
	return withSearchPath(t, base, schema)
}

func withSearchPath(t testing.TB, raw, schema string) string {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func migrate(t testing.TB, d *db.DB) {
	t.Helper()
	if err := d.Migrate(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
