package auth

import (
	"context"
	"errors"
	"strings"
	"time"

	"atlas/internal/model"
	"atlas/internal/store"
)

// Sign-up modes (ATLAS_SIGNUP).
const (
	SignupClosed   = "closed"   // accounts are made by admins only
	SignupApproval = "approval" // anyone asks; an admin says yes
	SignupOpen     = "open"     // anyone makes a contributor account
)

// Errors of self-registration.
var (
	ErrSignupClosed = errors.New("auth: sign-up is closed")
	ErrPending      = errors.New("auth: the account waits for an admin's approval")
	ErrNotPending   = errors.New("auth: the account is not waiting for a decision")
)

// signupAddressPolicy slows down one address making many accounts.
var signupAddressPolicy = throttlePolicy{free: 5, first: time.Minute, most: time.Hour}

// SignUp makes a contributor account asked for from the sign-up form, under
// the same rules as an admin's (username, address, password rule). With
// SignupApproval it waits (pending) for an admin; with SignupOpen it is
// active at once. Sign-up stays closed until the first admin exists, so
// nobody takes an atlas over before its setup link is used.
func (s *Service) SignUp(ctx context.Context, mode string, in NewUser, address string) (*model.User, error) {
	if mode != SignupApproval && mode != SignupOpen {
		return nil, ErrSignupClosed
	}
	if n, err := s.store.CountUsers(ctx); err != nil {
		return nil, err
	} else if n == 0 {
		return nil, ErrSignupClosed
	}
	if _, _, err := s.countFailure(ctx, throttleKey{HashToken("signup-address:" + address), signupAddressPolicy}, s.now(), true); err != nil {
		return nil, err
	}
	in.Role = model.RoleContributor
	u, err := s.prepareUser(ctx, in)
	if err != nil {
		return nil, err
	}
	u.State = model.UserActive
	if mode == SignupApproval {
		u.State = model.UserPending
	}
	var committed func()
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		committed = nil
		if err := s.storeUser(ctx, u); err != nil {
			return err
		}
		if err := s.store.AppendAudit(ctx, &model.AuditEntry{CreatedAt: s.now(), ActorID: &u.ID, Action: store.AuditSignup,
			Details: model.JSONMap{"user_id": u.ID, "user": u.Username, "state": u.State}}); err != nil {
			return err
		}
		if u.State != model.UserPending || s.signupNotice == nil {
			return nil
		}
		var err error
		committed, err = s.signupNotice(ctx, u)
		return err
	})
	if err != nil {
		return nil, err
	}
	if committed != nil {
		committed()
	}
	return u, nil
}

// DecideSignup is an admin's yes (approve) or no to a waiting account; a
// refused one can still be approved later. reason goes to the audit log.
func (s *Service) DecideSignup(ctx context.Context, actor, target *model.User, approve bool, reason string) error {
	if !actor.IsAdmin() {
		return ErrForbidden
	}
	reason = strings.TrimSpace(reason)
	if len(reason) > 500 {
		return &InvalidError{"reason", "error.reason_too_long", []any{500}}
	}
	state, from, action := model.UserRefused, []string{model.UserPending}, store.AuditSignupRefuse
	if approve {
		state, from, action = model.UserActive, []string{model.UserPending, model.UserRefused}, store.AuditSignupApprove
	}
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		err := s.store.DecideUserState(ctx, target.ID, state, from...)
		if errors.Is(err, store.ErrNotFound) {
			return ErrNotPending
		}
		if err != nil {
			return err
		}
		details := model.JSONMap{"user_id": target.ID, "user": target.Username}
		if reason != "" {
			details["reason"] = reason
		}
		return s.store.AppendAudit(ctx, &model.AuditEntry{CreatedAt: s.now(), ActorID: &actor.ID, Action: action, Details: details})
	})
}
