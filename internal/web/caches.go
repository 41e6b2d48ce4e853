package web

import (
	"context"
	"html/template"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/cache"
	"atlas/internal/model"
	"atlas/internal/render"
)

// Memory budgets of the caches of whole answers, page parts and rendered
// Markdown; with the store's 32 MB of revision bodies, they keep a busy
// instance's resident memory near 100 MB whatever crawlers ask for.
const (
	pageCacheBytes   = 24 << 20
	mapCacheBytes    = 8 << 20
	partCacheBytes   = 12 << 20
	renderCacheBytes = 16 << 20
	// apiReadCacheBytes bounds the JSON kept by sendAPIRead: a few hundred
	// answers of the busiest sheets.
	apiReadCacheBytes = 16 << 20
	// diffCacheBytes bounds the rendered diffs kept (see diffBody): a
	// large one weighs megabytes, and is what they save most.
	diffCacheBytes = 16 << 20
	// searchCacheBytes bounds the search results kept: a few thousand
	// queries' titles and snippets.
	searchCacheBytes = 4 << 20
)

// caches owns every cache of the web layer; handlers ask it for a page, a
// part, a sheet row or the cards' fingerprint, and never assemble one.
//
// The invalidation contract:
//
//   - Pages, the map, page parts, API reads and search results are keyed by everything they show: the
//     sheet's CacheVersion (moved, in the same transaction, by every write
//     that changes any of its pages), a revision's SHA-256 or the cards'
//     fingerprint, plus the language, the page's own parameters and the
//     build. No event invalidates them: a write makes new keys, and the
//     entries under the old ones age out of their LRU.
//   - Rendered Markdown and reader texts are keyed by the body's SHA-256,
//     and so never stale either.
//   - The kept sheet rows and the cards' fingerprint, which those keys are
//     made of, are what can go stale (see sheetRows). A change notice for a
//     sheet drops its row and the fingerprint; the change feed going live
//     or dead drops everything; so does every request other than GET, HEAD
//     or OPTIONS this process answers (writeDone), as soon as it is
//     answered. Without a live feed nothing is kept, and a kept value is
//     trusted for maxRowAge at most.
//   - Sessions and API tokens (keptAccounts) are kept beside the rows, under
//     the same rules; a notice naming an account drops its own. Signed-in
//     pages kept whole (readerPages) carry the stamp of their session's
//     load in their key, and go with it.
//   - A browser that has just written reads none of these for maxRowAge
//     (writeFenceCookie), on any instance.
type caches struct {
	build string // the release's fingerprint, in every page key
	pages *cache.LRU[string, *encodedBody]
	// readerPages are signed-in readers' pages, kept per session (see
	// sendReaderPage).
	readerPages *cache.LRU[string, *encodedBody]
	maps        *cache.LRU[string, *encodedBody]
	parts       *cache.LRU[string, template.HTML]
	apiReads    *cache.LRU[string, []byte] // JSON of API reads, see sendAPIRead
	// searches keeps search results, see runSearch.
	searches *cache.LRU[string, []searchResult]
	markdown *renderCache
	rows     *sheetRows
	// flashes are the one-off messages waiting for their page: only a
	// real one makes an anonymous page skip the cache (see flashOf).
	flashes *flashTokens
	// diffs are rendered comparisons of two bodies and apiDiffs the API's
	// JSON of two revisions, both computed in diffSlots (see keptWork).
	diffSlots *workSlots
	// searchSlots bounds the searches computed at once (see runSearch).
	searchSlots *workSlots
	diffs       *keptWork[*diffBody]
	apiDiffs    *keptWork[[]byte]
	// credits are the authors of revisions by share of words, as ids
	// (see handler.credits).
	credits *cache.LRU[string, []int64]
}

func newCaches(build string) *caches {
	cs := &caches{
		build:       build,
		pages:       cache.New[string](pageCacheBytes, (*encodedBody).size),
		readerPages: cache.New[string](readerPageBytes, (*encodedBody).size),
		maps:        cache.New[string](mapCacheBytes, (*encodedBody).size),
		parts:       cache.New[string](partCacheBytes, func(h template.HTML) int { return len(h) }),
		apiReads:    cache.New[string](apiReadCacheBytes, func(b []byte) int { return len(b) }),
		searches:    cache.New[string](searchCacheBytes, resultsSize),
		markdown:    newRenderCache(render.New(), renderCacheBytes),
		rows:        newSheetRows(),
		flashes:     newFlashTokens(),
		credits:     newCreditsCache(),
	}
	cs.diffSlots = newWorkSlots(diffSlotsFor(), diffSlotWait, errDiffBusy)
	cs.searchSlots = newWorkSlots(searchSlotsFor(), searchSlotWait, errSearchBusy)
	cs.diffs = newKeptWork(cache.New[string](diffCacheBytes, (*diffBody).size), cs.diffSlots)
	cs.apiDiffs = newKeptWork(cs.apiReads, cs.diffSlots)
	return cs
}

// sendSheetPage answers with page of sheet sh in lang, variant naming the
// page's own parameters, building it on a miss. The key is also the
// page's strong ETag (see sendCached).
func (cs *caches) sendSheetPage(c *fiber.Ctx, page string, sh *model.Sheet, lang, variant string, build func() ([]byte, error)) error {
	return sendCached(c, cs.pages, pageKey(page, sh, lang, cs.build, variant), varyLanguage, build)
}

// sendMap answers with the map's document kept under key, building it on
// a miss.
func (cs *caches) sendMap(c *fiber.Ctx, key string, build func() ([]byte, error)) error {
	return sendCached(c, cs.maps, key, varyLanguage, build)
}

// part returns the page part kept under key, rendering and keeping it on a
// miss.
func (cs *caches) part(key string, render func() ([]byte, error)) (template.HTML, error) {
	if html, ok := cs.parts.Get(key); ok {
		return html, nil
	}
	out, err := render()
	if err != nil {
		return "", err
	}
	html := template.HTML(out) //nolint:gosec // G203: parts are html/template's own output
	cs.parts.Put(key, html)
	return html, nil
}

// sheet returns the sheet named slug, kept or loaded. The row is shared:
// callers must not modify it.
func (cs *caches) sheet(ctx context.Context, slug string, load func(context.Context, string) (*model.Sheet, error)) (*model.Sheet, error) {
	return cs.rows.get(ctx, slug, load)
}

// cardsVersion returns the fingerprint of every card, kept or loaded.
func (cs *caches) cardsVersion(ctx context.Context, load func(context.Context) (string, error)) (string, error) {
	return cs.rows.cardsVersion(ctx, load)
}

// writeDone drops what a write through this process may have made stale.
func (cs *caches) writeDone() { cs.rows.forgetAll() }

// SheetChanged implements events.ChangeWatcher.
func (cs *caches) SheetChanged(id int64) { cs.rows.SheetChanged(id) }

// AccountChanged implements events.ChangeWatcher.
func (cs *caches) AccountChanged(userID int64) { cs.rows.AccountChanged(userID) }

// FeedLive implements events.ChangeWatcher.
func (cs *caches) FeedLive(live bool) { cs.rows.FeedLive(live) }

// stats names each cache's counters, for the metrics.
func (cs *caches) stats() map[string]cache.Stats {
	return map[string]cache.Stats{
		"pages":        cs.pages.Stats(),
		"reader_pages": cs.readerPages.Stats(),
		"map":          cs.maps.Stats(),
		"parts":        cs.parts.Stats(),
		"api_reads":    cs.apiReads.Stats(),
		"searches":     cs.searches.Stats(),
		"markdown":     cs.markdown.cache.Stats(),
		"reader_texts": cs.markdown.texts.Stats(),
		"diffs":        cs.diffs.kept.Stats(),
	}
}
