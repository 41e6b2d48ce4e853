// Package store reads and writes the atlas tables. It is a concrete struct
// over the database, one file per aggregate; services compose its methods
// inside db.WithTx when a rule spans several writes.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"gorm.io/gorm"

	"atlas/internal/cache"
	"atlas/internal/db"
	"atlas/internal/model"
)

// Errors the layers above map to HTTP statuses.
var (
	ErrNotFound = model.ErrNotFound
	ErrConflict = model.ErrConflict
)

// Store is the atlas's data access.
type Store struct {
	db *db.DB
	// bodies keeps rebuilt revision bodies by SHA-256. Keyed by content,
	// an entry can never be stale, whichever database or rolled-back
	// transaction it came from.
	bodies *cache.LRU[string, string]

	preparedMu sync.Mutex
	stmts      map[string]*sql.Stmt // by query text, see prepared
}

// bodyCacheBytes bounds the memory rebuilt revision bodies may hold.
const bodyCacheBytes = 32 << 20

// New returns a store over d.
func New(d *db.DB) *Store {
	// One huge body would empty the cache for nothing.
	bodies := cache.New[string](bodyCacheBytes, func(body string) int { return len(body) }).MaxEntry(bodyCacheBytes / 4)
	return &Store{db: d, bodies: bodies}
}

// BodyCacheStats reports the counters of the cache of rebuilt bodies, for
// the metrics.
func (s *Store) BodyCacheStats() cache.Stats { return s.bodies.Stats() }

// DB exposes the database for transactions.
func (s *Store) DB() *db.DB { return s.db }

// WithTx runs fn in one transaction (or joins the caller's).
func (s *Store) WithTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.db.WithTx(ctx, fn)
}

func (s *Store) conn(ctx context.Context) *gorm.DB { return s.db.Conn(ctx) }

// translate maps driver errors to the store's sentinels, keeping the cause.
func translate(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	what := fmt.Sprintf(format, args...)
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return fmt.Errorf("store: %s: %w", what, ErrNotFound)
	case db.IsDuplicate(err):
		return fmt.Errorf("store: %s: %w (%v)", what, ErrConflict, err)
	}
	return fmt.Errorf("store: %s: %w", what, err)
}

func isNotFound(err error) bool { return errors.Is(err, gorm.ErrRecordNotFound) }
