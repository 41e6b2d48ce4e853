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
	sess, u, _, err := s.sessionLookup(ctx, id, now, "")
	return sess, u, err
}

// SessionWithUserAndSheet is SessionWithUser that also reads the row of
// the sheet named slug, in the same query: a signed-in reader's sheet page
// then costs one lookup before its own work, not two. The sheet is nil
// when no sheet has that name (an old address, a mistyped one); the
// session's errors are SessionWithUser's.
//
//	SELECT s.…, u.…, sh.… FROM sessions s LEFT JOIN users u ON u.id = s.user_id
//	LEFT JOIN sheets sh ON sh.slug = ? WHERE s.id = ? AND s.expires_at > ?
func (s *Store) SessionWithUserAndSheet(ctx context.Context, id string, now time.Time, slug string) (*model.Session, *model.User, *model.Sheet, error) {
	return s.sessionLookup(ctx, id, now, slug)
}

// The session lookups' statements, written once: the store keys its
// prepared statements by their text.
var (
	sessionColumns        = `SELECT s.id, s.user_id, s.csrf_token, s.created_at, s.expires_at, ` + userColumns("u")
	sessionWithUserQuery  = sessionColumns + ` FROM sessions s LEFT JOIN users u ON u.id = s.user_id WHERE s.id = ? AND s.expires_at > ?`
	sessionWithSheetQuery = sessionColumns + `, ` + sheetColumns("sh") + ` FROM sessions s LEFT JOIN users u ON u.id = s.user_id
		LEFT JOIN sheets sh ON sh.slug = ? WHERE s.id = ? AND s.expires_at > ?`
)

func (s *Store) sessionLookup(ctx context.Context, id string, now time.Time, slug string) (*model.Session, *model.User, *model.Sheet, error) {
	var sess model.Session
	var userID sql.NullInt64
	var u nullableUser
	var sh nullableSheet
	targets := append([]any{&sess.ID, &userID, &sess.CSRFToken, &sess.CreatedAt, &sess.ExpiresAt}, u.targets()...)
	q, args := sessionWithUserQuery, []any{id, now.UTC()}
	if slug != "" {
		q, args = sessionWithSheetQuery, []any{slug, id, now.UTC()}
		targets = append(targets, sh.targets()...)
	}
	row, err := s.queryRow(ctx, q, args...)
	if err != nil {
		return nil, nil, nil, translate(err, "prepare session lookup")
	}
	err = row.Scan(targets...)
	if errors.Is(err, sql.ErrNoRows) {
		err = gorm.ErrRecordNotFound
	}
	if err != nil {
		return nil, nil, nil, translate(err, "session")
	}
	if userID.Valid {
		sess.UserID = &userID.Int64
	}
	return &sess, u.user(), sh.sheet(), nil
}
