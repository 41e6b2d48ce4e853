package db

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
)

// IsBusy reports a statement that gave up waiting for a lock another
// connection holds: SQLite's busy timeout (SQLITE_BUSY, whatever its
// extended code) or PostgreSQL's lock_timeout (SQLSTATE 55P03). Nothing of
// it was stored; the caller may try again later.
// The SQLite driver also gives up the wait when the statement's context
// ends, so a request's deadline bounds it as on PostgreSQL.
func IsBusy(err error) bool {
	var coded interface{ Code() int }
	if errors.As(err, &coded) && coded.Code()&0xff == sqliteBusy {
		return true
	}
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "55P03"
}

// sqliteBusy is SQLITE_BUSY, the primary result code.
const sqliteBusy = 5
