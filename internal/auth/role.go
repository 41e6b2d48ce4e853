package auth

import (
	"context"
	"errors"

	"atlas/internal/model"
	"atlas/internal/store"
)

// Refusals of a role change.
var (
	ErrUnknownRole = errors.New("auth: unknown role")
	ErrOwnRole     = errors.New("auth: an admin cannot change their own role")
)

// SetRole gives an account a role and enables or disables it, with an
// audit entry; either change ends the account's sessions, so a demoted
// admin loses admin pages at once. Admins only, never on themselves.
func (s *Service) SetRole(ctx context.Context, actor *model.User, userID int64, role string, disabled bool) error {
	if !actor.IsAdmin() {
		return ErrForbidden
	}
	if role != model.RoleContributor && role != model.RoleAdmin {
		return ErrUnknownRole
	}
	if userID == actor.ID {
		return ErrOwnRole
	}
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		if err := s.store.UpdateUserRole(ctx, userID, role, disabled); err != nil {
			return err
		}
		if err := s.store.AppendAudit(ctx, &model.AuditEntry{CreatedAt: s.now(), ActorID: &actor.ID, Action: store.AuditRoleChange,
			Details: model.JSONMap{"user_id": userID, "role": role, "disabled": disabled}}); err != nil {
			return err
		}
		return s.store.DeleteUserSessions(ctx, userID)
	})
}

// DeleteAPIToken revokes one of the owner's API tokens; another's is
// store.ErrNotFound, as if it did not exist.
func (s *Service) DeleteAPIToken(ctx context.Context, owner *model.User, id int64) error {
	return s.store.DeleteAPIToken(ctx, owner.ID, id)
}
