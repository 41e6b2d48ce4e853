package db

import (
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/callbacks"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"
	"gorm.io/gorm/migrator"
	"gorm.io/gorm/schema"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// The embedded database is modernc.org/sqlite, SQLite translated to Go
// (the binary is built without cgo). Its prepared statements keep their
// compiled form, so the store's prepared lookups are parsed once per
// connection. gorm reaches it through sqliteDialector below, a small
// dialector of our own: gorm's official one is tied to a cgo driver.

// sqliteDSN sets the pragmas on every pooled connection: busy_timeout before
// WAL so the switch itself waits for a lock; synchronous FULL so an
// acknowledged save survives a power cut; foreign keys on; BEGIN IMMEDIATE
// so a writing transaction takes the write lock up front instead of failing
// half-way with "database is locked".
//
// _time_format=sqlite writes times as "2006-01-02 15:04:05.999999999-07:00",
// the format the earlier driver (glebarez/go-sqlite) wrote by default and
// every existing atlas holds; modernc's own default is time.Time.String().
// SQL compares these columns as text (expires_at > ?), so the format must
// never change under an existing database.
func sqliteDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_time_format", "sqlite")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// sqliteDialector is gorm's view of the embedded database.
type sqliteDialector struct{ dsn string }

func (sqliteDialector) Name() string { return "sqlite" }

// Initialize opens the pool and registers gorm's callbacks with the
// clauses SQLite understands (RETURNING since 3.35).
func (d sqliteDialector) Initialize(g *gorm.DB) error {
	pool, err := sql.Open("sqlite", d.dsn)
	if err != nil {
		return err
	}
	g.ConnPool = pool
	callbacks.RegisterDefaultCallbacks(g, &callbacks.Config{
		CreateClauses:        []string{"INSERT", "VALUES", "ON CONFLICT", "RETURNING"},
		UpdateClauses:        []string{"UPDATE", "SET", "FROM", "WHERE", "RETURNING"},
		DeleteClauses:        []string{"DELETE", "FROM", "WHERE", "RETURNING"},
		LastInsertIDReversed: true,
	})
	g.ClauseBuilders["LIMIT"] = buildSQLiteLimit
	g.ClauseBuilders["FOR"] = dropRowLocks
	return nil
}

// buildSQLiteLimit writes LIMIT -1 before an OFFSET alone: SQLite has no
// OFFSET without LIMIT.
func buildSQLiteLimit(c clause.Clause, b clause.Builder) {
	limit, ok := c.Expression.(clause.Limit)
	if !ok {
		c.Build(b)
		return
	}
	n := -1
	if limit.Limit != nil && *limit.Limit >= 0 {
		n = *limit.Limit
	}
	if n < 0 && limit.Offset <= 0 {
		return
	}
	// The builder writes to memory: its error is always nil.
	_, _ = b.WriteString("LIMIT " + strconv.Itoa(n))
	if limit.Offset > 0 {
		_, _ = b.WriteString(" OFFSET " + strconv.Itoa(limit.Offset))
	}
}

// dropRowLocks leaves out FOR UPDATE: SQLite has no row locks, and a
// writing transaction already holds the database's write lock from its
// BEGIN IMMEDIATE.
func dropRowLocks(c clause.Clause, b clause.Builder) {
	if _, ok := c.Expression.(clause.Locking); ok {
		return
	}
	c.Build(b)
}

func (d sqliteDialector) Migrator(g *gorm.DB) gorm.Migrator {
	return sqliteMigrator{migrator.Migrator{Config: migrator.Config{DB: g, Dialector: d}}}
}

func (sqliteDialector) DataTypeOf(field *schema.Field) string {
	switch field.DataType {
	case schema.Bool, schema.Int, schema.Uint:
		return "INTEGER"
	case schema.Float:
		return "REAL"
	case schema.String:
		return "TEXT"
	case schema.Time:
		return "DATETIME"
	case schema.Bytes:
		return "BLOB"
	}
	return string(field.DataType)
}

// DefaultValueOf fills a column a batch insert leaves out: NULL makes
// SQLite pick the next rowid.
func (sqliteDialector) DefaultValueOf(field *schema.Field) clause.Expression {
	if field.AutoIncrement {
		return clause.Expr{SQL: "NULL"}
	}
	return clause.Expr{SQL: "DEFAULT"}
}

func (sqliteDialector) BindVarTo(w clause.Writer, _ *gorm.Statement, _ any) { _ = w.WriteByte('?') }

// QuoteTo quotes each part of a dotted name ("sheets.id") as an SQL
// identifier.
func (sqliteDialector) QuoteTo(w clause.Writer, name string) {
	for i, part := range strings.Split(name, ".") {
		if i > 0 {
			_ = w.WriteByte('.')
		}
		_, _ = w.WriteString(`"` + strings.ReplaceAll(part, `"`, `""`) + `"`)
	}
}

func (sqliteDialector) Explain(sql string, vars ...any) string {
	return logger.ExplainSQL(sql, nil, `'`, vars...)
}

func (sqliteDialector) SavePoint(tx *gorm.DB, name string) error {
	return tx.Exec("SAVEPOINT " + name).Error
}

func (sqliteDialector) RollbackTo(tx *gorm.DB, name string) error {
	return tx.Exec("ROLLBACK TO SAVEPOINT " + name).Error
}

// Translate gives a unique or foreign-key violation gorm's sentinel, with
// SQLite's message (which names the constraint) kept beside it.
func (sqliteDialector) Translate(err error) error {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return fmt.Errorf("%w: %v", gorm.ErrDuplicatedKey, err)
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return fmt.Errorf("%w: %v", gorm.ErrForeignKeyViolated, err)
	case sqlite3.SQLITE_CONSTRAINT_TRIGGER:
		// The guard of migration revision_replace_guard refuses a second
		// revision with an existing id or number before the unique key
		// can: the same conflict.
		if strings.Contains(e.Error(), "duplicate revision") {
			return fmt.Errorf("%w: %v", gorm.ErrDuplicatedKey, err)
		}
	}
	return err
}
