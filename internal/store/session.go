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
// and, for a signed-in one, its account, in one query. An expired or
// unknown session is ErrNotFound; the account is nil for an anonymous
// session.
//
//	SELECT s.…, u.… FROM sessions s LEFT JOIN users u ON u.id = s.user_id
//	WHERE s.id = ? AND s.expires_at > ?
func (s *Store) SessionWithUser(ctx context.Context, id string, now time.Time) (*model.Session, *model.User, error) {
	v, err := s.visit(ctx, sessionWithUserQuery, []any{id, now.UTC()}, false)
	return v.Session, v.User, err
}

// Visit is what a browser's request reads before its own work.
type Visit struct {
	Session *model.Session
	User    *model.User // nil for an anonymous session
	// Unread counts the account's unread notifications, up to the
	// maximum asked for (the header shows "99+"); 0 when anonymous.
	Unread int
	// Sheet is the row of the sheet the request addresses: nil when it
	// names none, or a name no sheet has (an old address, a typo).
	Sheet *model.Sheet
}

// Visit reads, in one query, what every request of a browser starts
// with: the live session by the hash of its cookie value, its account,
// the account's unread notifications (up to maxUnread) for the header,
// and the row of the sheet named slug ("" for none). A signed-in reader's
// sheet page then costs one lookup before its own work instead of three.
// An expired or unknown session is ErrNotFound.
//
//	SELECT s.…, u.…, (SELECT count(*) FROM (SELECT 1 FROM notifications … LIMIT ?)), sh.…
//	FROM sessions s LEFT JOIN users u ON u.id = s.user_id LEFT JOIN sheets sh ON sh.slug = ?
//	WHERE s.id = ? AND s.expires_at > ?
func (s *Store) Visit(ctx context.Context, id string, now time.Time, slug string, maxUnread int) (Visit, error) {
	if slug == "" {
		return s.visit(ctx, visitQuery, []any{maxUnread, id, now.UTC()}, false)
	}
	return s.visit(ctx, visitSheetQuery, []any{maxUnread, slug, id, now.UTC()}, true)
}

// The session lookups' statements, written once: the store keys its
// prepared statements by their text. The unread count reads the partial
// index of unread notifications, at most maxUnread entries of it.
var (
	sessionColumns       = `SELECT s.id, s.user_id, s.csrf_token, s.created_at, s.expires_at, ` + userColumns("u")
	sessionWithUserQuery = sessionColumns + ` FROM sessions s LEFT JOIN users u ON u.id = s.user_id WHERE s.id = ? AND s.expires_at > ?`
	unreadColumn         = `, (SELECT count(*) FROM (SELECT 1 FROM notifications n WHERE n.user_id = s.user_id AND n.read_at IS NULL LIMIT ?) AS unread)`
	visitQuery           = sessionColumns + unreadColumn + ` FROM sessions s LEFT JOIN users u ON u.id = s.user_id WHERE s.id = ? AND s.expires_at > ?`
	visitSheetQuery      = sessionColumns + unreadColumn + `, ` + sheetColumns("sh") + ` FROM sessions s LEFT JOIN users u ON u.id = s.user_id
		LEFT JOIN sheets sh ON sh.slug = ? WHERE s.id = ? AND s.expires_at > ?`
)

// visit runs one of the statements above: with the unread count unless it
// is sessionWithUserQuery, with the sheet's columns when withSheet.
func (s *Store) visit(ctx context.Context, q string, args []any, withSheet bool) (Visit, error) {
	var sess model.Session
	var userID sql.NullInt64
	var u nullableUser
	var unread int64
	var sh nullableSheet
	targets := append([]any{&sess.ID, &userID, &sess.CSRFToken, &sess.CreatedAt, &sess.ExpiresAt}, u.targets()...)
	if q != sessionWithUserQuery {
		targets = append(targets, &unread)
	}
	if withSheet {
		targets = append(targets, sh.targets()...)
	}
	row, err := s.queryRow(ctx, q, args...)
	if err != nil {
		return Visit{}, translate(err, "prepare session lookup")
	}
	err = row.Scan(targets...)
	if errors.Is(err, sql.ErrNoRows) {
		err = gorm.ErrRecordNotFound
	}
	if err != nil {
		return Visit{}, translate(err, "session")
	}
	if userID.Valid {
		sess.UserID = &userID.Int64
	}
	return Visit{Session: &sess, User: u.user(), Unread: int(unread), Sheet: sh.sheet()}, nil
}
