package db

import (
	"context"
	"reflect"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"
)

// Times are stored to the microsecond on both databases. PostgreSQL keeps
// no finer, so a time SQLite kept to the nanosecond came back different
// after a move; truncating every written time here, before either driver
// sees it, makes a SQLite → PostgreSQL move exact, and leaves the caller's
// struct holding what was stored.

// now is gorm's clock, for the times it fills in itself (created_at and
// updated_at left zero).
func now() time.Time { return microseconds(time.Now().UTC()) }

// microseconds truncates t to the precision the atlas stores.
func microseconds(t time.Time) time.Time { return t.Truncate(time.Microsecond) }

// registerMicroseconds truncates the times of every write: the model's
// fields on a create or an update, the values of an update by map, and
// the arguments of a raw statement.
func registerMicroseconds(g *gorm.DB) error {
	if err := g.Callback().Create().Before("gorm:create").Register("atlas:microseconds", truncateWrittenTimes); err != nil {
		return err
	}
	if err := g.Callback().Update().Before("gorm:update").Register("atlas:microseconds", truncateWrittenTimes); err != nil {
		return err
	}
	return g.Callback().Raw().Before("gorm:raw").Register("atlas:microseconds", truncateWrittenTimes)
}

func truncateWrittenTimes(tx *gorm.DB) {
	stmt := tx.Statement
	for i, v := range stmt.Vars {
		stmt.Vars[i] = truncateValue(v)
	}
	if values, ok := stmt.Dest.(map[string]any); ok {
		for k, v := range values {
			values[k] = truncateValue(v)
		}
	}
	if stmt.Schema != nil && stmt.ReflectValue.IsValid() {
		truncateFields(stmt.Context, stmt.Schema, stmt.ReflectValue)
	}
}

func truncateValue(v any) any {
	switch t := v.(type) {
	case time.Time:
		return microseconds(t)
	case *time.Time:
		if t != nil {
			m := microseconds(*t)
			return &m
		}
	}
	return v
}

var timeType = reflect.TypeFor[time.Time]()

// truncateFields truncates the time fields of a model, or of each model
// in a batch, in place.
func truncateFields(ctx context.Context, s *schema.Schema, rv reflect.Value) {
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		for i := 0; i < rv.Len(); i++ {
			truncateFields(ctx, s, reflect.Indirect(rv.Index(i)))
		}
	case reflect.Struct:
		for _, f := range s.Fields {
			if f.IndirectFieldType != timeType {
				continue
			}
			fv := f.ReflectValueOf(ctx, rv)
			if fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					continue
				}
				fv = fv.Elem()
			}
			if fv.CanSet() {
				fv.Set(reflect.ValueOf(microseconds(fv.Interface().(time.Time))))
			}
		}
	}
}
