package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"atlas/internal/model"
	"atlas/internal/store"
)

// LinkLifetime is how long a setup or password link stays usable.
const LinkLifetime = 24 * time.Hour

// Errors of one-time links.
var (
	// ErrLinkDead is a link that is unknown, used, expired, or (a setup
	// link) outlived by the first admin: the page says only that it no
	// longer works.
	ErrLinkDead = errors.New("auth: link used, expired or unknown")
	// ErrSetupDone refuses a setup link once an account exists.
	ErrSetupDone = errors.New("auth: the atlas has accounts already")
)

// Link is a freshly made one-time link: its token, shown once, and when it
// stops working.
type Link struct {
	Token     string
	ExpiresAt time.Time
}

// NewSetupLink makes the link that creates the first admin, while no
// account exists; it replaces any earlier one, so only the link printed
// last works.
func (s *Service) NewSetupLink(ctx context.Context) (Link, error) {
	token := NewToken()
	now := s.now()
	l := &model.OneTimeLink{Purpose: model.LinkSetup, TokenHash: HashToken(token), CreatedAt: now, ExpiresAt: now.Add(LinkLifetime)}
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.store.LockActiveAdmins(ctx); err != nil {
			return err
		}
		if n, err := s.store.CountUsers(ctx); err != nil {
			return err
		} else if n > 0 {
			return ErrSetupDone
		}
		if err := s.store.EndLinks(ctx, model.LinkSetup, nil, now); err != nil {
			return err
		}
		return s.store.CreateLink(ctx, l)
	})
	if err != nil {
		return Link{}, err
	}
	return Link{Token: token, ExpiresAt: l.ExpiresAt}, nil
}

// CheckSetupLink says whether token is a live setup link of an atlas
// without accounts (ErrLinkDead otherwise).
func (s *Service) CheckSetupLink(ctx context.Context, token string) error {
	if _, err := s.liveLink(ctx, model.LinkSetup, token); err != nil {
		return err
	}
	n, err := s.store.CountUsers(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return ErrLinkDead
	}
	return nil
}

// CompleteSetup creates the first admin through a setup link. The link is
// used, and every other setup link ended, in the transaction that creates
// the account, under the admins' lock: two browsers completing at once
// make one admin, and the other gets ErrLinkDead.
func (s *Service) CompleteSetup(ctx context.Context, token string, in NewUser) (*model.User, error) {
	if err := s.CheckSetupLink(ctx, token); err != nil {
		return nil, err
	}
	in.Role = model.RoleAdmin
	u, err := s.prepareUser(ctx, in)
	if err != nil {
		return nil, err
	}
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.store.LockActiveAdmins(ctx); err != nil {
			return err
		}
		if n, err := s.store.CountUsers(ctx); err != nil {
			return err
		} else if n > 0 {
			return ErrLinkDead
		}
		now := s.now()
		l, err := s.liveLink(ctx, model.LinkSetup, token)
		if err != nil {
			return err
		}
		if err := s.useLink(ctx, l.ID, now); err != nil {
			return err
		}
		if err := s.store.EndLinks(ctx, model.LinkSetup, nil, now); err != nil {
			return err
		}
		if err := s.storeUser(ctx, u); err != nil {
			return err
		}
		return s.store.AppendAudit(ctx, &model.AuditEntry{CreatedAt: now, ActorID: &u.ID, Action: store.AuditSetup,
			Details: model.JSONMap{"user_id": u.ID, "user": u.Username, "via": "setup_link"}})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// NewPasswordLink makes a link that sets target's password, for an admin
// to hand over or send (actor nil: the command line or the login page's
// mail, which say so in via). It ends the account's earlier password
// links, so only the newest works. reason is kept in the audit entry.
func (s *Service) NewPasswordLink(ctx context.Context, actor, target *model.User, via, reason string) (Link, error) {
	var actorID *int64
	if actor != nil {
		if !actor.IsAdmin() {
			return Link{}, ErrForbidden
		}
		actorID, via = &actor.ID, "admin"
	}
	reason = strings.TrimSpace(reason)
	if len(reason) > 500 {
		return Link{}, &InvalidError{"reason", "error.reason_too_long", []any{500}}
	}
	token := NewToken()
	now := s.now()
	l := &model.OneTimeLink{Purpose: model.LinkPassword, TokenHash: HashToken(token), UserID: &target.ID, CreatedBy: actorID,
		CreatedAt: now, ExpiresAt: now.Add(LinkLifetime)}
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		if err := s.store.EndLinks(ctx, model.LinkPassword, &target.ID, now); err != nil {
			return err
		}
		if err := s.store.CreateLink(ctx, l); err != nil {
			return err
		}
		details := model.JSONMap{"user_id": target.ID, "user": target.Username, "via": via, "expires_at": l.ExpiresAt}
		if reason != "" {
			details["reason"] = reason
		}
		return s.store.AppendAudit(ctx, &model.AuditEntry{CreatedAt: now, ActorID: actorID, Action: store.AuditPasswordLink, Details: details})
	})
	if err != nil {
		return Link{}, err
	}
	return Link{Token: token, ExpiresAt: l.ExpiresAt}, nil
}

// PasswordLinkUser is the account a live password link is for.
func (s *Service) PasswordLinkUser(ctx context.Context, token string) (*model.User, error) {
	l, err := s.liveLink(ctx, model.LinkPassword, token)
	if err != nil {
		return nil, err
	}
	u, err := s.store.UserByID(ctx, *l.UserID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !u.CanSignIn()) {
		return nil, ErrLinkDead
	}
	return u, err
}

// UsePasswordLink sets the password of the link's account, under the
// password rule, and ends its sessions and API tokens as ResetPassword
// does. The link is used in the same transaction, by a conditional UPDATE:
// used twice, even at once, it works once.
func (s *Service) UsePasswordLink(ctx context.Context, token, next string) (*model.User, error) {
	u, err := s.PasswordLinkUser(ctx, token)
	if err != nil {
		return nil, err
	}
	_, err = s.setPasswordClaiming(ctx, u, nil, next, "link", func(ctx context.Context) error {
		l, err := s.liveLink(ctx, model.LinkPassword, token)
		if err != nil {
			return err
		}
		return s.useLink(ctx, l.ID, s.now())
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

func (s *Service) liveLink(ctx context.Context, purpose, token string) (*model.OneTimeLink, error) {
	if token == "" {
		return nil, ErrLinkDead
	}
	l, err := s.store.LiveLink(ctx, purpose, HashToken(token), s.now())
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrLinkDead
	}
	return l, err
}

func (s *Service) useLink(ctx context.Context, id int64, now time.Time) error {
	err := s.store.UseLink(ctx, id, now)
	if errors.Is(err, store.ErrNotFound) {
		return ErrLinkDead
	}
	return err
}

// Limits of "Mot de passe oublié ?": an address asks a few times, then
// waits longer and longer; an account gets a couple of mails, then at
// most one in a while, whoever asks.
var (
	forgotAddressPolicy = throttlePolicy{free: 5, first: time.Minute, most: time.Hour}
	forgotAccountPolicy = throttlePolicy{free: 2, first: 15 * time.Minute, most: 24 * time.Hour}
)

// PasswordMailFor decides whether someone at address who typed login (a
// username or an e-mail address) gets a password link mailed, and to which
// account: nil when none matches, the account is disabled, or its mails
// are rate-limited, so that the page's answer is the same whatever the
// case. Only the address's own limit shows, as a ThrottledError: it says
// nothing about any account.
func (s *Service) PasswordMailFor(ctx context.Context, login, address string) (*model.User, error) {
	now := s.now()
	if _, _, err := s.countFailure(ctx, throttleKey{HashToken("forgot-address:" + address), forgotAddressPolicy}, now, true); err != nil {
		return nil, err
	}
	login = strings.TrimSpace(login)
	if login == "" {
		return nil, nil
	}
	u, err := s.store.UserByLogin(ctx, login)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !u.CanSignIn() {
		return nil, nil
	}
	_, _, err = s.countFailure(ctx, throttleKey{HashToken(fmt.Sprintf("forgot-account:%d", u.ID)), forgotAccountPolicy}, now, true)
	if errors.Is(err, ErrThrottled) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return u, nil
}
