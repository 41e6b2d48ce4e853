package store

import (
	"context"
	"time"

	"gorm.io/gorm"
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
	var list []model.Comment
	return list, translate(s.discussion(ctx, sheetID, reviewID).Order("id").Find(&list).Error, "comments of sheet %d", sheetID)
}

// CommentPage lists at most limit messages of a discussion older than
// before (any when 0), newest first: a discussion is read from its end,
// one bounded page at a time.
//
//	SELECT * FROM comments WHERE sheet_id = ? AND review_id IS NULL AND id < ? ORDER BY id DESC LIMIT ?
func (s *Store) CommentPage(ctx context.Context, sheetID int64, reviewID *int64, before int64, limit int) ([]model.Comment, error) {
	q := s.discussion(ctx, sheetID, reviewID)
	if before > 0 {
		q = q.Where("id < ?", before)
	}
	var list []model.Comment
	return list, translate(q.Order("id DESC").Limit(limit).Find(&list).Error, "comment page of sheet %d", sheetID)
}

func (s *Store) discussion(ctx context.Context, sheetID int64, reviewID *int64) *gorm.DB {
	q := s.conn(ctx).Where("sheet_id = ?", sheetID)
	if reviewID == nil {
		return q.Where("review_id IS NULL")
	}
	return q.Where("review_id = ?", *reviewID)
}

// CommentByID returns one message.
func (s *Store) CommentByID(ctx context.Context, id int64) (*model.Comment, error) {
	var c model.Comment
	if err := s.conn(ctx).Where("id = ?", id).Take(&c).Error; err != nil {
		return nil, translate(err, "comment %d", id)
	}
	return &c, nil
}

// RecentComments returns when an author's last messages were written, at
// or after since, anywhere, newest first and at most limit of them: what
// the rate limit counts.
func (s *Store) RecentComments(ctx context.Context, authorID int64, since time.Time, limit int) ([]time.Time, error) {
	var list []model.Comment
	err := s.conn(ctx).Select("id", "created_at").Where("author_id = ? AND created_at >= ?", authorID, since).
		Order("created_at DESC").Limit(limit).Find(&list).Error
	if err != nil {
		return nil, translate(err, "recent comments of user %d", authorID)
	}
	times := make([]time.Time, len(list))
	for i, c := range list {
		times[i] = c.CreatedAt
	}
	return times, nil
}

// OwnCommentsSince returns the ids of a sheet's messages written by an
// author at or after since and not hidden: those the author may still
// withdraw.
func (s *Store) OwnCommentsSince(ctx context.Context, sheetID, authorID int64, since time.Time) ([]int64, error) {
	var ids []int64
	err := s.conn(ctx).Model(&model.Comment{}).
		Where("author_id = ? AND created_at >= ? AND sheet_id = ? AND hidden_at IS NULL", authorID, since, sheetID).
		Pluck("id", &ids).Error
	return ids, translate(err, "recent comments of user %d", authorID)
}

// HideComment withdraws a message: it stays in the table, marked hidden by
// whom, when and why; the audit log gets the trace and the sheet's pages a
// new cache version, in one transaction. A message already hidden is
// ErrConflict.
func (s *Store) HideComment(ctx context.Context, c *model.Comment, by int64, reason string, at time.Time) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		res := s.conn(ctx).Model(&model.Comment{}).Where("id = ? AND hidden_at IS NULL", c.ID).
			Updates(map[string]any{"hidden_at": at, "hidden_by": by, "hidden_reason": reason})
		if res.Error != nil {
			return translate(res.Error, "hide comment %d", c.ID)
		}
		if res.RowsAffected == 0 {
			return ErrConflict
		}
		entry := &model.AuditEntry{
			CreatedAt: at, ActorID: &by, Action: AuditCommentHide, SheetID: &c.SheetID, ReviewID: c.ReviewID,
			Details: model.JSONMap{"comment_id": c.ID, "author_id": c.AuthorID, "reason": reason},
		}
		if err := s.AppendAudit(ctx, entry); err != nil {
			return err
		}
		c.HiddenAt, c.HiddenBy, c.HiddenReason = &at, &by, reason
		return s.TouchSheet(ctx, c.SheetID)
	})
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
