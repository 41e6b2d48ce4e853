package db

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// ErrBackupPostgres: PostgreSQL has its own tools for consistent copies.
var ErrBackupPostgres = errors.New("db: on PostgreSQL, back up with pg_dump (atlas export --out also writes the whole atlas)")

// Backup writes a consistent copy of the SQLite database to path while the
// atlas keeps running: VACUUM INTO reads one snapshot, so writers going on
// meanwhile neither block it nor tear it. The copy is checked before
// returning.
func (d *DB) Backup(ctx context.Context, path string) (err error) {
	if d.Dialect != SQLite {
		return ErrBackupPostgres
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("db: backup: %s already exists", path)
	}
	if err := d.gorm.WithContext(ctx).Exec("VACUUM INTO ?", path).Error; err != nil {
		return fmt.Errorf("db: backup: %w", err)
	}
	copyDB, err := Open(ctx, Options{SQLitePath: path, MaxOpenConns: 1})
	if err != nil {
		return fmt.Errorf("db: backup: open the copy: %w", err)
	}
	defer func() { err = errors.Join(err, copyDB.Close()) }()
	var result string
	if err := copyDB.gorm.WithContext(ctx).Raw("PRAGMA integrity_check").Scan(&result).Error; err != nil || result != "ok" {
		return fmt.Errorf("db: backup: the copy fails its integrity check: %v %s", err, result)
	}
	return nil
}
