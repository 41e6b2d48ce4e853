package store

import (
	"context"
	"strings"
	"time"
)

// Failed logins are counted per key (the SHA-256 of an account or a client
// address) within a window that starts at the first failure. The table is
// shared by every instance; the SQL is the same on both databases (both
// know INSERT … ON CONFLICT … DO UPDATE).

// LoginFailures returns the failures counted for each key whose window has
// not ended at now; keys without any are absent from the map.
func (s *Store) LoginFailures(ctx context.Context, now time.Time, keys ...string) (map[string]int, error) {
	var rows []struct {
		KeyHash  string
		Failures int
	}
	err := s.conn(ctx).Raw(`SELECT key_hash, failures FROM login_failures WHERE key_hash IN ? AND window_ends > ?`,
		keys, now.UTC()).Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "login failures")
	}
	counts := make(map[string]int, len(rows))
	for _, r := range rows {
		counts[r.KeyHash] = r.Failures
	}
	return counts, nil
}

// RecordLoginFailure counts one more failure for each key, in one
// statement: a key whose window has ended starts a new one, ending at
// windowEnds, with one failure.
//
//	INSERT INTO login_failures (key_hash, failures, window_ends) VALUES ($1, 1, $2), …
//	ON CONFLICT (key_hash) DO UPDATE SET failures = CASE WHEN login_failures.window_ends <= $now THEN 1 ELSE login_failures.failures + 1 END, …
func (s *Store) RecordLoginFailure(ctx context.Context, now, windowEnds time.Time, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	now, windowEnds = now.UTC(), windowEnds.UTC()
	values := strings.TrimSuffix(strings.Repeat("(?, 1, ?), ", len(keys)), ", ")
	args := make([]any, 0, 2*len(keys)+2)
	for _, k := range keys {
		args = append(args, k, windowEnds)
	}
	args = append(args, now, now)
	err := s.conn(ctx).Exec(`INSERT INTO login_failures (key_hash, failures, window_ends) VALUES `+values+`
		ON CONFLICT (key_hash) DO UPDATE SET
			failures = CASE WHEN login_failures.window_ends <= ? THEN 1 ELSE login_failures.failures + 1 END,
			window_ends = CASE WHEN login_failures.window_ends <= ? THEN excluded.window_ends ELSE login_failures.window_ends END`,
		args...).Error
	return translate(err, "record login failure")
}

// ClearLoginFailures forgets the failures of a key, as after a successful
// login.
func (s *Store) ClearLoginFailures(ctx context.Context, key string) error {
	return translate(s.conn(ctx).Exec(`DELETE FROM login_failures WHERE key_hash = ?`, key).Error, "clear login failures")
}

// DeleteEndedLoginFailures purges the counts whose window has ended and
// says how many went.
func (s *Store) DeleteEndedLoginFailures(ctx context.Context, now time.Time) (int64, error) {
	res := s.conn(ctx).Exec(`DELETE FROM login_failures WHERE window_ends <= ?`, now.UTC())
	return res.RowsAffected, translate(res.Error, "delete ended login failures")
}
