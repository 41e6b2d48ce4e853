package web

import (
	"context"
	"html/template"
	"strconv"

	"atlas/internal/cache"
	"atlas/internal/web/view"
)

// creditsCacheBytes bounds the kept credits: ids only, a few bytes each.
const creditsCacheBytes = 2 << 20

// namedCredits is how many authors a credit line names before "avec des
// contributions de" the others.
const namedCredits = 3

func newCreditsCache() *cache.LRU[string, []int64] {
	return cache.New[string](creditsCacheBytes, func(ids []int64) int { return 8*len(ids) + 48 })
}

// credits are the authors of revision n of a sheet by their share of its
// words (read.Credits). A revision's attribution never changes, so its
// ids are kept under the sheet and the number alone; names are looked up
// when shown, so a renamed account shows its new name.
func (h *handler) credits(ctx context.Context, sheetID int64, n int) ([]int64, error) {
	key := strconv.FormatInt(sheetID, 10) + "|" + strconv.Itoa(n)
	if ids, ok := h.caches.credits.Get(key); ok {
		return ids, nil
	}
	ids, err := h.read.Credits(ctx, sheetID, n)
	if err != nil {
		return nil, err
	}
	h.caches.credits.Put(key, ids)
	return ids, nil
}

// creditPeople are the credits of revision n as people, in order.
func (h *handler) creditPeople(ctx context.Context, sheetID int64, n int) ([]view.Person, error) {
	ids, err := h.credits(ctx, sheetID, n)
	if err != nil {
		return nil, err
	}
	users, err := h.read.UsersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	people := make([]view.Person, 0, len(ids))
	for _, id := range ids {
		if u := users[id]; u != nil {
			people = append(people, view.PersonOf(u))
		}
	}
	return people, nil
}

// creditLine is the licence's attribution in a sentence: "Auteurs et
// autrices : A, B, C, avec des contributions de D et E"; people as links.
func creditLine(b Base, people []view.Person) template.HTML {
	if len(people) == 0 {
		return ""
	}
	named, rest := people[:min(namedCredits, len(people))], people[min(namedCredits, len(people)):]
	list := func(p []view.Person) template.HTML {
		return provenanceView{Base: b}.List(p, 0)
	}
	if len(rest) == 0 {
		return b.TL("licence.authors", list(named))
	}
	return b.TL("licence.authors_more", list(named), list(rest))
}
