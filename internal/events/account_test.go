package events_test

import (
	"context"
	"slices"
	"testing"

	"atlas/internal/events"
)

// TestAccountChangesAreHeardFromTheDatabase: on PostgreSQL, every change
// to what a request's credentials bring (migration 0027) names its account
// when it commits: a session ended, an account changed, a token revoked, a
// notification come or read; a token's last use names none, and emptying a
// table names every account (0). A transaction that marks several
// notifications read tells their account once.
func TestAccountChangesAreHeardFromTheDatabase(t *testing.T) {
	d, url := migratedPostgres(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hub, w := events.NewHub(nil), &watcher{}
	hub.WatchChanges(w)
	hub.ListenPostgres(ctx, url, func(ctx context.Context, sql string, args ...any) error { return d.Conn(ctx).Exec(sql, args...).Error })
	waitFor(t, func() bool { _, live := w.snapshot(); return len(live) > 0 && live[len(live)-1] })

	g := d.Conn(context.Background())
	exec := func(s string) {
		t.Helper()
		if err := g.Exec(s).Error; err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	// A fence: sheet 7's change is heard after everything sent before it,
	// so what was heard of accounts by then is all there is.
	fence := func() {
		t.Helper()
		before, _ := w.snapshot()
		exec(`UPDATE sheets SET cache_version = cache_version + 1 WHERE id = 7`)
		waitFor(t, func() bool { changed, _ := w.snapshot(); return len(changed) > len(before) })
	}
	expect := func(step string, want ...int64) {
		t.Helper()
		fence()
		if got := w.accountsHeard(); !slices.Equal(got, want) {
			t.Fatalf("%s: accounts heard %v, want %v", step, got, want)
		}
	}
	exec(`INSERT INTO users (id, username, email, password_hash, role, created_at, updated_at) VALUES (1, 'a', 'a@x', 'h', 'admin', now(), now()), (2, 'b', 'b@x', 'h', 'contributor', now(), now())`)
	exec(`INSERT INTO sheets (id, slug, title, head_number, created_by, created_at, updated_at) VALUES (7, 's', 'S', 0, 1, now(), now())`)
	exec(`INSERT INTO sessions (id, user_id, csrf_token, created_at, expires_at) VALUES ('s1', 2, 'c', now(), now() + interval '1 day'), ('s0', NULL, 'c', now(), now() + interval '1 day')`)
	exec(`INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES (1, 2, 't', 'h1', now())`)
	expect("new accounts, a new session and token: nothing kept can be about them")

	exec(`UPDATE api_tokens SET last_used_at = now() WHERE id = 1`)
	expect("a token's last use")
	exec(`UPDATE users SET role = 'admin' WHERE id = 2`)
	expect("a role", 2)
	exec(`DELETE FROM sessions WHERE id = 's1'`)
	expect("a session ended", 2, 2)
	exec(`DELETE FROM sessions WHERE id = 's0'`)
	expect("an anonymous session ended", 2, 2)
	exec(`DELETE FROM api_tokens WHERE id = 1`)
	expect("a token revoked", 2, 2, 2)
	exec(`INSERT INTO notifications (user_id, kind, created_at) VALUES (1, 'comment', now()), (1, 'comment', now())`)
	expect("two notifications in one statement", 2, 2, 2, 1)
	exec(`UPDATE notifications SET read_at = now() WHERE user_id = 1`)
	expect("notifications read", 2, 2, 2, 1, 1)
	exec(`TRUNCATE sessions`)
	expect("sessions emptied", 2, 2, 2, 1, 1, 0)
}
