package events_test

import (
	"context"
	"io"
	"sync"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/events"
	"atlas/internal/testutil"
)

func TestHubDeliversToTheSheetsSubscribers(t *testing.T) {
	h := events.NewHub(nil)
	a, stopA := h.Subscribe(1)
	b, stopB := h.Subscribe(2)
	defer stopB()
	h.Publish(context.Background(), events.Event{Kind: events.KindRevision, SheetID: 1, Revision: 7})
	select {
	case e := <-a:
		if e.Revision != 7 || e.At.IsZero() {
			t.Errorf("event = %+v", e)
		}
	case <-time.After(time.Second):
		t.Fatal("no event")
	}
	select {
	case e := <-b:
		t.Errorf("sheet 2 got sheet 1's event %+v", e)
	default:
	}
	stopA()
	h.Publish(context.Background(), events.Event{Kind: events.KindRevision, SheetID: 1})
	// A slow subscriber never blocks publishing.
	_, stopC := h.Subscribe(3)
	defer stopC()
	for i := 0; i < 100; i++ {
		h.Publish(context.Background(), events.Event{SheetID: 3})
	}
}

// TestEventsCrossInstancesThroughPostgres: two hubs, as in two instances,
// on one database: what one publishes, the other's subscribers get.
func TestEventsCrossInstancesThroughPostgres(t *testing.T) {
	d, url := migratedPostgres(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	exec := func(ctx context.Context, sql string, args ...any) error { return d.Conn(ctx).Exec(sql, args...).Error }
	one, two := events.NewHub(nil), events.NewHub(nil)
	one.ListenPostgres(ctx, url, exec)
	two.ListenPostgres(ctx, url, exec)
	got, stop := two.Subscribe(42)
	defer stop()
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case e := <-got:
			if e.Kind != events.KindPresence || e.Name != "Marie" {
				t.Errorf("event = %+v", e)
			}
			return
		case <-tick.C:
			// The listeners may still be connecting: say it again.
			one.Publish(ctx, events.Event{Kind: events.KindPresence, SheetID: 42, Name: "Marie"})
		case <-deadline:
			t.Fatal("the other instance never heard the event")
		}
	}
}

// watcher records what a hub tells a change watcher.
type watcher struct {
	mu      sync.Mutex
	changed []int64
	live    []bool
	// accounts are the accounts named by account notices.
	accounts []int64
}

func (w *watcher) AccountChanged(id int64) {
	w.mu.Lock()
	w.accounts = append(w.accounts, id)
	w.mu.Unlock()
}

func (w *watcher) accountsHeard() []int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]int64(nil), w.accounts...)
}

func (w *watcher) SheetChanged(id int64) {
	w.mu.Lock()
	w.changed = append(w.changed, id)
	w.mu.Unlock()
}
func (w *watcher) FeedLive(live bool) { w.mu.Lock(); w.live = append(w.live, live); w.mu.Unlock() }

func (w *watcher) snapshot() ([]int64, []bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]int64(nil), w.changed...), append([]bool(nil), w.live...)
}

// TestSheetChangesAreHeardFromTheDatabase: any write to a sheet row, from
// any connection (another instance, the command line), reaches the change
// watchers when it commits; and the watchers know when the feed is on.
func TestSheetChangesAreHeardFromTheDatabase(t *testing.T) {
	d, url := migratedPostgres(t)
	ctx, cancel := context.WithCancel(context.Background())
	hub, w := events.NewHub(nil), &watcher{}
	hub.WatchChanges(w)
	hub.ListenPostgres(ctx, url, func(ctx context.Context, sql string, args ...any) error { return d.Conn(ctx).Exec(sql, args...).Error })
	waitFor(t, func() bool { _, live := w.snapshot(); return len(live) > 0 && live[len(live)-1] })

	g := d.Conn(context.Background())
	for _, s := range []string{
		`INSERT INTO users (id, username, email, password_hash, role, created_at, updated_at) VALUES (1, 'a', 'a@x', 'h', 'admin', now(), now())`,
		`INSERT INTO sheets (id, slug, title, head_number, created_by, created_at, updated_at) VALUES (7, 's', 'S', 0, 1, now(), now())`,
	} {
		if err := g.Exec(s).Error; err != nil {
			t.Fatal(err)
		}
	}
	// A rolled-back change is never announced; a committed one is.
	tx := g.Begin()
	tx.Exec(`UPDATE sheets SET cache_version = cache_version + 1 WHERE id = 7`)
	tx.Rollback()
	if err := g.Exec(`UPDATE sheets SET cache_version = cache_version + 1 WHERE id = 7`).Error; err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { changed, _ := w.snapshot(); return len(changed) > 0 })
	time.Sleep(100 * time.Millisecond)
	if changed, _ := w.snapshot(); len(changed) != 1 || changed[0] != 7 {
		t.Errorf("changes heard = %v, want [7]", changed)
	}

	cancel()
	waitFor(t, func() bool { _, live := w.snapshot(); return !live[len(live)-1] })
}

// migratedPostgres opens a PostgreSQL schema of its own, migrated (the
// notices' channel is the schema's), closed when the test ends; it returns
// the database and its URL, for listening.
func migratedPostgres(t *testing.T) (*db.DB, string) {
	t.Helper()
	url := testutil.PostgresSchemaURL(t)
	d, err := db.Open(context.Background(), db.Options{PostgresURL: url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeOrFail(t, d) })
	if err := d.Migrate(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return d, url
}

func closeOrFail(t *testing.T, c io.Closer) {
	t.Helper()
	if err := c.Close(); err != nil {
		t.Error(err)
	}
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSQLiteCommitsAreHeard: on SQLite the feed cannot name the sheet, so
// every commit by another connection says "anything may have changed".
func TestSQLiteCommitsAreHeard(t *testing.T) {
	d := testutil.NewSQLite(t)
	sqlDB, err := d.SQL()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	hub, w := events.NewHub(nil), &watcher{}
	hub.WatchChanges(w)
	hub.PollSQLite(ctx, sqlDB, 10*time.Millisecond)
	waitFor(t, func() bool { _, live := w.snapshot(); return len(live) == 1 && live[0] })

	time.Sleep(50 * time.Millisecond)
	if _, live := w.snapshot(); len(live) != 1 {
		t.Fatalf("told %d times with no commit", len(live))
	}
	if err := d.Conn(ctx).Exec(`INSERT INTO users (id, username, email, password_hash, role, created_at, updated_at) VALUES (1, 'a', 'a@x', 'h', 'admin', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`).Error; err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { _, live := w.snapshot(); return len(live) == 2 && live[1] })

	cancel()
	waitFor(t, func() bool { _, live := w.snapshot(); return !live[len(live)-1] })
}
