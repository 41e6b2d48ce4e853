package store

import (
	"context"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"atlas/internal/db"
	"atlas/internal/model"
)

// Drafts are rows rewritten in place, one per account and sheet; a new
// sheet's draft has no sheet (sheet_id IS NULL). The rules (size, count per
// account, removal on save) are the sheet service's; these methods only
// read and write rows.

// draftOf narrows a query to one account's draft of one sheet, or of the
// sheet it has not created yet when sheetID is nil.
func draftOf(q *gorm.DB, userID int64, sheetID *int64) *gorm.DB {
	if sheetID == nil {
		return q.Where("user_id = ? AND sheet_id IS NULL", userID)
	}
	return q.Where("user_id = ? AND sheet_id = ?", userID, *sheetID)
}

// Draft loads an account's draft of a sheet (nil: of a new sheet), or
// ErrNotFound.
func (s *Store) Draft(ctx context.Context, userID int64, sheetID *int64) (*model.Draft, error) {
	var d model.Draft
	err := draftOf(s.conn(ctx), userID, sheetID).Take(&d).Error
	return &d, translate(err, "draft of user %d", userID)
}

// UpdateDraft rewrites an existing draft with d's content and says whether
// there was one.
//
//	UPDATE drafts SET base = ?, title = ?, body = ?, meta = ?, summary = ?, saved_at = ?
//	WHERE user_id = ? AND sheet_id = ?   (or sheet_id IS NULL)
func (s *Store) UpdateDraft(ctx context.Context, d *model.Draft) (bool, error) {
	res := draftOf(s.conn(ctx).Model(&model.Draft{}), d.UserID, d.SheetID).Updates(map[string]any{
		"base": d.Base, "title": d.Title, "body": d.Body, "meta": d.Meta, "summary": d.Summary, "saved_at": d.SavedAt,
	})
	return res.RowsAffected > 0, translate(res.Error, "update draft of user %d", d.UserID)
}

// CreateDraft inserts a draft; one that already exists is ErrConflict.
func (s *Store) CreateDraft(ctx context.Context, d *model.Draft) error {
	return translate(s.conn(ctx).Create(d).Error, "create draft of user %d", d.UserID)
}

// CountDrafts counts an account's drafts.
func (s *Store) CountDrafts(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&model.Draft{}).Where("user_id = ?", userID).Count(&n).Error
	return n, translate(err, "count drafts of user %d", userID)
}

// DeleteDraft deletes an account's draft of a sheet (nil: of a new sheet)
// and says whether there was one.
func (s *Store) DeleteDraft(ctx context.Context, userID int64, sheetID *int64) (bool, error) {
	res := draftOf(s.conn(ctx), userID, sheetID).Delete(&model.Draft{})
	return res.RowsAffected > 0, translate(res.Error, "delete draft of user %d", userID)
}

// Drafts lists an account's drafts, most recently saved first, without
// their text.
//
//	SELECT d.sheet_id, COALESCE(s.slug, ''), d.title, d.base, d.saved_at
//	FROM drafts d LEFT JOIN sheets s ON s.id = d.sheet_id
//	WHERE d.user_id = ? ORDER BY d.saved_at DESC, d.id DESC
func (s *Store) Drafts(ctx context.Context, userID int64) ([]model.DraftListItem, error) {
	var rows []model.DraftListItem
	err := s.conn(ctx).Raw(`SELECT d.sheet_id, COALESCE(s.slug, '') AS slug, d.title, d.base, d.saved_at
		FROM drafts d LEFT JOIN sheets s ON s.id = d.sheet_id
		WHERE d.user_id = ? ORDER BY d.saved_at DESC, d.id DESC`, userID).Scan(&rows).Error
	return rows, translate(err, "drafts of user %d", userID)
}

// LockDraftsOf keeps other writers of an account's drafts out until the
// caller's transaction ends, so a count checked before an insert stays
// true.
//
//	PostgreSQL: SELECT id FROM users WHERE id = $1 FOR UPDATE
//	SQLite:     nothing (BEGIN IMMEDIATE already holds the write lock)
func (s *Store) LockDraftsOf(ctx context.Context, userID int64) error {
	if s.db.Dialect != db.Postgres {
		return nil
	}
	var id int64
	err := s.conn(ctx).Model(&model.User{}).Select("id").Where("id = ?", userID).
		Clauses(clause.Locking{Strength: "UPDATE"}).Take(&id).Error
	return translate(err, "lock drafts of user %d", userID)
}
