package store

import (
	"context"
	"strings"
	"time"
)

// Login attempts are counted per key (the SHA-256 of an account or a
// client address) within a window that starts at the first one. An
// attempt is counted before its password is checked, in one statement
// that returns the new counts, so simultaneous guesses cannot all read a
// count under the limit; a success then takes its attempt back. The table
// is shared by every instance; the SQL is the same on both databases (both
// know INSERT … ON CONFLICT … DO UPDATE … RETURNING).

// CountLoginAttempt counts one more attempt for each key and returns each
// key's count in its window, this attempt included. A key whose window
// has ended starts a new one, ending at windowEnds.
//
//	INSERT INTO login_failures (key_hash, failures, window_ends) VALUES ($1, 1, $2), …
//	ON CONFLICT (key_hash) DO UPDATE SET failures = CASE WHEN login_failures.window_ends <= $now THEN 1 ELSE login_failures.failures + 1 END, …
//	RETURNING key_hash, failures
func (s *Store) CountLoginAttempt(ctx context.Context, now, windowEnds time.Time, keys ...string) (map[string]int, error) {
	now, windowEnds = now.UTC(), windowEnds.UTC()
	values := strings.TrimSuffix(strings.Repeat("(?, 1, ?), ", len(keys)), ", ")
	args := make([]any, 0, 2*len(keys)+2)
	for _, k := range keys {
		args = append(args, k, windowEnds)
	}
	args = append(args, now, now)
	var rows []struct {
		KeyHash  string
		Failures int
	}
	err := s.conn(ctx).Raw(`INSERT INTO login_failures (key_hash, failures, window_ends) VALUES `+values+`
		ON CONFLICT (key_hash) DO UPDATE SET
			failures = CASE WHEN login_failures.window_ends <= ? THEN 1 ELSE login_failures.failures + 1 END,
			window_ends = CASE WHEN login_failures.window_ends <= ? THEN excluded.window_ends ELSE login_failures.window_ends END
		RETURNING key_hash, failures`, args...).Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "count login attempt")
	}
	counts := make(map[string]int, len(rows))
	for _, r := range rows {
		counts[r.KeyHash] = r.Failures
	}
	return counts, nil
}

// ForgiveLoginAttempt takes back one counted attempt of a key, as after a
// successful login from an address that others share.
func (s *Store) ForgiveLoginAttempt(ctx context.Context, key string) error {
	err := s.conn(ctx).Exec(`UPDATE login_failures SET failures = failures - 1 WHERE key_hash = ? AND failures > 0`, key).Error
	return translate(err, "forgive login attempt")
}

// ClearLoginFailures forgets the attempts of a key, as after a successful
// login to its account.
func (s *Store) ClearLoginFailures(ctx context.Context, key string) error {
	return translate(s.conn(ctx).Exec(`DELETE FROM login_failures WHERE key_hash = ?`, key).Error, "clear login failures")
}

// DeleteEndedLoginFailures purges the counts whose window has ended and
// says how many went.
func (s *Store) DeleteEndedLoginFailures(ctx context.Context, now time.Time) (int64, error) {
	res := s.conn(ctx).Exec(`DELETE FROM login_failures WHERE window_ends <= ?`, now.UTC())
	return res.RowsAffected, translate(res.Error, "delete ended login failures")
}
