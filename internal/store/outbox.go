package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"atlas/internal/model"
)

// EnqueueMail queues the e-mail of each notification, due at once. Call it
// in the transaction that creates the notifications, so a mail exists
// exactly when its notification does.
func (s *Store) EnqueueMail(ctx context.Context, notificationIDs []int64, now time.Time) error {
	if len(notificationIDs) == 0 {
		return nil
	}
	rows := make([]model.OutboxMail, len(notificationIDs))
	for i, id := range notificationIDs {
		rows[i] = model.OutboxMail{Kind: model.MailNotification, NotificationID: &id, State: model.MailPending, NextAttemptAt: now.UTC(), CreatedAt: now.UTC()}
	}
	return translate(s.conn(ctx).Create(&rows).Error, "enqueue mail")
}

// EnqueuePasswordMail queues a mail carrying a new password link for an
// account, due at once.
func (s *Store) EnqueuePasswordMail(ctx context.Context, userID int64, now time.Time) error {
	row := model.OutboxMail{Kind: model.MailPasswordLink, UserID: &userID, State: model.MailPending, NextAttemptAt: now.UTC(), CreatedAt: now.UTC()}
	return translate(s.conn(ctx).Create(&row).Error, "enqueue password mail")
}

// DueMail lists pending mail whose time has come, oldest first. Another
// sender may take a row before this one claims it: see ClaimMail.
func (s *Store) DueMail(ctx context.Context, now time.Time, limit int) ([]model.OutboxMail, error) {
	var rows []model.OutboxMail
	err := s.conn(ctx).Where("state = ? AND next_attempt_at <= ?", model.MailPending, now.UTC()).
		Order("next_attempt_at, id").Limit(limit).Find(&rows).Error
	return rows, translate(err, "due mail")
}

// ClaimMail takes a due mail for one attempt, until the lease ends; false
// when another sender took it first. The conditional UPDATE is the lock, on
// both databases: a second sender's UPDATE finds attempts already moved on
// (PostgreSQL re-checks the WHERE after the first commits), so one mail is
// never sent by two instances at once.
//
//	UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = $until
//	WHERE id = $id AND state = 'pending' AND attempts = $seen AND next_attempt_at <= $now
func (s *Store) ClaimMail(ctx context.Context, m *model.OutboxMail, now, until time.Time) (bool, error) {
	res := s.conn(ctx).Model(&model.OutboxMail{}).
		Where("id = ? AND state = ? AND attempts = ? AND next_attempt_at <= ?", m.ID, model.MailPending, m.Attempts, now.UTC()).
		Updates(map[string]any{"attempts": gorm.Expr("attempts + 1"), "next_attempt_at": until.UTC()})
	if res.Error != nil {
		return false, translate(res.Error, "claim mail %d", m.ID)
	}
	if res.RowsAffected == 0 {
		return false, nil
	}
	m.Attempts++
	m.NextAttemptAt = until.UTC()
	return true, nil
}

// MarkMailSent records a delivered mail.
func (s *Store) MarkMailSent(ctx context.Context, id int64, now time.Time) error {
	return s.updateMail(ctx, id, map[string]any{"state": model.MailSent, "sent_at": now.UTC(), "last_error": ""})
}

// RetryMailAt puts a mail back in the queue after a failed attempt.
func (s *Store) RetryMailAt(ctx context.Context, id int64, at time.Time, reason string) error {
	return s.updateMail(ctx, id, map[string]any{"next_attempt_at": at.UTC(), "last_error": reason})
}

// ReleaseMail gives back a claim whose attempt was interrupted (the process
// is stopping): the mail is due again and the attempt does not count.
func (s *Store) ReleaseMail(ctx context.Context, id int64, now time.Time) error {
	return s.updateMail(ctx, id, map[string]any{"next_attempt_at": now.UTC(), "attempts": gorm.Expr("attempts - 1")})
}

// FailMail gives a mail up for good.
func (s *Store) FailMail(ctx context.Context, id int64, reason string) error {
	return s.updateMail(ctx, id, map[string]any{"state": model.MailFailed, "last_error": reason})
}

func (s *Store) updateMail(ctx context.Context, id int64, fields map[string]any) error {
	err := s.conn(ctx).Model(&model.OutboxMail{}).Where("id = ?", id).Updates(fields).Error
	return translate(err, "update mail %d", id)
}

// OutboxMails lists the outbox, oldest first, for admins and tests.
func (s *Store) OutboxMails(ctx context.Context, limit int) ([]model.OutboxMail, error) {
	var rows []model.OutboxMail
	err := s.conn(ctx).Order("id").Limit(limit).Find(&rows).Error
	return rows, translate(err, "outbox")
}

// DeleteSentMail forgets mail delivered before a time; failed mail stays
// for an admin to read.
func (s *Store) DeleteSentMail(ctx context.Context, before time.Time) (int64, error) {
	res := s.conn(ctx).Where("state = ? AND sent_at < ?", model.MailSent, before.UTC()).Delete(&model.OutboxMail{})
	return res.RowsAffected, translate(res.Error, "delete sent mail")
}

// NotificationByID loads one notification, for the sender composing its
// mail.
func (s *Store) NotificationByID(ctx context.Context, id int64) (*model.Notification, error) {
	var n model.Notification
	err := s.conn(ctx).Where("id = ?", id).Take(&n).Error
	return &n, translate(err, "notification %d", id)
}
