package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"atlas/internal/db"
	"atlas/internal/model"
)

// Each streams a table in primary-key order, a batch at a time, so an
// export never holds the whole atlas in memory. Tables keyed by several
// columns are small (boards, watches) and come in one batch.
func Each[T any](ctx context.Context, s *Store, fn func([]T) error) error {
	var rows []T
	var probe T
	q := s.conn(ctx)
	stmt := &gorm.Statement{DB: q}
	if err := stmt.Parse(&probe); err != nil {
		return translate(err, "parse %T", probe)
	}
	if len(stmt.Schema.PrimaryFields) == 1 {
		err := q.FindInBatches(&rows, 500, func(*gorm.DB, int) error { return fn(rows) }).Error
		return translate(err, "dump %s", stmt.Schema.Table)
	}
	if err := q.Find(&rows).Error; err != nil {
		return translate(err, "dump %s", stmt.Schema.Table)
	}
	return fn(rows)
}

// InsertRows writes rows as they are, ids included: a restore keeps every
// number.
func InsertRows[T any](ctx context.Context, s *Store, rows []T) error {
	if len(rows) == 0 {
		return nil
	}
	return translate(s.conn(ctx).CreateInBatches(rows, 200).Error, "insert %d rows", len(rows))
}

// IsEmpty reports whether the atlas has no account and no sheet, the only
// state a restore writes into.
func (s *Store) IsEmpty(ctx context.Context) (bool, error) {
	var users, sheets int64
	if err := s.conn(ctx).Model(&model.User{}).Count(&users).Error; err != nil {
		return false, translate(err, "count users")
	}
	if err := s.conn(ctx).Model(&model.Sheet{}).Count(&sheets).Error; err != nil {
		return false, translate(err, "count sheets")
	}
	return users == 0 && sheets == 0, nil
}

// ResetSequences moves PostgreSQL's identity counters past the ids a
// restore wrote, so the next row gets the next number. SQLite needs
// nothing: INTEGER PRIMARY KEY continues from the largest id.
//
//	SELECT setval(pg_get_serial_sequence('users', 'id'), GREATEST(MAX(id), 1)) FROM users
func (s *Store) ResetSequences(ctx context.Context, tables []string) error {
	if s.db.Dialect != db.Postgres {
		return nil
	}
	for _, t := range tables {
		sql := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', 'id'), GREATEST(COALESCE(MAX(id), 0), 1), MAX(id) IS NOT NULL) FROM %s`, t, t)
		if err := s.conn(ctx).Exec(sql).Error; err != nil {
			return translate(err, "reset sequence of %s", t)
		}
	}
	return nil
}
