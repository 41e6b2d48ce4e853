package events_test

import (
	"context"
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
	url := testutil.PostgresSchemaURL(t)
	d, err := db.Open(context.Background(), db.Options{PostgresURL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
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
