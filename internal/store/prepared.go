package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"atlas/internal/db"
)

// Lookups made by nearly every request (a sheet by its slug, a session, a
// token) skip gorm: its generic path builds the statement again and scans
// by reflection, which cost most of a request served from a cache. They
// are prepared once per store and scanned by hand. Both drivers keep the
// prepared form per connection: PostgreSQL plans them once, SQLite
// compiles them once.

// queryRow runs a one-row query written with ? placeholders: inside the
// caller's transaction if there is one, else as a statement prepared once.
func (s *Store) queryRow(ctx context.Context, q string, args ...any) (*sql.Row, error) {
	if db.InTx(ctx) {
		return s.conn(ctx).Raw(q, args...).Row(), nil
	}
	stmt, err := s.prepared(ctx, q) //nolint:sqlclosecheck // kept by the store for reuse, not closed per query
	if err != nil {
		return nil, err
	}
	return stmt.QueryRowContext(ctx, args...), nil
}

// prepared returns q prepared, once per store. It is prepared outside the
// lock, so a database that does not answer holds up only the requests
// that need that statement, each within its own context; a failure is
// not kept, and the next call tries again.
func (s *Store) prepared(ctx context.Context, q string) (*sql.Stmt, error) {
	s.preparedMu.Lock()
	stmt, ok := s.stmts[q]
	s.preparedMu.Unlock()
	if ok {
		return stmt, nil
	}
	sqlDB, err := s.db.SQL()
	if err != nil {
		return nil, err
	}
	stmt, err = sqlDB.PrepareContext(ctx, s.placeholders(q))
	if err != nil {
		return nil, err
	}
	s.preparedMu.Lock()
	defer s.preparedMu.Unlock()
	if first, ok := s.stmts[q]; ok {
		_ = stmt.Close() //nolint:sqlclosecheck // a twin prepared meanwhile: this one is dropped at once
		return first, nil
	}
	if s.stmts == nil {
		s.stmts = map[string]*sql.Stmt{}
	}
	s.stmts[q] = stmt
	return stmt, nil
}

// placeholders numbers a query's ? for PostgreSQL ($1, $2…); SQLite takes
// them as they are. The store's prepared queries hold no ? in literals.
func (s *Store) placeholders(q string) string {
	if s.db.Dialect != db.Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, part := range strings.SplitAfter(q, "?") {
		if p, ok := strings.CutSuffix(part, "?"); ok {
			n++
			b.WriteString(p + "$" + strconv.Itoa(n))
			continue
		}
		b.WriteString(part)
	}
	return b.String()
}
