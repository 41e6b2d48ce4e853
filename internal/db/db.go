// Package db opens the atlas database (embedded SQLite or PostgreSQL),
// carries transactions in a context and applies the SQL migrations. It is the
// only package besides store and search that knows which dialect runs.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names the SQL flavor in use.
type Dialect string

// The two supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open atlas database.
type DB struct {
	gorm    *gorm.DB
	Dialect Dialect
}

// Options says which database to open.
type Options struct {
	// PostgresURL selects PostgreSQL; empty selects SQLite at SQLitePath.
	PostgresURL string
	SQLitePath  string
	// MaxOpenConns caps the pool; zero picks a default per dialect.
	MaxOpenConns int
}

// Open connects and checks the connection answers.
func Open(ctx context.Context, opts Options) (*DB, error) {
	config := &gorm.Config{
		TranslateError:         true,
		SkipDefaultTransaction: true, // each store method says when it needs one
		NowFunc:                now,
		Logger:                 logger.Discard,
	}
	var (
		g       *gorm.DB
		dialect Dialect
		err     error
	)
	if opts.PostgresURL != "" {
		dialect = Postgres
		g, err = gorm.Open(postgres.New(postgres.Config{DSN: opts.PostgresURL}), config)
	} else {
		dialect = SQLite
		if dir := filepath.Dir(opts.SQLitePath); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("db: create data directory: %w", err)
			}
		}
		g, err = gorm.Open(sqliteDialector{dsn: sqliteDSN(opts.SQLitePath)}, config)
	}
	if err != nil {
		return nil, fmt.Errorf("db: open %s: %w", dialect, err)
	}
	if err := registerMicroseconds(g); err != nil {
		return nil, fmt.Errorf("db: open %s: %w", dialect, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, fmt.Errorf("db: pool: %w", err)
	}
	maxOpen := opts.MaxOpenConns
	if maxOpen == 0 {
		maxOpen = 16
		if dialect == SQLite {
			// WAL lets readers run beside the one writer; more connections
			// than this only queue on the write lock.
			maxOpen = 8
		}
	}
	sqlDB.SetMaxOpenConns(maxOpen)
	sqlDB.SetMaxIdleConns(maxOpen)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("db: ping %s: %w", dialect, err)
	}
	return &DB{gorm: g, Dialect: dialect}, nil
}

// Close releases the pool.
func (d *DB) Close() error {
	sqlDB, err := d.gorm.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// SQL returns the underlying pool, for health checks and metrics.
func (d *DB) SQL() (*sql.DB, error) { return d.gorm.DB() }

// Ping checks the database answers.
func (d *DB) Ping(ctx context.Context) error {
	sqlDB, err := d.gorm.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

type txKey struct{}

// Conn returns the transaction carried by ctx, or the pool bound to ctx.
// Store methods get their connection here, so they join a caller's
// transaction without knowing about it.
func (d *DB) Conn(ctx context.Context) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return tx
	}
	return d.gorm.WithContext(ctx)
}

// InTx reports whether ctx already carries a transaction.
func InTx(ctx context.Context) bool {
	_, ok := ctx.Value(txKey{}).(*gorm.DB)
	return ok
}

// WithTx runs fn in a transaction carried by its ctx. An outer transaction
// is reused, so a service can compose store calls and other services into one
// atomic step. fn's error rolls everything back.
//
// On PostgreSQL a transaction chosen as a deadlock victim or failing to
// serialize (SQLSTATE 40P01, 40001) is run again, a bounded number of
// times, rather than reported as a failure: nothing of it was stored.
func (d *DB) WithTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if InTx(ctx) {
		return fn(ctx)
	}
	var err error
	for attempt := 0; attempt < maxTxAttempts; attempt++ {
		err = d.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			return fn(context.WithValue(ctx, txKey{}, tx))
		})
		if !retryable(err) {
			return err
		}
		// The pause waits on ctx: a request past its deadline stops
		// retrying at once rather than after its sleeps.
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-time.After(retryPause(attempt)):
		}
	}
	return err
}

const maxTxAttempts = 5

// retryPause is the wait before attempt+2; a variable so a test can make
// it long.
var retryPause = func(attempt int) time.Duration { return time.Duration(attempt+1) * 5 * time.Millisecond }

// retryable reports a PostgreSQL deadlock or serialization failure.
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001")
}

// ErrDuplicate reports a unique constraint violation, translated from either
// driver.
var ErrDuplicate = gorm.ErrDuplicatedKey

// IsDuplicate reports whether err is a unique constraint violation.
func IsDuplicate(err error) bool {
	return errors.Is(err, gorm.ErrDuplicatedKey)
}
