package web

import (
	"context"
	"sync"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
)

// maxSheetRows bounds the rows kept; past it the map starts over.
const maxSheetRows = 10000

// sheetRows keeps the sheet rows anonymous page reads look up, so that a
// cached page costs no database round trip. It trusts a row only while the
// database's change feed is live (PostgreSQL LISTEN, migration 0006): any
// change to a sheet anywhere drops its row, and a feed that stops drops
// them all. On SQLite there is no feed and every read goes to the
// database, which there is in the process.
type sheetRows struct {
	mu     sync.Mutex
	live   bool
	gen    uint64 // moves on every notice, so a read that raced one is not kept
	bySlug map[string]*model.Sheet
	slugOf map[int64]string
}

func newSheetRows() *sheetRows {
	return &sheetRows{bySlug: map[string]*model.Sheet{}, slugOf: map[int64]string{}}
}

// get returns the sheet named slug, from memory when it can be trusted.
// The returned row is shared: callers must not modify it.
func (r *sheetRows) get(ctx context.Context, slug string, load func(context.Context, string) (*model.Sheet, error)) (*model.Sheet, error) {
	r.mu.Lock()
	sh, ok := r.bySlug[slug]
	live, gen := r.live, r.gen
	r.mu.Unlock()
	if ok {
		return sh, nil
	}
	sh, err := load(ctx, slug)
	if err != nil || !live {
		return sh, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	// A notice heard during the load may be about this very row.
	if r.live && r.gen == gen {
		if len(r.bySlug) >= maxSheetRows {
			clear(r.bySlug)
			clear(r.slugOf)
		}
		r.bySlug[sh.Slug] = sh
		r.slugOf[sh.ID] = sh.Slug
	}
	return sh, nil
}

// SheetChanged implements events.ChangeWatcher.
func (r *sheetRows) SheetChanged(id int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gen++
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
	r.gen++
	clear(r.bySlug)
	clear(r.slugOf)
}

// sheetForPage loads the sheet a page shows. Anonymous readers, whose
// pages come from the page cache, get the row from memory when it can be
// trusted; everyone else reads the database, so people see their own
// writes at once.
func (h *handler) sheetForPage(c *fiber.Ctx) (*model.Sheet, error) {
	if anonymousCacheable(c) {
		return h.sheetRows.get(c.UserContext(), c.Params("slug"), h.store.SheetBySlug)
	}
	return h.store.SheetBySlug(c.UserContext(), c.Params("slug"))
}
