package store

import (
	"context"
	"time"

	"atlas/internal/model"
)

// CreateSession stores a session.
func (s *Store) CreateSession(ctx context.Context, sess *model.Session) error {
	return translate(s.conn(ctx).Create(sess).Error, "create session")
}

// SessionByID loads a live session by the hash of its cookie value; an
// expired one is ErrNotFound.
func (s *Store) SessionByID(ctx context.Context, id string, now time.Time) (*model.Session, error) {
	var sess model.Session
	err := s.conn(ctx).Where("id = ? AND expires_at > ?", id, now).Take(&sess).Error
	return &sess, translate(err, "session")
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

// SetSessionLang remembers the interface language chosen in a session.
func (s *Store) SetSessionLang(ctx context.Context, id, lang string) error {
	return translate(s.conn(ctx).Model(&model.Session{}).Where("id = ?", id).Update("lang", lang).Error, "set session language")
}

// DeleteExpiredSessions purges dead sessions and says how many went.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res := s.conn(ctx).Where("expires_at <= ?", now).Delete(&model.Session{})
	return res.RowsAffected, translate(res.Error, "delete expired sessions")
}
