package web

import (
	"context"
	"errors"
	"html"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/search"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
)

type searchResult struct {
	Slug     string           `json:"slug"`
	Title    string           `json:"title"`
	Snippet  string           `json:"snippet"` // HTML-escaped text, matches in <mark>
	Score    float64          `json:"score"`
	Segments []search.Segment `json:"-"`
}

const maxQueryBytes = 500

// snippetBatch is how many hits' bodies are loaded at once: a page of
// results by default.
const snippetBatch = 20

// runSearch finds sheets and builds their snippets from the version
// readers see, the one that was indexed. Results are kept under the
// query's terms, the page size and the cards' fingerprint, which moves in
// the transaction of every change of what readers see of any sheet (the
// search index with it); they are the same for every reader.
func (h *handler) runSearch(c *fiber.Ctx) (string, []searchResult, error) {
	// A copy: the words go into the search package's kept stems, and
	// Fiber's value points into a buffer the next request reuses.
	q := strings.TrimSpace(strings.Clone(c.Query("q")))
	if len(q) > maxQueryBytes || !utf8.ValidString(q) {
		return q, nil, httpx.NewError(fiber.StatusBadRequest, "bad_query", "error.bad_query")
	}
	limit, err := request.QueryInt(c, "limit", 20, 100)
	if err != nil || q == "" {
		return q, []searchResult{}, err
	}
	ctx := c.UserContext()
	terms := search.Normalize(q)
	if terms == "" {
		return q, []searchResult{}, nil
	}
	version, err := h.cardsVersion(c)
	if err != nil {
		return q, nil, err
	}
	key := version + "|" + strconv.Itoa(limit) + "|" + terms
	if results, ok := h.caches.searches.Get(key); ok {
		return q, results, nil
	}
	// A search not kept is costly work (the index, then the snippets):
	// a few at a time, so that a crowd of searchers, each asking new
	// words, leaves the processors to readers of pages.
	var results []searchResult
	err = h.caches.searchSlots.run(ctx, func() error {
		var err error
		results, err = h.searchFresh(ctx, q, key, limit)
		return err
	})
	if errors.Is(err, errSearchBusy) {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(searchRetryAfter))
		return q, nil, httpx.NewError(fiber.StatusServiceUnavailable, "busy", "error.busy_searches")
	}
	return q, results, err
}

// searchFresh asks the index and builds the results' snippets, keeping
// them under key.
func (h *handler) searchFresh(ctx context.Context, q, key string, limit int) ([]searchResult, error) {
	hits, err := h.searcher.Search(ctx, q, limit)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(hits))
	for i, hit := range hits {
		ids[i] = hit.SheetID
	}
	cards, err := h.read.CardsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	// One budget of work for all the snippets, best hits first (see
	// search.Snippets). The bodies are loaded a page at a time, and not
	// at all once the budget is spent: the hits past it show their
	// subtitle. A hundred sheets of a megabyte are a hundred megabytes to
	// read and filter otherwise.
	snippets := search.NewSnippets(ctx, q)
	results := make([]searchResult, 0, len(hits))
	for start := 0; start < len(hits); start += snippetBatch {
		batch := hits[start:min(start+snippetBatch, len(hits))]
		var revs map[model.RevisionKey]*model.Revision
		if !snippets.Spent() {
			keys := make([]model.RevisionKey, 0, len(batch))
			for _, hit := range batch {
				if card, ok := cards[hit.SheetID]; ok {
					keys = append(keys, model.RevisionKey{SheetID: card.SheetID, Number: card.RevisionNumber})
				}
			}
			if revs, err = h.read.RevisionsByKeys(ctx, keys); err != nil {
				return nil, err
			}
		}
		for _, hit := range batch {
			card, ok := cards[hit.SheetID]
			if !ok {
				continue
			}
			rev := revs[model.RevisionKey{SheetID: hit.SheetID, Number: card.RevisionNumber}]
			if revs != nil && rev == nil {
				continue
			}
			var segs []search.Segment
			if rev != nil && !snippets.Spent() {
				segs = snippets.Of(h.markdown.ReaderText("snippet|"+rev.SHA256, search.SnippetSource(rev.Body)), 200)
			} else if card.Subtitle != "" {
				segs = []search.Segment{{Text: card.Subtitle}}
			}
			results = append(results, searchResult{Slug: card.Slug, Title: card.Title, Score: hit.Score, Segments: segs, Snippet: snippetHTML(segs)})
		}
	}
	// Snippets cut short by the clock depend on the load of the moment:
	// they are not kept.
	if !snippets.TimedOut() {
		h.caches.searches.Put(key, results)
	}
	return results, nil
}

// resultsSize is about the memory a list of results holds.
func resultsSize(results []searchResult) int {
	n := 64
	for _, r := range results {
		n += 128 + len(r.Slug) + len(r.Title) + len(r.Snippet)
		for _, s := range r.Segments {
			n += 24 + len(s.Text)
		}
	}
	return n
}

// snippetHTML escapes every piece and wraps the matches in <mark>.
func snippetHTML(segs []search.Segment) string {
	var b strings.Builder
	for _, s := range segs {
		if s.Match {
			b.WriteString("<mark>" + html.EscapeString(s.Text) + "</mark>")
		} else {
			b.WriteString(html.EscapeString(s.Text))
		}
	}
	return b.String()
}

func (h *handler) apiSearch(c *fiber.Ctx) error {
	_, results, err := h.runSearch(c)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"results": results})
}

type searchPage struct {
	Base
	Query   string
	Results []searchResult
}

func (h *handler) showSearchPage(c *fiber.Ctx) error {
	q, results, err := h.runSearch(c)
	if err != nil {
		return err
	}
	p := searchPage{Base: h.base(c, ""), Query: q, Results: results}
	p.Title = p.T("search.title")
	return h.views.Render(c, fiber.StatusOK, pageSearch, p)
}

// Searches not kept run in searchSlotsFor() slots: one per processor but
// one, so that readers of pages always have a processor. A search that
// finds none free within searchSlotWait is answered 503, to come back
// after searchRetryAfter seconds.
const (
	searchSlotWait   = 2 * time.Second
	searchRetryAfter = 3
)

// errSearchBusy: every search slot stayed taken while the request waited.
var errSearchBusy = errors.New("web: every search slot is taken")

func searchSlotsFor() int { return max(1, runtime.GOMAXPROCS(0)-1) }
