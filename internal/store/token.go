package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"gorm.io/gorm"

	"atlas/internal/model"
)

// CreateAPIToken stores a token (its hash only).
func (s *Store) CreateAPIToken(ctx context.Context, t *model.APIToken) error {
	return translate(s.conn(ctx).Create(t).Error, "create api token")
}

// TouchAPIToken records a token's last use, at most once a minute so a busy
// program does not turn every read into a write.
func (s *Store) TouchAPIToken(ctx context.Context, id int64, now time.Time) error {
	err := s.conn(ctx).Model(&model.APIToken{}).
		Where("id = ? AND (last_used_at IS NULL OR last_used_at < ?)", id, now.Add(-time.Minute)).
		Update("last_used_at", now).Error
	return translate(err, "touch api token %d", id)
}

// APITokensOfUser lists an account's tokens, newest first.
func (s *Store) APITokensOfUser(ctx context.Context, userID int64) ([]model.APIToken, error) {
	var list []model.APIToken
	err := s.conn(ctx).Where("user_id = ?", userID).Order("id DESC").Find(&list).Error
	return list, translate(err, "api tokens of user %d", userID)
}

// DeleteAPIToken revokes a token of the given account.
func (s *Store) DeleteAPIToken(ctx context.Context, userID, id int64) error {
	res := s.conn(ctx).Where("id = ? AND user_id = ?", id, userID).Delete(&model.APIToken{})
	return rowsOrNotFound(res.Error, res.RowsAffected, "delete api token %d", id)
}

// DeleteUserAPITokens revokes every token of an account, as when its
// password changes, and says how many there were.
func (s *Store) DeleteUserAPITokens(ctx context.Context, userID int64) (int64, error) {
	res := s.conn(ctx).Where("user_id = ?", userID).Delete(&model.APIToken{})
	return res.RowsAffected, translate(res.Error, "delete api tokens of user %d", userID)
}

// APITokenWithUser finds a token by the SHA-256 of its value, with its
// account, in one query: every request of a program starts with it.
//
//	SELECT t.id, t.user_id, t.last_used_at, u.… FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?
func (s *Store) APITokenWithUser(ctx context.Context, hash string) (*model.APIToken, *model.User, error) {
	t, u, _, err := s.tokenLookup(ctx, hash, "")
	return t, u, err
}

// APITokenWithUserAndSheet is APITokenWithUser that also reads the row of
// the sheet named slug in the same query, as SessionWithUserAndSheet does
// for a browser: nil when no sheet has that name.
func (s *Store) APITokenWithUserAndSheet(ctx context.Context, hash, slug string) (*model.APIToken, *model.User, *model.Sheet, error) {
	return s.tokenLookup(ctx, hash, slug)
}

var (
	tokenColumns        = `SELECT t.id, t.user_id, t.name, t.created_at, t.last_used_at, ` + userColumns("u")
	tokenWithUserQuery  = tokenColumns + ` FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`
	tokenWithSheetQuery = tokenColumns + `, ` + sheetColumns("sh") + ` FROM api_tokens t JOIN users u ON u.id = t.user_id
		LEFT JOIN sheets sh ON sh.slug = ? WHERE t.token_hash = ?`
)

func (s *Store) tokenLookup(ctx context.Context, hash, slug string) (*model.APIToken, *model.User, *model.Sheet, error) {
	t := model.APIToken{TokenHash: hash}
	var lastUsed sql.NullTime
	var u nullableUser
	var sh nullableSheet
	targets := append([]any{&t.ID, &t.UserID, &t.Name, &t.CreatedAt, &lastUsed}, u.targets()...)
	q, args := tokenWithUserQuery, []any{hash}
	if slug != "" {
		q, args = tokenWithSheetQuery, []any{slug, hash}
		targets = append(targets, sh.targets()...)
	}
	row, err := s.queryRow(ctx, q, args...)
	if err != nil {
		return nil, nil, nil, translate(err, "prepare api token lookup")
	}
	err = row.Scan(targets...)
	if errors.Is(err, sql.ErrNoRows) {
		err = gorm.ErrRecordNotFound
	}
	if err != nil {
		return nil, nil, nil, translate(err, "api token")
	}
	if lastUsed.Valid {
		t.LastUsedAt = &lastUsed.Time
	}
	return &t, u.user(), sh.sheet(), nil
}
