package auth

import (
	"context"
	"errors"
	"slices"

	"atlas/internal/model"
	"atlas/internal/store"
)

// Refusals of a role change.
var (
	ErrUnknownRole = errors.New("auth: unknown role")
	ErrOwnRole     = errors.New("auth: an admin cannot change their own role")
	// ErrLastAdmin refuses a change that would leave no active admin.
	ErrLastAdmin = errors.New("auth: the last admin cannot be demoted or disabled")
)

// SetRole gives an account a role and enables or disables it, with an
// audit entry; either change ends the account's sessions, so a demoted
// admin loses admin pages at once. Admins only, never on themselves.
//
// The atlas always keeps an active admin: the admins are locked and read
// again inside the transaction (store.LockActiveAdmins), so of two admins
// demoting each other at once the second is refused with ErrLastAdmin,
// and an actor demoted meanwhile is refused with ErrForbidden.
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
		admins, err := s.store.LockActiveAdmins(ctx)
		if err != nil {
			return err
		}
		if slices.Contains(admins, userID) && (role != model.RoleAdmin || disabled) && len(admins) == 1 {
			return ErrLastAdmin
		}
		if !slices.Contains(admins, actor.ID) {
			return ErrForbidden
		}
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
