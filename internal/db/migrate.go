package db

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"time"

	"atlas/migrations"
)

// Migration is one versioned SQL file.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// BehindError means the database lacks migrations the binary needs.
type BehindError struct{ Pending []Migration }

func (e *BehindError) Error() string {
	return fmt.Sprintf("db: %d migration(s) pending, from %04d_%s: run `atlas migrate` or set ATLAS_AUTO_MIGRATE=true",
		len(e.Pending), e.Pending[0].Version, e.Pending[0].Name)
}

// AheadError means the database was migrated by a newer binary; running an
// older one on it could misread data, so the atlas refuses.
type AheadError struct{ Database, Binary int }

func (e *AheadError) Error() string {
	return fmt.Sprintf("db: database is at migration %d but this binary knows only up to %d: upgrade the binary", e.Database, e.Binary)
}

// Migrations lists the embedded migrations of a dialect, in order.
func Migrations(dialect Dialect) ([]Migration, error) {
	dir := string(dialect)
	entries, err := fs.ReadDir(migrations.FS, dir)
	if err != nil {
		return nil, fmt.Errorf("db: read migrations: %w", err)
	}
	var list []Migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		number, rest, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
		version, err := strconv.Atoi(number)
		if !ok || err != nil {
			return nil, fmt.Errorf("db: migration file %q is not NNNN_name.sql", name)
		}
		data, err := fs.ReadFile(migrations.FS, dir+"/"+name)
		if err != nil {
			return nil, fmt.Errorf("db: read migration %s: %w", name, err)
		}
		list = append(list, Migration{Version: version, Name: rest, SQL: string(data)})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Version < list[j].Version })
	for i, m := range list {
		if m.Version != i+1 {
			return nil, fmt.Errorf("db: migrations must be numbered 1, 2, 3…; found %04d at position %d", m.Version, i+1)
		}
	}
	return list, nil
}

const createVersionTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at text NOT NULL
)`

// Status returns the applied version and the migrations still pending, and
// refuses a database ahead of the binary.
func (d *DB) Status(ctx context.Context) (int, []Migration, error) {
	all, err := Migrations(d.Dialect)
	if err != nil {
		return 0, nil, err
	}
	if err := d.gorm.WithContext(ctx).Exec(createVersionTable).Error; err != nil {
		return 0, nil, fmt.Errorf("db: create schema_migrations: %w", err)
	}
	var current int
	if err := d.gorm.WithContext(ctx).Raw(`SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current).Error; err != nil {
		return 0, nil, fmt.Errorf("db: read schema version: %w", err)
	}
	if current > len(all) {
		return current, nil, &AheadError{Database: current, Binary: len(all)}
	}
	return current, all[current:], nil
}

// Migrate applies every pending migration, each in its own transaction with
// its version row, so a failure leaves the database at the last good step.
func (d *DB) Migrate(ctx context.Context, log *slog.Logger) error {
	_, pending, err := d.Status(ctx)
	if err != nil {
		return err
	}
	for _, m := range pending {
		err := d.WithTx(ctx, func(ctx context.Context) error {
			conn := d.Conn(ctx)
			if err := conn.Exec(m.SQL).Error; err != nil {
				return err
			}
			if d.Dialect == SQLite && strings.Contains(m.SQL, "writable_schema") {
				// A definition edited in place (0023) is read again only
				// once the schema's version moves, which that edit does
				// not do by itself.
				var v int64
				if err := conn.Raw("PRAGMA schema_version").Row().Scan(&v); err != nil {
					return err
				}
				if err := conn.Exec("PRAGMA schema_version = " + strconv.FormatInt(v+1, 10)).Error; err != nil {
					return err
				}
			}
			return conn.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.Version, m.Name, time.Now().UTC().Format(time.RFC3339)).Error
		})
		if err != nil {
			return fmt.Errorf("db: migration %04d_%s: %w", m.Version, m.Name, err)
		}
		if log != nil {
			log.Info("migration applied", "version", m.Version, "name", m.Name)
		}
	}
	return nil
}

// CheckCurrent returns an error unless the schema is exactly the binary's.
func (d *DB) CheckCurrent(ctx context.Context) error {
	_, pending, err := d.Status(ctx)
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		return &BehindError{Pending: pending}
	}
	return nil
}
