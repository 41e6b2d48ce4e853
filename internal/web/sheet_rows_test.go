package web

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"atlas/internal/model"
)

// TestSheetRowsTrustOnlyALiveFeed walks the rules of the in-memory sheet
// rows: nothing is kept without the feed, a notice drops its row, a notice
// during a load keeps that load out, and a feed that stops forgets all.
func TestSheetRowsTrustOnlyALiveFeed(t *testing.T) {
	r := newSheetRows()
	loads := 0
	version := int64(1)
	var during func() // runs inside a load, as a concurrent notice would
	load := func(_ context.Context, slug string) (*model.Sheet, error) {
		loads++
		if during != nil {
			during()
		}
		return &model.Sheet{ID: 7, Slug: slug, CacheVersion: version}, nil
	}
	get := func() *model.Sheet {
		t.Helper()
		sh, err := r.get(context.Background(), "jardin", load)
		if err != nil {
			t.Fatal(err)
		}
		return sh
	}
	expect := func(step string, wantLoads int, wantVersion int64) {
		t.Helper()
		if sh := get(); loads != wantLoads || sh.CacheVersion != wantVersion {
			t.Fatalf("%s: %d loads, version %d; want %d, %d", step, loads, sh.CacheVersion, wantLoads, wantVersion)
		}
	}

	expect("no feed", 1, 1)
	expect("still no feed", 2, 1)

	r.FeedLive(true)
	expect("feed on, first read", 3, 1)
	expect("feed on, kept", 3, 1)

	version = 2
	r.SheetChanged(99) // another sheet
	expect("another sheet changed", 3, 1)
	r.SheetChanged(7)
	expect("this sheet changed", 4, 2)
	expect("kept again", 4, 2)

	version = 3
	r.SheetChanged(7)
	during = func() { r.SheetChanged(7) }
	expect("changed during the load", 5, 3)
	during = nil
	expect("not kept from a load that raced a notice", 6, 3)
	expect("kept from a quiet load", 6, 3)

	// Even with a live feed, a row is read again once it is old: a feed
	// can fail without saying so.
	clock := time.Now()
	r.now = func() time.Time { return clock }
	expect("kept, clock set", 6, 3)
	clock = clock.Add(maxRowAge)
	expect("too old", 7, 3)
	expect("kept again", 7, 3)

	r.FeedLive(false)
	expect("feed lost", 8, 3)
	expect("feed lost, nothing kept", 9, 3)
}

// TestCardsVersionFollowsTheFeed: the map's key is kept like a row, and
// any sheet's change drops it.
func TestCardsVersionFollowsTheFeed(t *testing.T) {
	r := newSheetRows()
	loads, version := 0, "v1"
	load := func(context.Context) (string, error) { loads++; return version, nil }
	expect := func(step string, wantLoads int, want string) {
		t.Helper()
		got, err := r.cardsVersion(context.Background(), load)
		if err != nil || loads != wantLoads || got != want {
			t.Fatalf("%s: %q after %d loads (%v); want %q after %d", step, got, loads, err, want, wantLoads)
		}
	}
	expect("no feed", 1, "v1")
	expect("no feed, not kept", 2, "v1")
	r.FeedLive(true)
	expect("feed on", 3, "v1")
	expect("kept", 3, "v1")
	version = "v2"
	r.SheetChanged(42)
	expect("any sheet changed", 4, "v2")
	r.forgetAll()
	expect("a write through this instance", 5, "v2")
}

// TestReadersShareOneLoad: readers missing the same row at once make one
// query, but a reader that comes after a notice gets a load of its own,
// never the answer of a load that began before the change. In a synctest
// bubble, so the test knows when the four readers have joined the first
// load (a join does not show from outside) rather than sleeping for it.
func TestReadersShareOneLoad(t *testing.T) { synctest.Test(t, readersShareOneLoad) }

func readersShareOneLoad(t *testing.T) {
	r := newSheetRows()
	r.FeedLive(true)
	started := make(chan struct{}, 8)
	release := make(chan struct{})
	var mu sync.Mutex
	loads := 0
	version := int64(1)
	load := func(_ context.Context, slug string) (*model.Sheet, error) {
		mu.Lock()
		loads++
		v := version
		mu.Unlock()
		started <- struct{}{}
		<-release
		return &model.Sheet{ID: 7, Slug: slug, CacheVersion: v}, nil
	}
	read := func(out chan<- int64) {
		sh, err := r.get(context.Background(), "jardin", load)
		if err != nil {
			t.Error(err)
		}
		out <- sh.CacheVersion
	}

	early := make(chan int64, 5)
	go read(early)
	<-started // the first load is under way
	for range 4 {
		go read(early)
	}
	synctest.Wait() // the four others have joined it

	mu.Lock()
	version = 2
	mu.Unlock()
	r.SheetChanged(7)
	late := make(chan int64, 1)
	go read(late)
	select {
	case <-started: // a second load, for the reader after the notice
	case <-time.After(5 * time.Second):
		close(release)
		t.Fatal("the reader after the notice joined the load that began before it")
	}
	close(release)

	first := <-early
	if first != 1 {
		t.Fatalf("the first reader got version %d", first)
	}
	for range 4 {
		if v := <-early; v != 1 {
			t.Fatalf("a reader who joined the first load got version %d", v)
		}
	}
	if v := <-late; v != 2 {
		t.Fatalf("the reader after the notice got version %d, from a load that began before it", v)
	}
	mu.Lock()
	defer mu.Unlock()
	if loads != 2 {
		t.Fatalf("%d loads for six readers in two generations, want 2", loads)
	}
}
