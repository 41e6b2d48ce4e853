package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"gorm.io/gorm"

	"atlas/internal/model"
)

// CreateSession stores a session.
func (s *Store) CreateSession(ctx context.Context, sess *model.Session) error {
	return translate(s.conn(ctx).Create(sess).Error, "create session")
}

// DeleteSession ends one session.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	return translate(s.conn(ctx).Where("id = ?", id).Delete(&model.Session{}).Error, "delete session")
}

// DeleteUserSessions ends every session of an account, as when it is
// disabled or its role changes.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) error {
	return translate(s.conn(ctx).Where("user_id = ?", userID).Delete(&model.Session{}).Error, "delete sessions of user %d", userID)
}

// DeleteExpiredSessions purges dead sessions and says how many went.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res := s.conn(ctx).Where("expires_at <= ?", now).Delete(&model.Session{})
	return res.RowsAffected, translate(res.Error, "delete expired sessions")
}

// SessionWithUser loads a live session by the hash of its cookie value
// and, for a signed-in one, its account, in one query: every request of a
// signed-in reader starts with it. An expired or unknown session is
// ErrNotFound; the account is nil for an anonymous session.
//
//	SELECT s.…, u.… FROM sessions s LEFT JOIN users u ON u.id = s.user_id
//	WHERE s.id = ? AND s.expires_at > ?
func (s *Store) SessionWithUser(ctx context.Context, id string, now time.Time) (*model.Session, *model.User, error) {
	row, err := s.queryRow(ctx, `SELECT s.id, s.user_id, s.csrf_token, s.created_at, s.expires_at, `+userColumns("u")+`
		FROM sessions s LEFT JOIN users u ON u.id = s.user_id WHERE s.id = ? AND s.expires_at > ?`, id, now.UTC())
	if err != nil {
		return nil, nil, translate(err, "prepare session lookup")
	}
	var sess model.Session
	var userID sql.NullInt64
	var u nullableUser
	err = row.Scan(append([]any{&sess.ID, &userID, &sess.CSRFToken, &sess.CreatedAt, &sess.ExpiresAt}, u.targets()...)...)
	if errors.Is(err, sql.ErrNoRows) {
		err = gorm.ErrRecordNotFound
	}
	if err != nil {
		return nil, nil, translate(err, "session")
	}
	if userID.Valid {
		sess.UserID = &userID.Int64
	}
	return &sess, u.user(), nil
}
