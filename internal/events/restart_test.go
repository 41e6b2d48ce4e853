package events_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"atlas/internal/events"
)

// refusingConnector is a database that never lets anyone in.
type refusingConnector struct{}

func (refusingConnector) Connect(context.Context) (driver.Conn, error) {
	return nil, errors.New("connection refused")
}
func (refusingConnector) Driver() driver.Driver { return nil }

// stopWatcher records when, on the bubble's clock, the feed said it stopped.
type stopWatcher struct {
	mu    sync.Mutex
	start time.Time
	stops []time.Duration
}

func (w *stopWatcher) SheetChanged(int64)   {}
func (w *stopWatcher) AccountChanged(int64) {}
func (w *stopWatcher) FeedLive(live bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !live {
		w.stops = append(w.stops, time.Since(w.start))
	}
}

// TestFeedRestartsWithGrowingPauses: a feed whose database refuses it
// tries again after 1 s, then twice as long each time up to 30 s, and
// says it is off after each failure. Two minutes pass on synctest's
// fake clock in no time.
func TestFeedRestartsWithGrowingPauses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sqlDB := sql.OpenDB(refusingConnector{})
		defer closeOrFail(t, sqlDB)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		hub, w := events.NewHub(nil), &stopWatcher{start: time.Now()}
		hub.WatchChanges(w)
		hub.PollSQLite(ctx, sqlDB, time.Second)

		time.Sleep(2 * time.Minute)
		synctest.Wait()
		w.mu.Lock()
		got := slices.Clone(w.stops)
		w.mu.Unlock()
		var want []time.Duration
		for _, s := range []int{0, 1, 3, 7, 15, 31, 61, 91} {
			want = append(want, time.Duration(s)*time.Second)
		}
		if !slices.Equal(got, want) {
			t.Errorf("the feed stopped at %v, want %v", got, want)
		}
	})
}
