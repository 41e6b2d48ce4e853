package store

import (
	"context"
	"time"
)

// Failed logins are counted per key (the SHA-256 of an account, of an
// account from one address, or of an address), in a table every instance
// shares. A row holds the failures counted and the end of the wait before
// the key's next attempt is checked (column window_ends; a moment past
// when none). The rules (how many failures are free, how the wait grows)
// are the auth service's; the store only reads a key and writes it back
// with a compare-and-swap, so that of simultaneous attempts that read the
// same count only one writes the next, on either database.

// LoginFailures is one key's counted failures and the end of its wait.
type LoginFailures struct {
	Failures int
	WaitEnds time.Time
}

// LoginFailuresOf reads the keys that have a row.
//
//	SELECT key_hash, failures, window_ends FROM login_failures WHERE key_hash IN (…)
func (s *Store) LoginFailuresOf(ctx context.Context, keys ...string) (map[string]LoginFailures, error) {
	var rows []struct {
		KeyHash    string
		Failures   int
		WindowEnds time.Time
	}
	err := s.conn(ctx).Raw(`SELECT key_hash, failures, window_ends FROM login_failures WHERE key_hash IN ?`, keys).Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "login failures")
	}
	out := make(map[string]LoginFailures, len(rows))
	for _, r := range rows {
		out[r.KeyHash] = LoginFailures{Failures: r.Failures, WaitEnds: r.WindowEnds.UTC()}
	}
	return out, nil
}

// SwapLoginFailures writes next for key if its stored count is still seen
// (0 for a key that had no row) and says whether it did; false means
// another attempt wrote first, and the caller reads again.
//
//	INSERT INTO login_failures (key_hash, failures, window_ends) VALUES ($1, $2, $3)
//	ON CONFLICT (key_hash) DO UPDATE SET failures = excluded.failures, window_ends = excluded.window_ends
//	WHERE login_failures.failures = $4
//	RETURNING key_hash
func (s *Store) SwapLoginFailures(ctx context.Context, key string, seen int, next LoginFailures) (bool, error) {
	var written []string
	err := s.conn(ctx).Raw(`INSERT INTO login_failures (key_hash, failures, window_ends) VALUES (?, ?, ?)
		ON CONFLICT (key_hash) DO UPDATE SET failures = excluded.failures, window_ends = excluded.window_ends
		WHERE login_failures.failures = ?
		RETURNING key_hash`, key, next.Failures, next.WaitEnds.UTC(), seen).Scan(&written).Error
	if err != nil {
		return false, translate(err, "swap login failures")
	}
	return len(written) == 1, nil
}

// ClearLoginFailures forgets the failures of a key, as after a successful
// login to its account.
func (s *Store) ClearLoginFailures(ctx context.Context, key string) error {
	return translate(s.conn(ctx).Exec(`DELETE FROM login_failures WHERE key_hash = ?`, key).Error, "clear login failures")
}

// DeleteEndedLoginFailures purges the keys whose wait ended before
// before, and says how many went.
func (s *Store) DeleteEndedLoginFailures(ctx context.Context, before time.Time) (int64, error) {
	res := s.conn(ctx).Exec(`DELETE FROM login_failures WHERE window_ends <= ?`, before.UTC())
	return res.RowsAffected, translate(res.Error, "delete ended login failures")
}
