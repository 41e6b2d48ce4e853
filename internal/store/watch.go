package store

import (
	"context"

	"atlas/internal/model"
)

// Unwatch ends an account's subscription to a sheet; unwatching a sheet
// not watched is harmless.
func (s *Store) Unwatch(ctx context.Context, userID, sheetID int64) error {
	err := s.conn(ctx).Where("user_id = ? AND sheet_id = ?", userID, sheetID).Delete(&model.Watch{}).Error
	return translate(err, "unwatch sheet %d", sheetID)
}

// Watching reports whether an account follows a sheet.
func (s *Store) Watching(ctx context.Context, userID, sheetID int64) (bool, error) {
	var n int64
	err := s.conn(ctx).Model(&model.Watch{}).Where("user_id = ? AND sheet_id = ?", userID, sheetID).Limit(1).Count(&n).Error
	return n > 0, translate(err, "watching sheet %d", sheetID)
}

// UnreadCount counts an inbox's unread notifications, up to max (the
// header shows "max+" beyond), on the partial index notifications_unread.
//
//	SELECT count(*) FROM (SELECT 1 FROM notifications WHERE user_id = ? AND read_at IS NULL LIMIT ?) AS u
func (s *Store) UnreadCount(ctx context.Context, userID int64, max int) (int, error) {
	var n int64
	sub := s.conn(ctx).Model(&model.Notification{}).Select("1").Where("user_id = ? AND read_at IS NULL", userID).Limit(max)
	err := s.conn(ctx).Table("(?) AS u", sub).Count(&n).Error
	return int(n), translate(err, "unread notifications of user %d", userID)
}
