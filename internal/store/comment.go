package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"atlas/internal/model"
)

// CreateComment adds a message to a discussion.
func (s *Store) CreateComment(ctx context.Context, c *model.Comment) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		if err := s.conn(ctx).Create(c).Error; err != nil {
			return translate(err, "create comment")
		}
		return s.TouchSheet(ctx, c.SheetID)
	})
}

// CommentsOf lists a discussion oldest first: a sheet's own (reviewID nil)
// or a review's.
func (s *Store) CommentsOf(ctx context.Context, sheetID int64, reviewID *int64) ([]model.Comment, error) {
	q := s.conn(ctx).Where("sheet_id = ?", sheetID)
	if reviewID == nil {
		q = q.Where("review_id IS NULL")
	} else {
		q = q.Where("review_id = ?", *reviewID)
	}
	var list []model.Comment
	return list, translate(q.Order("id").Find(&list).Error, "comments of sheet %d", sheetID)
}

// Watch subscribes an account to a sheet; watching twice is harmless.
func (s *Store) Watch(ctx context.Context, userID, sheetID int64, now time.Time) error {
	w := model.Watch{UserID: userID, SheetID: sheetID, CreatedAt: now}
	return translate(s.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&w).Error, "watch sheet %d", sheetID)
}

// Watchers returns the ids of a sheet's watchers.
func (s *Store) Watchers(ctx context.Context, sheetID int64) ([]int64, error) {
	var ids []int64
	err := s.conn(ctx).Model(&model.Watch{}).Where("sheet_id = ?", sheetID).Pluck("user_id", &ids).Error
	return ids, translate(err, "watchers of sheet %d", sheetID)
}

// CreateNotifications fills inboxes.
func (s *Store) CreateNotifications(ctx context.Context, list []model.Notification) error {
	if len(list) == 0 {
		return nil
	}
	return translate(s.conn(ctx).Create(&list).Error, "create notifications")
}

// NotificationsOf lists an inbox, newest first.
func (s *Store) NotificationsOf(ctx context.Context, userID int64, limit int) ([]model.Notification, error) {
	var list []model.Notification
	err := s.conn(ctx).Where("user_id = ?", userID).Order("id DESC").Limit(limit).Find(&list).Error
	return list, translate(err, "notifications of user %d", userID)
}

// MarkAllRead marks an inbox read.
func (s *Store) MarkAllRead(ctx context.Context, userID int64, now time.Time) error {
	err := s.conn(ctx).Model(&model.Notification{}).Where("user_id = ? AND read_at IS NULL", userID).Update("read_at", now).Error
	return translate(err, "mark notifications read")
}
