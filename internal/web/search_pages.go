package web

import (
	"html"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/search"
	"atlas/internal/store"
)

type searchResult struct {
	Slug     string           `json:"slug"`
	Title    string           `json:"title"`
	Snippet  string           `json:"snippet"` // HTML-escaped text, matches in <mark>
	Score    float64          `json:"score"`
	Segments []search.Segment `json:"-"`
}

const maxQueryBytes = 500

// runSearch finds sheets and builds their snippets from the version
// readers see, the one that was indexed.
func (h *handler) runSearch(c *fiber.Ctx) (string, []searchResult, error) {
	q := strings.TrimSpace(c.Query("q"))
	if len(q) > maxQueryBytes || !utf8.ValidString(q) {
		return q, nil, newError(fiber.StatusBadRequest, "bad_query", "error.bad_query")
	}
	limit, err := queryInt(c, "limit", 20, 100)
	if err != nil || q == "" {
		return q, []searchResult{}, err
	}
	ctx := c.UserContext()
	hits, err := h.searcher.Search(ctx, q, limit)
	if err != nil {
		return q, nil, err
	}
	ids := make([]int64, len(hits))
	for i, hit := range hits {
		ids[i] = hit.SheetID
	}
	cards, err := h.store.CardsByIDs(ctx, ids)
	if err != nil {
		return q, nil, err
	}
	keys := make([]store.RevisionKey, 0, len(cards))
	for _, card := range cards {
		keys = append(keys, store.RevisionKey{SheetID: card.SheetID, Number: card.RevisionNumber})
	}
	revs, err := h.store.RevisionsByKeys(ctx, keys)
	if err != nil {
		return q, nil, err
	}
	results := make([]searchResult, 0, len(hits))
	for _, hit := range hits {
		card, ok := cards[hit.SheetID]
		rev := revs[store.RevisionKey{SheetID: hit.SheetID, Number: card.RevisionNumber}]
		if !ok || rev == nil {
			continue
		}
		segs := search.Snippet(h.markdown.ReaderText(rev.SHA256, rev.Body), q, 200)
		results = append(results, searchResult{Slug: card.Slug, Title: card.Title, Score: hit.Score, Segments: segs, Snippet: snippetHTML(segs)})
	}
	return q, results, nil
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
	return h.views.render(c, fiber.StatusOK, pageSearch, p)
}
