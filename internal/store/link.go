package store

import (
	"context"
	"strings"
	"time"

	"atlas/internal/model"
)

// CreateLink stores a one-time link (its token's hash only).
func (s *Store) CreateLink(ctx context.Context, l *model.OneTimeLink) error {
	return translate(s.conn(ctx).Create(l).Error, "create %s link", l.Purpose)
}

// LiveLink finds an unused, unexpired link of the purpose by its token's
// hash; anything else is ErrNotFound.
func (s *Store) LiveLink(ctx context.Context, purpose, hash string, now time.Time) (*model.OneTimeLink, error) {
	var l model.OneTimeLink
	err := s.conn(ctx).Where("token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?", hash, purpose, now).Take(&l).Error
	return &l, translate(err, "%s link", purpose)
}

// UseLink marks a link used, provided it still is live: of two requests
// using it at once, only one changes the row, and the other gets
// ErrNotFound.
//
//	UPDATE one_time_links SET used_at = :now WHERE id = :id AND used_at IS NULL AND expires_at > :now
func (s *Store) UseLink(ctx context.Context, id int64, now time.Time) error {
	res := s.conn(ctx).Model(&model.OneTimeLink{}).Where("id = ? AND used_at IS NULL AND expires_at > ?", id, now).
		Update("used_at", now)
	return rowsOrNotFound(res.Error, res.RowsAffected, "use link %d", id)
}

// EndLinks marks used every live link of the purpose (of the account when
// userID is not nil), as when a newer one replaces them or the first admin
// exists.
func (s *Store) EndLinks(ctx context.Context, purpose string, userID *int64, now time.Time) error {
	q := s.conn(ctx).Model(&model.OneTimeLink{}).Where("purpose = ? AND used_at IS NULL", purpose)
	if userID != nil {
		q = q.Where("user_id = ?", *userID)
	}
	return translate(q.Update("used_at", now).Error, "end %s links", purpose)
}

// CountUsers says how many accounts exist.
func (s *Store) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&model.User{}).Count(&n).Error
	return n, translate(err, "count users")
}

// UserByLogin loads an account by its username or its e-mail address,
// compared without regard to case; usernames come first, so an address
// someone typed as a username cannot shadow an account's name.
func (s *Store) UserByLogin(ctx context.Context, login string) (*model.User, error) {
	var list []model.User
	err := s.conn(ctx).Where("lower(username) = lower(?) OR lower(email) = lower(?)", login, login).
		Order("id").Limit(4).Find(&list).Error
	if err != nil {
		return nil, translate(err, "user %q", login)
	}
	var byMail *model.User
	for i := range list {
		if strings.EqualFold(list[i].Username, login) {
			return &list[i], nil
		}
		if byMail == nil {
			byMail = &list[i]
		}
	}
	if byMail == nil {
		return nil, translate(ErrNotFound, "user %q", login)
	}
	return byMail, nil
}
