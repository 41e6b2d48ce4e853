package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"atlas/internal/db"
	"atlas/internal/model"
)

// CreateSheet inserts a sheet row; a taken slug is ErrConflict.
func (s *Store) CreateSheet(ctx context.Context, sh *model.Sheet) error {
	return translate(s.conn(ctx).Create(sh).Error, "create sheet %q", sh.Slug)
}

// SheetBySlug loads a sheet by its URL name. Every page of a sheet starts
// with it, so it is a prepared statement scanned by hand (see queryRow).
func (s *Store) SheetBySlug(ctx context.Context, slug string) (*model.Sheet, error) {
	row, err := s.queryRow(ctx, sheetBySlugQuery, slug)
	if err != nil {
		return nil, translate(err, "prepare sheet lookup")
	}
	var n nullableSheet
	err = row.Scan(n.targets()...)
	if errors.Is(err, sql.ErrNoRows) {
		err = gorm.ErrRecordNotFound
	}
	if err != nil {
		return nil, translate(err, "sheet %q", slug)
	}
	return n.sheet(), nil
}

var sheetBySlugQuery = `SELECT ` + sheetColumns("sheets") + ` FROM sheets WHERE slug = ?`

// sheetColumns are the columns of a sheet row that nullableSheet scans,
// in its order, each prefixed with alias.
func sheetColumns(alias string) string {
	cols := []string{"id", "slug", "title", "head_number", "published_number", "cache_version", "created_by",
		"created_at", "updated_at", "archived_at", "archived_by", "archive_reason", "merged_into"}
	for i, c := range cols {
		cols[i] = alias + "." + c
	}
	return strings.Join(cols, ", ")
}

// nullableSheet receives a sheet row's columns, from its own table or
// from an outer join where they may all be NULL.
type nullableSheet struct {
	id, head, published, cacheVersion, createdBy, archivedBy, mergedInto sql.NullInt64
	slug, title, archiveReason                                           sql.NullString
	createdAt, updatedAt, archivedAt                                     sql.NullTime
}

func (n *nullableSheet) targets() []any {
	return []any{&n.id, &n.slug, &n.title, &n.head, &n.published, &n.cacheVersion, &n.createdBy,
		&n.createdAt, &n.updatedAt, &n.archivedAt, &n.archivedBy, &n.archiveReason, &n.mergedInto}
}

// sheet is the row scanned, or nil when the join found none.
func (n *nullableSheet) sheet() *model.Sheet {
	if !n.id.Valid {
		return nil
	}
	sh := &model.Sheet{ID: n.id.Int64, Slug: n.slug.String, Title: n.title.String, HeadNumber: int(n.head.Int64),
		CacheVersion: n.cacheVersion.Int64, CreatedBy: n.createdBy.Int64, CreatedAt: n.createdAt.Time, UpdatedAt: n.updatedAt.Time,
		ArchiveReason: n.archiveReason.String}
	if n.published.Valid {
		p := int(n.published.Int64)
		sh.PublishedNumber = &p
	}
	if n.archivedAt.Valid {
		at := n.archivedAt.Time
		sh.ArchivedAt = &at
	}
	if n.archivedBy.Valid {
		sh.ArchivedBy = &n.archivedBy.Int64
	}
	if n.mergedInto.Valid {
		sh.MergedInto = &n.mergedInto.Int64
	}
	return sh
}

// SheetsByTitle returns the sheets of that title, oldest first: a map
// import finds there the sheets it made from a feature of that name.
func (s *Store) SheetsByTitle(ctx context.Context, title string) ([]model.Sheet, error) {
	var sheets []model.Sheet
	err := s.conn(ctx).Where("title = ?", title).Order("id").Find(&sheets).Error
	return sheets, translate(err, "sheets titled %q", title)
}

// SlugTaken reports whether a slug is in use, by a sheet or as the old
// address of one (which redirects for ever).
func (s *Store) SlugTaken(ctx context.Context, slug string) (bool, error) {
	var n int64
	err := s.conn(ctx).Model(&model.Sheet{}).Where("slug = ?", slug).Count(&n).Error
	if err != nil || n > 0 {
		return n > 0, translate(err, "slug %q taken", slug)
	}
	err = s.conn(ctx).Table("sheet_redirects").Where("slug = ?", slug).Count(&n).Error
	return n > 0, translate(err, "slug %q redirected", slug)
}

// LockSheetBySlug loads a sheet inside the caller's transaction and keeps
// other writers of that sheet out until it ends.
//
//	PostgreSQL: SELECT … FROM sheets WHERE slug = $1 FOR UPDATE
//	SQLite:     SELECT … FROM sheets WHERE slug = ?  (BEGIN IMMEDIATE already holds the write lock)
func (s *Store) LockSheetBySlug(ctx context.Context, slug string) (*model.Sheet, error) {
	q := s.conn(ctx).Where("slug = ?", slug)
	if s.db.Dialect == db.Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var sh model.Sheet
	err := q.Take(&sh).Error
	return &sh, translate(err, "lock sheet %q", slug)
}

// AdvanceHead moves a sheet's head from one revision number to the next.
// It is the compare-and-swap of every save: if another writer moved the head
// first, no row matches and the answer is ErrConflict.
//
//	UPDATE sheets SET head_number = :to, title = :title, updated_at = :now
//	WHERE id = :id AND head_number = :from
func (s *Store) AdvanceHead(ctx context.Context, sheetID int64, from, to int, title string, now time.Time) error {
	res := s.conn(ctx).Model(&model.Sheet{}).
		Where("id = ? AND head_number = ?", sheetID, from).
		Updates(map[string]any{"head_number": to, "title": title, "updated_at": now, "cache_version": gorm.Expr("cache_version + 1")})
	if res.Error != nil {
		return translate(res.Error, "advance head of sheet %d", sheetID)
	}
	if res.RowsAffected == 0 {
		return translate(ErrConflict, "advance head of sheet %d from %d", sheetID, from)
	}
	return nil
}

// SheetListOptions filters and pages the list of sheets.
type SheetListOptions struct {
	Limit int
	After string // keyset cursor: the last slug of the previous page
}

// ListSheets returns sheets in slug order, one page at a time. Slugs are
// ASCII, and PostgreSQL compares them bytewise (COLLATE "C") so both
// databases give the same order.
func (s *Store) ListSheets(ctx context.Context, opts SheetListOptions) ([]model.Sheet, error) {
	order := "slug"
	if s.db.Dialect == db.Postgres {
		order = `slug COLLATE "C"`
	}
	q := s.conn(ctx).Where("archived_at IS NULL").Order(order).Limit(opts.Limit)
	if opts.After != "" {
		if s.db.Dialect == db.Postgres {
			q = q.Where(`slug COLLATE "C" > ?`, opts.After)
		} else {
			q = q.Where("slug > ?", opts.After)
		}
	}
	var list []model.Sheet
	return list, translate(q.Find(&list).Error, "list sheets")
}

// RecentSheets returns the most recently changed sheets.
func (s *Store) RecentSheets(ctx context.Context, limit int) ([]model.Sheet, error) {
	var list []model.Sheet
	err := s.conn(ctx).Where("archived_at IS NULL").Order("updated_at DESC, id DESC").Limit(limit).Find(&list).Error
	return list, translate(err, "recent sheets")
}

// SheetByID loads a sheet by id.
func (s *Store) SheetByID(ctx context.Context, id int64) (*model.Sheet, error) {
	var sh model.Sheet
	err := s.conn(ctx).Where("id = ?", id).Take(&sh).Error
	return &sh, translate(err, "sheet %d", id)
}

// TouchSheet moves a sheet's cache version, for writes that change its pages
// without a new revision (a comment, a vote, a board change).
//
//	UPDATE sheets SET cache_version = cache_version + 1 WHERE id = ?
func (s *Store) TouchSheet(ctx context.Context, sheetID int64) error {
	err := s.conn(ctx).Model(&model.Sheet{}).Where("id = ?", sheetID).Update("cache_version", gorm.Expr("cache_version + 1")).Error
	return translate(err, "touch sheet %d", sheetID)
}
