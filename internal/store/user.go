package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"atlas/internal/db"
	"atlas/internal/model"
)

// CreateUser inserts an account; a taken username or email is ErrConflict.
func (s *Store) CreateUser(ctx context.Context, u *model.User) error {
	if u.State == "" {
		u.State = model.UserActive
	}
	return translate(s.conn(ctx).Create(u).Error, "create user %q", u.Username)
}

// UserByID loads an account.
func (s *Store) UserByID(ctx context.Context, id int64) (*model.User, error) {
	var u model.User
	err := s.conn(ctx).Where("id = ?", id).Take(&u).Error
	return &u, translate(err, "user %d", id)
}

// UserByUsername loads an account by its login name.
func (s *Store) UserByUsername(ctx context.Context, username string) (*model.User, error) {
	var u model.User
	err := s.conn(ctx).Where("username = ?", username).Take(&u).Error
	return &u, translate(err, "user %q", username)
}

// UsersByIDs loads several accounts at once, keyed by id; missing ids are
// simply absent.
func (s *Store) UsersByIDs(ctx context.Context, ids []int64) (map[int64]*model.User, error) {
	users := map[int64]*model.User{}
	if len(ids) == 0 {
		return users, nil
	}
	var list []model.User
	if err := s.conn(ctx).Where("id IN ?", ids).Find(&list).Error; err != nil {
		return nil, translate(err, "users by ids")
	}
	for i := range list {
		users[list[i].ID] = &list[i]
	}
	return users, nil
}

// ActiveAdminIDs lists the accounts that may approve sign-ups: admins
// not disabled, by id.
func (s *Store) ActiveAdminIDs(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := s.conn(ctx).Model(&model.User{}).Where("role = ? AND NOT disabled", model.RoleAdmin).Order("id").Pluck("id", &ids).Error
	return ids, translate(err, "active admins")
}

// ListUsers returns every account ordered by username.
func (s *Store) ListUsers(ctx context.Context) ([]model.User, error) {
	var list []model.User
	err := s.conn(ctx).Order("username").Find(&list).Error
	return list, translate(err, "list users")
}

// UpdateUserPassword replaces an account's password hash.
func (s *Store) UpdateUserPassword(ctx context.Context, id int64, hash string) error {
	res := s.conn(ctx).Model(&model.User{}).Where("id = ?", id).
		Updates(map[string]any{"password_hash": hash, "updated_at": time.Now().UTC()})
	return rowsOrNotFound(res.Error, res.RowsAffected, "update password of user %d", id)
}

// UpdateUserRole changes an account's role and disabled flag.
func (s *Store) UpdateUserRole(ctx context.Context, id int64, role string, disabled bool) error {
	res := s.conn(ctx).Model(&model.User{}).Where("id = ?", id).
		Updates(map[string]any{"role": role, "disabled": disabled, "updated_at": time.Now().UTC()})
	return rowsOrNotFound(res.Error, res.RowsAffected, "update role of user %d", id)
}

// DecideUserState moves a waiting (or refused) account to state, provided
// it still is in one of from: two admins deciding at once decide once.
//
//	UPDATE users SET state = :state WHERE id = :id AND state IN (:from)
func (s *Store) DecideUserState(ctx context.Context, id int64, state string, from ...string) error {
	res := s.conn(ctx).Model(&model.User{}).Where("id = ? AND state IN ?", id, from).
		Updates(map[string]any{"state": state, "updated_at": time.Now().UTC()})
	return rowsOrNotFound(res.Error, res.RowsAffected, "decide state of user %d", id)
}

func rowsOrNotFound(err error, rows int64, format string, args ...any) error {
	if err != nil {
		return translate(err, format, args...)
	}
	if rows == 0 {
		return translate(ErrNotFound, format, args...)
	}
	return nil
}

// userColumns lists the users columns of a hand-scanned query, in the
// order nullableUser.targets takes them, for the table aliased as alias.
func userColumns(alias string) string {
	cols := []string{"id", "username", "email", "display_name", "password_hash", "role", "disabled", "state", "created_at", "updated_at"}
	for i, c := range cols {
		cols[i] = alias + "." + c
	}
	return strings.Join(cols, ", ")
}

// nullableUser receives an account's columns from an outer join, where
// they may all be NULL.
type nullableUser struct {
	id                                                      sql.NullInt64
	username, email, displayName, passwordHash, role, state sql.NullString
	disabled                                                sql.NullBool
	createdAt, updatedAt                                    sql.NullTime
}

func (n *nullableUser) targets() []any {
	return []any{&n.id, &n.username, &n.email, &n.displayName, &n.passwordHash, &n.role, &n.disabled, &n.state, &n.createdAt, &n.updatedAt}
}

// user is the account scanned, or nil when the join found none.
func (n *nullableUser) user() *model.User {
	if !n.id.Valid {
		return nil
	}
	return &model.User{ID: n.id.Int64, Username: n.username.String, Email: n.email.String, DisplayName: n.displayName.String,
		PasswordHash: n.passwordHash.String, Role: n.role.String, Disabled: n.disabled.Bool, State: n.state.String,
		CreatedAt: n.createdAt.Time, UpdatedAt: n.updatedAt.Time}
}

// adminsLockKey names the PostgreSQL advisory lock every change of the
// admins takes ("atlas admins" in ASCII, for whoever reads pg_locks).
const adminsLockKey = 0x61746c61_73616463

// LockActiveAdmins returns the ids of the active admins (role admin, not
// disabled) and, until the transaction ends, keeps any other transaction
// that calls it waiting: two admins demoting each other at once are then
// decided one after the other, and the second sees the first's change. It
// must run in a transaction.
//
// PostgreSQL: a transaction-scoped advisory lock, then a read that, in
// READ COMMITTED, sees whatever committed before the lock was granted:
//
//	SELECT pg_advisory_xact_lock(:key);
//	SELECT id FROM users WHERE role = 'admin' AND NOT disabled ORDER BY id
//
// SQLite: every transaction is BEGIN IMMEDIATE, so it holds the database's
// write lock from its start and the read alone is enough.
func (s *Store) LockActiveAdmins(ctx context.Context) ([]int64, error) {
	if !db.InTx(ctx) {
		return nil, errors.New("store: active admins locked outside a transaction")
	}
	if s.db.Dialect == db.Postgres {
		if err := s.conn(ctx).Exec("SELECT pg_advisory_xact_lock(?)", int64(adminsLockKey)).Error; err != nil {
			return nil, translate(err, "lock admins")
		}
	}
	var ids []int64
	err := s.conn(ctx).Model(&model.User{}).Where("role = ? AND NOT disabled", model.RoleAdmin).Order("id").Pluck("id", &ids).Error
	return ids, translate(err, "active admins")
}
