package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"atlas/internal/model"
)

// Audit actions of the running of the atlas (issue 15).
const (
	AuditSheetRename    = "sheet_rename"
	AuditSheetArchive   = "sheet_archive"
	AuditSheetUnarchive = "sheet_unarchive"
	AuditSheetMerge     = "sheet_merge"
)

// RedirectOf returns the id of the sheet that once had slug as its
// address; ok is false when none did.
//
//	SELECT sheet_id FROM sheet_redirects WHERE slug = ?
func (s *Store) RedirectOf(ctx context.Context, slug string) (id int64, ok bool, err error) {
	var ids []int64
	err = s.conn(ctx).Table("sheet_redirects").Where("slug = ?", slug).Limit(1).Pluck("sheet_id", &ids).Error
	if err != nil || len(ids) == 0 {
		return 0, false, translate(err, "redirect of %q", slug)
	}
	return ids[0], true, nil
}

// MoveSheet gives a locked sheet a new address: the old one joins its
// redirects, and a redirect of the sheet's own at the new address is
// dropped (a sheet renamed back takes its old address again).
func (s *Store) MoveSheet(ctx context.Context, sheetID int64, from, to string, now time.Time) error {
	err := s.conn(ctx).Exec(`DELETE FROM sheet_redirects WHERE slug = ? AND sheet_id = ?`, to, sheetID).Error
	if err != nil {
		return translate(err, "drop redirect %q", to)
	}
	err = s.conn(ctx).Exec(`INSERT INTO sheet_redirects (slug, sheet_id, created_at) VALUES (?, ?, ?)`, from, sheetID, now).Error
	if err != nil {
		return translate(err, "redirect %q", from)
	}
	err = s.conn(ctx).Model(&model.Sheet{}).Where("id = ? AND slug = ?", sheetID, from).
		Updates(map[string]any{"slug": to, "cache_version": gorm.Expr("cache_version + 1")}).Error
	return translate(err, "move sheet %d to %q", sheetID, to)
}

// SlugOwner returns the id of the sheet at slug or redirected from it;
// ok is false when the slug is free.
func (s *Store) SlugOwner(ctx context.Context, slug string) (id int64, ok bool, err error) {
	sh, err := s.SheetBySlug(ctx, slug)
	if err == nil {
		return sh.ID, true, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return 0, false, err
	}
	return s.RedirectOf(ctx, slug)
}

// SetArchived archives a sheet (at non-nil, with reason, merged into
// another when into is non-nil) or brings it back (at nil). Its pages'
// cache version moves, and so does its card's date, which is part of the
// cards' fingerprint: lists, search and the map built before are not
// served again.
func (s *Store) SetArchived(ctx context.Context, sheetID int64, at *time.Time, by *int64, reason string, into *int64, now time.Time) error {
	err := s.conn(ctx).Model(&model.Sheet{}).Where("id = ?", sheetID).Updates(map[string]any{
		"archived_at": at, "archived_by": by, "archive_reason": reason, "merged_into": into,
		"cache_version": gorm.Expr("cache_version + 1"),
	}).Error
	if err != nil {
		return translate(err, "archive sheet %d", sheetID)
	}
	err = s.conn(ctx).Model(&model.SheetCard{}).Where("sheet_id = ?", sheetID).Update("updated_at", now).Error
	return translate(err, "touch card of sheet %d", sheetID)
}

// MergedInto lists the duplicates merged into a sheet, oldest first.
func (s *Store) MergedInto(ctx context.Context, sheetID int64) ([]model.Sheet, error) {
	var list []model.Sheet
	err := s.conn(ctx).Select("id", "slug", "title").Where("merged_into = ?", sheetID).Order("id").Find(&list).Error
	return list, translate(err, "merged into %d", sheetID)
}

// SetMergedInto names the sheet a merged duplicate leads to; a restore
// sets it once every sheet is back.
func (s *Store) SetMergedInto(ctx context.Context, sheetID, into int64) error {
	err := s.conn(ctx).Model(&model.Sheet{}).Where("id = ?", sheetID).UpdateColumn("merged_into", into).Error
	return translate(err, "merge sheet %d into %d", sheetID, into)
}

// SheetTitles lists every live sheet's slug and title, for the question
// asked before a new sheet whose title is close to one of them.
func (s *Store) SheetTitles(ctx context.Context) ([]model.Sheet, error) {
	var list []model.Sheet
	err := s.conn(ctx).Select("id", "slug", "title").Where("archived_at IS NULL").Order("id").Find(&list).Error
	return list, translate(err, "sheet titles")
}
