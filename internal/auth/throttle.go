package auth

import (
	"context"
	"errors"
	"strings"
	"time"

	"atlas/internal/model"
)

// Login throttling: after a few failed attempts an account, or a client
// address, must wait until the window that began with its first attempt
// ends. The
// counts live in the database, so every instance behind a proxy counts the
// same tries and a restart forgives none.
const (
	ThrottleWindow     = 15 * time.Minute
	maxFailuresAccount = 5
	maxFailuresAddress = 20
)

// ErrThrottled refuses a password check, right or wrong, for an account or
// from an address that has used up its tries.
var ErrThrottled = errors.New("auth: too many failed attempts")

// tries is one throttled key (stored as its SHA-256, so the table does not
// list who tried which account from where) and the failed attempts it may
// have.
type tries struct {
	key string
	max int
}

func accountTries(username string) tries {
	return tries{HashToken("account:" + strings.ToLower(strings.TrimSpace(username))), maxFailuresAccount}
}

func addressTries(address string) tries {
	return tries{HashToken("address:" + address), maxFailuresAddress}
}

// SignIn checks a username and password typed from a client address.
// Unknown and known usernames count alike, so the answer tells nothing of
// which exist.
func (s *Service) SignIn(ctx context.Context, username, password, address string) (*model.User, error) {
	return s.throttled(ctx, username, password, accountTries(username), addressTries(address))
}

// throttled runs Authenticate unless one of the keys has used up its
// tries. The attempt is counted first, so simultaneous guesses, on one
// instance or several, cannot all pass; a failure leaves it counted, a
// success clears the account (the first key) and takes the attempt back
// from the others (an address many people share, say).
func (s *Service) throttled(ctx context.Context, username, password string, keys ...tries) (*model.User, error) {
	now := s.now()
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k.key
	}
	counts, err := s.store.CountLoginAttempt(ctx, now, now.Add(ThrottleWindow), names...)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		if counts[k.key] > k.max {
			return nil, ErrThrottled
		}
	}
	u, err := s.Authenticate(ctx, username, password)
	if err != nil {
		return nil, err
	}
	if err := s.store.ClearLoginFailures(ctx, names[0]); err != nil {
		return nil, err
	}
	for _, name := range names[1:] {
		if err := s.store.ForgiveLoginAttempt(ctx, name); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// PurgeLoginFailures deletes the counts whose window has ended.
func (s *Service) PurgeLoginFailures(ctx context.Context) (int64, error) {
	return s.store.DeleteEndedLoginFailures(ctx, s.now())
}
