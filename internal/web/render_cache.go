package web

import (
	"container/list"
	"html/template"
	"sync"

	"atlas/internal/render"
)

// renderCache keeps the HTML of recently shown revisions. Revisions never
// change, so the key is the body's SHA-256 and nothing is ever invalidated:
// a new revision is a new key. Losing the cache only costs a re-render, so
// every instance keeps its own.
type renderCache struct {
	renderer *render.Renderer
	mu       sync.Mutex
	max      int
	order    *list.List // most recent at front; values are *cacheEntry
	entries  map[string]*list.Element
}

type cacheEntry struct {
	key      string
	rendered render.Rendered
}

func newRenderCache(r *render.Renderer, max int) *renderCache {
	return &renderCache{renderer: r, max: max, order: list.New(), entries: map[string]*list.Element{}}
}

// Render returns the rendered body whose hash is key.
func (rc *renderCache) Render(key, body string) render.Rendered {
	rc.mu.Lock()
	if el, ok := rc.entries[key]; ok {
		rc.order.MoveToFront(el)
		r := el.Value.(*cacheEntry).rendered
		rc.mu.Unlock()
		return r
	}
	rc.mu.Unlock()

	// Rendering happens outside the lock; two requests racing on one new
	// revision both render it, which is harmless.
	r := rc.renderer.Render(body)

	rc.mu.Lock()
	defer rc.mu.Unlock()
	if _, ok := rc.entries[key]; !ok {
		rc.entries[key] = rc.order.PushFront(&cacheEntry{key: key, rendered: r})
		for rc.order.Len() > rc.max {
			oldest := rc.order.Back()
			rc.order.Remove(oldest)
			delete(rc.entries, oldest.Value.(*cacheEntry).key)
		}
	}
	return r
}

// Inline renders a short text such as a comment; comments are small and
// shown once per page, so they are not cached.
func (rc *renderCache) Inline(text string) template.HTML { return rc.renderer.Inline(text) }
