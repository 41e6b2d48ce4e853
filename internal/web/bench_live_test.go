package web_test

import (
	"context"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/events"
	"atlas/internal/testutil"
	"atlas/internal/web"
)

// benchLiveDialects is benchDialects with the database's change feed
// running as in `atlas serve` (see liveFeed), so what is kept while it is
// live (sheet rows, sessions, tokens) is kept in the benchmark too.
func benchLiveDialects(b *testing.B, fn func(b *testing.B, d *db.DB, feed func(*events.Hub))) {
	b.Run("sqlite", func(b *testing.B) {
		d := testutil.NewSQLite(b)
		fn(b, d, liveFeed(b, d, ""))
	})
	b.Run("postgres", func(b *testing.B) {
		d, url := testutil.NewPostgresURL(b)
		fn(b, d, liveFeed(b, d, url))
	})
}

// liveFeed starts hub's change feed on d as `atlas serve` does: LISTEN on
// PostgreSQL (url), a poll of data_version on SQLite (url empty). It
// returns once the feed is live.
func liveFeed(t testing.TB, d *db.DB, url string) func(*events.Hub) {
	return func(hub *events.Hub) {
		t.Helper()
		w := &liveWatch{live: make(chan struct{})}
		hub.WatchChanges(w)
		if url != "" {
			hub.ListenPostgres(t.Context(), url, func(ctx context.Context, sql string, args ...any) error {
				return d.Conn(ctx).Exec(sql, args...).Error
			})
		} else {
			sqlDB, err := d.SQL()
			if err != nil {
				t.Fatal(err)
			}
			hub.PollSQLite(t.Context(), sqlDB, 50*time.Millisecond)
		}
		select {
		case <-w.live:
		case <-time.After(30 * time.Second):
			t.Fatal("the change feed did not start")
		}
	}
}

// liveWatch closes live the first time the feed says it is on.
type liveWatch struct{ live chan struct{} }

func (w *liveWatch) SheetChanged(int64)   {}
func (w *liveWatch) AccountChanged(int64) {}
func (w *liveWatch) FeedLive(live bool) {
	if live {
		select {
		case <-w.live:
		default:
			close(w.live)
		}
	}
}

// withoutFence drops the write fence from a test browser's cookies, as a
// browser's own jar does once it expires (see web.WriteFenceCookie): the
// benchmarks read as a reader whose last write is over 5 s old.
func withoutFence(cookies map[string]string) map[string]string {
	out := make(map[string]string, len(cookies))
	for name, value := range cookies {
		if name != web.WriteFenceCookie {
			out[name] = value
		}
	}
	return out
}
