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

// Login throttling counts failed attempts under three keys:
//
//   - the account, from anywhere: a guesser spreading over many addresses;
//   - the account from one address: someone mistyping, or one guesser;
//   - the address, across accounts: each account that fails from it counts
//     once, so spraying a password over many accounts is slowed, while the
//     people behind one address (a public internet access point) do not
//     hold each other up when one of them mistypes.
//
// A key's first failures are free; then each failure makes the next
// attempt wait, twice as long each time, up to a cap: a guesser gets a few
// tries an hour, a person who mistyped waits seconds, and nobody meets a
// wall. A key's failures are forgotten an hour after its last wait ended.
// The counts live in the database, so every instance behind a proxy counts
// the same tries and a restart forgives none. Keys are stored as SHA-256,
// so the table does not list who tried which account from where.

// throttlePolicy is how a key's wait grows: none for its first free-1
// failures, then first after the free-th, doubling with each failure
// after it, up to most.
type throttlePolicy struct {
	free        int
	first, most time.Duration
}

var (
	accountPolicy = throttlePolicy{free: 10, first: 5 * time.Second, most: 15 * time.Minute}
	pairPolicy    = throttlePolicy{free: 3, first: 5 * time.Second, most: 15 * time.Minute}
	addressPolicy = throttlePolicy{free: 20, first: 5 * time.Second, most: 15 * time.Minute}
)

// ForgetAfter is how long after its wait ended a key's failures are kept.
const ForgetAfter = time.Hour

// wait is the wait after a key's n-th failure.
func (p throttlePolicy) wait(n int) time.Duration {
	if n < p.free {
		return 0
	}
	d := p.first
	for i := p.free; i < n && d < p.most; i++ {
		d *= 2
	}
	return min(d, p.most)
}

// ErrThrottled is what every ThrottledError is.
var ErrThrottled = errors.New("auth: too many failed attempts")

// ThrottledError refuses a password check, right or wrong, for a key that
// must wait; or, when Checked, says that a wrong password (which is then
// also ErrBadCredentials) makes the next attempt wait.
type ThrottledError struct {
	RetryAfter time.Duration
	Checked    bool
}

func (e *ThrottledError) Error() string {
	if e.Checked {
		return fmt.Sprintf("auth: wrong username or password; next attempt in %s", e.RetryAfter)
	}
	return fmt.Sprintf("auth: too many failed attempts; retry in %s", e.RetryAfter)
}

// Is makes every ThrottledError ErrThrottled, and a checked one
// ErrBadCredentials too.
func (e *ThrottledError) Is(target error) bool {
	return target == ErrThrottled || (e.Checked && target == ErrBadCredentials)
}

// throttleKey is one counted key and its policy.
type throttleKey struct {
	hash   string
	policy throttlePolicy
}

func normalizedUsername(username string) string {
	return strings.ToLower(strings.TrimSpace(username))
}

func accountKey(username string) throttleKey {
	return throttleKey{HashToken("account:" + normalizedUsername(username)), accountPolicy}
}

func pairKey(username, address string) throttleKey {
	return throttleKey{HashToken("pair:" + address + " " + normalizedUsername(username)), pairPolicy}
}

func addressKey(address string) throttleKey {
	return throttleKey{HashToken("address:" + address), addressPolicy}
}

// changeKey counts wrong current passwords on the account page: whoever
// holds the session is one person, throttled as one address is.
func changeKey(username string) throttleKey {
	return throttleKey{HashToken("change:" + normalizedUsername(username)), pairPolicy}
}

// WithClock makes the service read the time from now (tests).
func (s *Service) WithClock(now func() time.Time) *Service {
	s.now = now
	return s
}

// SignIn checks a username and password typed from a client address.
// Unknown and known usernames count alike and cost the same hashing, so
// the answer tells nothing of which exist.
func (s *Service) SignIn(ctx context.Context, username, password, address string) (*model.User, error) {
	// An account is counted under its username however it was typed:
	// by username or by e-mail, in any case, a guesser gets one count.
	counted := username
	switch u, err := s.store.UserByLogin(ctx, strings.TrimSpace(username)); {
	case err == nil:
		counted = u.Username
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	return s.throttled(ctx, username, password, accountKey(counted), pairKey(counted, address), addressKey(address))
}

// throttled checks a password unless one of the keys must wait. keys are
// the account, then a narrower key of it, then optionally the address,
// which counts only the first failure of the narrower key.
//
// The waits are read first, to refuse at once without taking a hashing
// slot. Then, holding a slot, the attempt is counted as a failure before
// the password is checked, so simultaneous guesses, on one instance or
// several, cannot all pass: each count is a compare-and-swap. A success
// clears the account's keys and takes the attempt back from the address.
func (s *Service) throttled(ctx context.Context, username, password string, keys ...throttleKey) (*model.User, error) {
	hashes := make([]string, len(keys))
	for i, k := range keys {
		hashes[i] = k.hash
	}
	stored, err := s.store.LoginFailuresOf(ctx, hashes...)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var wait time.Duration
	for _, k := range keys {
		if row := stored[k.hash]; k.policy.wait(row.Failures) > 0 {
			wait = max(wait, row.WaitEnds.Sub(now))
		}
	}
	if wait > 0 {
		return nil, &ThrottledError{RetryAfter: wait}
	}

	leave, err := enterHashing(ctx, hashWait)
	if err != nil {
		return nil, err
	}
	defer leave()
	now = s.now()
	narrower := 0
	for i, k := range keys {
		// The address counts an account once: at its first failure there.
		count := i < 2 || narrower == 1
		n, w, err := s.countFailure(ctx, k, now, count)
		if err != nil {
			return nil, err
		}
		if i == 1 {
			narrower = n
		}
		wait = max(wait, w)
	}
	u, err := s.checkPassword(ctx, username, password)
	switch {
	case errors.Is(err, ErrBadCredentials) && wait > 0:
		return nil, &ThrottledError{RetryAfter: wait, Checked: true}
	case err != nil:
		return nil, err
	}
	for _, k := range keys[:min(2, len(keys))] {
		if err := s.store.ClearLoginFailures(ctx, k.hash); err != nil {
			return nil, err
		}
	}
	if len(keys) > 2 {
		if err := s.forgiveFailure(ctx, keys[2], now); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// swapTries bounds the compare-and-swaps of one count: each lost one means
// another attempt on the same key was counted meanwhile.
const swapTries = 8

// countFailure counts one more failure of k (when count) and returns its
// failures and the wait it now imposes; a key that must wait refuses the
// attempt (a simultaneous attempt counted first).
func (s *Service) countFailure(ctx context.Context, k throttleKey, now time.Time, count bool) (int, time.Duration, error) {
	for range swapTries {
		stored, err := s.store.LoginFailuresOf(ctx, k.hash)
		if err != nil {
			return 0, 0, err
		}
		row, found := stored[k.hash]
		failures := row.Failures
		switch {
		case !found || !now.Before(row.WaitEnds.Add(ForgetAfter)):
			failures = 0 // forgotten
		case row.WaitEnds.After(now) && k.policy.wait(row.Failures) > 0:
			// A failure that imposes no wait still stamps the row with
			// its own clock, which may run a moment ahead of this
			// attempt's: only a real wait refuses.
			return 0, 0, &ThrottledError{RetryAfter: row.WaitEnds.Sub(now)}
		}
		if !count {
			return failures, 0, nil
		}
		failures++
		wait := k.policy.wait(failures)
		ok, err := s.store.SwapLoginFailures(ctx, k.hash, row.Failures, store.LoginFailures{Failures: failures, WaitEnds: now.Add(wait)})
		if err != nil {
			return 0, 0, err
		}
		if ok {
			return failures, wait, nil
		}
	}
	return 0, 0, &ThrottledError{RetryAfter: k.policy.first}
}

// forgiveFailure takes one failure back from k, as after a successful
// login from an address that others share, and shortens its wait to what
// the failures left call for.
func (s *Service) forgiveFailure(ctx context.Context, k throttleKey, now time.Time) error {
	for range swapTries {
		stored, err := s.store.LoginFailuresOf(ctx, k.hash)
		if err != nil {
			return err
		}
		row, found := stored[k.hash]
		if !found || row.Failures == 0 {
			return nil
		}
		next := store.LoginFailures{Failures: row.Failures - 1, WaitEnds: row.WaitEnds}
		if ends := now.Add(k.policy.wait(next.Failures)); ends.Before(next.WaitEnds) {
			next.WaitEnds = ends
		}
		ok, err := s.store.SwapLoginFailures(ctx, k.hash, row.Failures, next)
		if err != nil || ok {
			return err
		}
	}
	return nil
}

// PurgeLoginFailures deletes the keys whose failures are forgotten.
func (s *Service) PurgeLoginFailures(ctx context.Context) (int64, error) {
	return s.store.DeleteEndedLoginFailures(ctx, s.now().Add(-ForgetAfter))
}
