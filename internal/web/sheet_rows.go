package web

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/sync/singleflight"

	"atlas/internal/model"
)

// maxSheetRows bounds the rows kept; past it the map starts over.
const maxSheetRows = 10000

// maxRowAge bounds how long a row is trusted even with a live feed: a
// feed can fail silently (a connection pooler that drops LISTEN, a
// half-open connection, a restore with triggers off), and then pages lag
// by this much at most instead of forever.
const maxRowAge = 5 * time.Second

// sheetRows keeps the sheet rows anonymous page reads look up, so that a
// cached page costs no database round trip. It trusts a row only while the
// database's change feed is live: on PostgreSQL, LISTEN (migration 0006)
// names each changed sheet and its row is dropped; on SQLite, a poll of
// PRAGMA data_version drops every row after any commit (events.PollSQLite).
// A feed that stops drops them all. Writes through this process drop them
// all as soon as they are answered (forgetRowsAfterWrites), so the feed's
// delay only ever concerns other instances and the command line.
type sheetRows struct {
	mu     sync.Mutex
	live   bool
	gen    uint64 // moves on every notice, so a read that raced one is not kept
	bySlug map[string]keptRow
	slugOf map[int64]string
	// cards is the fingerprint of every card (the map's cache key), kept
	// under the same rules: any change to any sheet drops it.
	cards keptValue
	// accounts are the kept sessions and tokens (see keptAccounts).
	accounts keptAccounts
	// trust bounds how long anything is kept: maxRowAge, longer only in
	// tests that show notices, not age, drop what they name.
	trust time.Duration
	now   func() time.Time
	// loads lets concurrent readers of one missing value share a single
	// load: when a hot row expires, fifty readers make one query, not
	// fifty. Flights are named with the generation they started in, so a
	// reader that came after a notice never joins a load from before it.
	loads singleflight.Group
}

type keptValue struct {
	value  string
	loaded time.Time
	ok     bool
}

type keptRow struct {
	sheet  *model.Sheet
	loaded time.Time
}

func newSheetRows() *sheetRows {
	return &sheetRows{bySlug: map[string]keptRow{}, slugOf: map[int64]string{}, accounts: newKeptAccounts(), trust: maxRowAge, now: time.Now}
}

// get returns the sheet named slug, from memory when it can be trusted.
// The returned row is shared: callers must not modify it.
func (r *sheetRows) get(ctx context.Context, slug string, load func(context.Context, string) (*model.Sheet, error)) (*model.Sheet, error) {
	return keptOrLoad(r, "row "+slug,
		func() (*model.Sheet, time.Time, bool) { k, ok := r.bySlug[slug]; return k.sheet, k.loaded, ok },
		func() (*model.Sheet, error) { return load(ctx, slug) },
		func(sh *model.Sheet, now time.Time) {
			if len(r.bySlug) >= maxSheetRows {
				clear(r.bySlug)
				clear(r.slugOf)
			}
			r.bySlug[sh.Slug] = keptRow{sheet: sh, loaded: now}
			r.slugOf[sh.ID] = sh.Slug
		})
}

// cardsVersion returns the cards' fingerprint, from memory when it can be
// trusted, as get does for rows.
func (r *sheetRows) cardsVersion(ctx context.Context, load func(context.Context) (string, error)) (string, error) {
	return keptOrLoad(r, "cards",
		func() (string, time.Time, bool) { return r.cards.value, r.cards.loaded, r.cards.ok },
		func() (string, error) { return load(ctx) },
		func(v string, now time.Time) { r.cards = keptValue{value: v, loaded: now, ok: true} })
}

// keptOrLoad is the rule of everything sheetRows keeps: a value younger
// than its trust (maxRowAge) is used; otherwise it is loaded, and kept only if the feed
// is live and no notice came during the load (it may be about this very
// value). While the feed is live, readers missing the same value at once
// share one load, named by name. kept and keep run under the lock.
func keptOrLoad[T any](r *sheetRows, name string, kept func() (T, time.Time, bool), load func() (T, error), keep func(T, time.Time)) (T, error) {
	r.mu.Lock()
	v, loaded, ok := kept()
	live, gen, now := r.live, r.gen, r.now()
	r.mu.Unlock()
	if ok && now.Sub(loaded) < r.trust {
		return v, nil
	}
	if !live { // nothing tells when a load would go stale: each reader reads
		return load()
	}
	shared, err, _ := r.loads.Do(strconv.FormatUint(gen, 10)+" "+name, func() (any, error) { return load() })
	if err != nil {
		var zero T
		return zero, err
	}
	v = shared.(T)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.live && r.gen == gen {
		keep(v, now)
	}
	return v, nil
}

// forgetAll drops every row, keeping the feed's state.
func (r *sheetRows) forgetAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.forgetLocked()
}

func (r *sheetRows) forgetLocked() {
	r.gen++
	clear(r.bySlug)
	clear(r.slugOf)
	r.cards = keptValue{}
	r.accounts.clear()
}

// forgetRowsAfterWrites drops the kept sheet rows, sessions and tokens
// once a request that may have written is handled, its transaction
// committed: the next read of this instance sees the write, whatever the
// feed's delay. The answer fences its browser off what other instances
// keep for a while (see writeFenceCookie).
func (h *handler) forgetRowsAfterWrites(c *fiber.Ctx) error {
	err := c.Next()
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
	default:
		h.caches.writeDone()
		if err == nil && c.Response().StatusCode() < fiber.StatusBadRequest {
			h.setWriteFence(c) // a refused write wrote nothing
		}
	}
	return err
}

// SheetChanged implements events.ChangeWatcher.
func (r *sheetRows) SheetChanged(id int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gen++
	r.cards = keptValue{} // a sheet's change may be its card's
	if slug, ok := r.slugOf[id]; ok {
		delete(r.bySlug, slug)
		delete(r.slugOf, id)
	}
}

// FeedLive implements events.ChangeWatcher: whether the feed is starting
// or stopping, what is held may have missed news.
func (r *sheetRows) FeedLive(live bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.live = live
	r.forgetLocked()
}

// cardsVersion is the fingerprint of every card (the map's and searches'
// key), kept unless the browser has just written (see writeFenceCookie).
func (h *handler) cardsVersion(c *fiber.Ctx) (string, error) {
	if fenced(c) {
		return h.read.CardsVersion(c.UserContext())
	}
	return h.caches.cardsVersion(c.UserContext(), h.read.CardsVersion)
}

// sheetForPage loads the sheet a page shows: from memory when it can be
// trusted, unless the browser has just written (see writeFenceCookie), so
// people see their own writes at once on every instance.
func (h *handler) sheetForPage(c *fiber.Ctx) (*model.Sheet, error) {
	if sh, ok := c.Locals(localAddressed).(*model.Sheet); ok && sh.Slug == c.Params("slug") {
		return sh, nil // found by sheetAddress for this request
	}
	if !fenced(c) {
		return h.caches.sheet(c.UserContext(), c.Params("slug"), h.read.SheetBySlug)
	}
	return h.read.SheetBySlug(c.UserContext(), c.Params("slug"))
}
