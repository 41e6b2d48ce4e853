package store

import (
	"context"
	"database/sql"

	"atlas/internal/db"
)

// queryRows is queryRow for a query of several rows: inside the caller's
// transaction if there is one, else as a statement prepared once. The
// caller closes the rows.
func (s *Store) queryRows(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if db.InTx(ctx) {
		return s.conn(ctx).Raw(q, args...).Rows()
	}
	stmt, err := s.prepared(ctx, q) //nolint:sqlclosecheck // kept by the store for reuse, not closed per query
	if err != nil {
		return nil, err
	}
	return stmt.QueryContext(ctx, args...)
}
