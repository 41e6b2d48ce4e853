package web

import (
	"testing"
	"time"

	"atlas/internal/auth"
	"atlas/internal/model"
)

// TestKeptSessionsFollowTheirRules walks what keptAccounts keeps of a
// browser's session: nothing without the feed; a notice naming its
// account, any account (0), a write, the feed's stop or age drops it; a
// notice during its load keeps that load out; an expired or anonymous
// session is never served from memory. Each load of a kept session has
// its own stamp, and a value just loaded has none.
func TestKeptSessionsFollowTheirRules(t *testing.T) {
	r := newSheetRows()
	clock := time.Now()
	r.now = func() time.Time { return clock }
	loads := 0
	unread := 1
	var during func()
	marie := int64(7)
	expires := clock.Add(time.Hour)
	load := func() (auth.Visit, error) {
		loads++
		if during != nil {
			during()
		}
		return auth.Visit{Session: &model.Session{ID: "s", UserID: &marie, ExpiresAt: expires},
			User: &model.User{ID: marie, Username: "marie"}, Unread: unread, Sheet: &model.Sheet{Slug: "jardin"}}, nil
	}
	lastStamp := uint64(0)
	expect := func(step string, wantLoads, wantUnread int, wantKept bool) {
		t.Helper()
		k, err := r.visit("hash", "jardin", load)
		if err != nil {
			t.Fatal(err)
		}
		if loads != wantLoads || k.visit.Unread != wantUnread {
			t.Fatalf("%s: %d loads, unread %d; want %d, %d", step, loads, k.visit.Unread, wantLoads, wantUnread)
		}
		if kept := k.stamp != 0; kept != wantKept {
			t.Fatalf("%s: served from memory %v, want %v", step, kept, wantKept)
		}
		if wantKept && k.visit.Sheet != nil {
			t.Fatalf("%s: a kept session brings a sheet row, which is kept by slug", step)
		}
		if !wantKept && k.visit.Sheet == nil {
			t.Fatalf("%s: a loaded session lost its sheet row", step)
		}
		if wantKept {
			lastStamp = k.stamp
		}
	}
	stampMoved := func(step string, before uint64) {
		t.Helper()
		if lastStamp == before {
			t.Fatalf("%s: the stamp of a new load is the old one", step)
		}
	}

	expect("no feed", 1, 1, false)
	expect("still no feed", 2, 1, false)
	r.FeedLive(true)
	expect("feed on, first read", 3, 1, false)
	expect("kept", 3, 1, true)
	first := lastStamp

	unread = 2
	r.AccountChanged(8)
	expect("another account changed", 3, 1, true)
	r.AccountChanged(marie)
	expect("this account changed", 4, 2, false)
	expect("kept again", 4, 2, true)
	stampMoved("after a notice", first)

	unread = 3
	r.AccountChanged(0)
	expect("any account changed", 5, 3, false)
	expect("kept", 5, 3, true)

	r.forgetAll()
	expect("a write through this instance", 6, 3, false)
	expect("kept", 6, 3, true)

	r.AccountChanged(marie)
	during = func() { r.AccountChanged(marie) }
	expect("changed during the load", 7, 3, false)
	during = nil
	expect("not kept from a load that raced a notice", 8, 3, false)
	expect("kept from a quiet load", 8, 3, true)

	clock = clock.Add(maxRowAge)
	expect("too old", 9, 3, false)
	expect("kept", 9, 3, true)

	expires = clock.Add(time.Second)
	r.forgetAll()
	expect("reloaded", 10, 3, false)
	expect("kept", 10, 3, true)
	clock = clock.Add(time.Second)
	expect("expired session", 11, 3, false)
	expires = clock.Add(time.Hour)

	r.FeedLive(false)
	expect("feed lost", 12, 3, false)
	expect("feed lost, nothing kept", 13, 3, false)

	// An anonymous session is not kept.
	r.FeedLive(true)
	anonymous := func() (auth.Visit, error) {
		loads++
		return auth.Visit{Session: &model.Session{ID: "a", ExpiresAt: expires}}, nil
	}
	for range 2 {
		if k, err := r.visit("anon", "", anonymous); err != nil || k.stamp != 0 {
			t.Fatalf("anonymous session: stamp %d, %v", k.stamp, err)
		}
	}
	if loads != 15 {
		t.Fatalf("anonymous session read %d times from memory", 15-loads)
	}
}

// TestKeptTokensFollowTheirRules: a token's account is kept likewise, and
// a notice drops only its account's tokens and sessions.
func TestKeptTokensFollowTheirRules(t *testing.T) {
	r := newSheetRows()
	r.FeedLive(true)
	loads := map[int64]int{}
	role := model.RoleContributor
	loader := func(id int64) func() (*model.User, *model.Sheet, error) {
		return func() (*model.User, *model.Sheet, error) {
			loads[id]++
			return &model.User{ID: id, Role: role}, &model.Sheet{Slug: "jardin"}, nil
		}
	}
	read := func(hash string, id int64) keptToken {
		t.Helper()
		k, err := r.token(hash, "jardin", loader(id))
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	read("t1", 1)
	read("t2", 2)
	if k := read("t1", 1); k.sheet != nil || loads[1] != 1 {
		t.Fatalf("kept token: %d loads, sheet %v", loads[1], k.sheet)
	}
	role = model.RoleAdmin
	r.AccountChanged(1)
	if k := read("t1", 1); loads[1] != 2 || k.user.Role != model.RoleAdmin || k.sheet == nil {
		t.Fatalf("after its account's notice: %d loads, role %s", loads[1], k.user.Role)
	}
	read("t2", 2)
	if loads[2] != 1 {
		t.Fatalf("another account's notice dropped this token: %d loads", loads[2])
	}
	// The index lists a key once, however often it is loaded again.
	clock := time.Now()
	r.now = func() time.Time { return clock }
	before := loads[1]
	for range 3 {
		clock = clock.Add(maxRowAge)
		read("t1", 1)
	}
	if loads[1] != before+3 {
		t.Fatalf("%d loads of an aging token, want 3", loads[1]-before)
	}
	if n := len(r.accounts.ofUser[1]); n != 1 {
		t.Fatalf("token listed %d times for its account", n)
	}
}
