package db

import (
	"gorm.io/gorm"
	"gorm.io/gorm/migrator"
)

// sqliteMigrator answers the schema questions the tests ask (does this
// table, this column exist) from SQLite's own catalogue; the atlas itself
// migrates with its SQL files (migrate.go), never through gorm.
type sqliteMigrator struct{ migrator.Migrator }

func (m sqliteMigrator) HasTable(value any) bool {
	var count int
	_ = m.RunWithValue(value, func(stmt *gorm.Statement) error {
		return m.DB.Raw(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`, stmt.Table).Row().Scan(&count)
	})
	return count > 0
}

func (m sqliteMigrator) HasColumn(value any, column string) bool {
	var count int
	_ = m.RunWithValue(value, func(stmt *gorm.Statement) error {
		if stmt.Schema != nil {
			if field := stmt.Schema.LookUpField(column); field != nil {
				column = field.DBName
			}
		}
		return m.DB.Raw(`SELECT count(*) FROM pragma_table_info(?) WHERE name = ?`, stmt.Table, column).Row().Scan(&count)
	})
	return count > 0
}
