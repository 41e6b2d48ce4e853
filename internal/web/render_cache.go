package web

import (
	"html/template"

	"atlas/internal/cache"
	"atlas/internal/render"
)

// renderCache keeps the HTML of recently shown revisions, keyed by the
// body's SHA-256: revisions never change, so a new revision is a new key.
type renderCache struct {
	renderer *render.Renderer
	cache    *cache.LRU[string, render.Rendered]
	// texts keeps what readers see of a body as plain Markdown, for search
	// snippets: filtering a large body costs milliseconds, and the same
	// sheets come back in search after search.
	texts *cache.LRU[string, string]
}

// newRenderCache keeps up to budget bytes of rendered HTML.
func newRenderCache(r *render.Renderer, budget int) *renderCache {
	return &renderCache{
		renderer: r,
		cache:    cache.New[string](budget, func(r render.Rendered) int { return len(r.HTML) }),
		texts:    cache.New[string](budget/4, func(s string) int { return len(s) }),
	}
}

// Render returns the rendered body whose hash is key. Two requests racing
// on one new revision both render it, which is harmless.
func (rc *renderCache) Render(key, body string) render.Rendered {
	if r, ok := rc.cache.Get(key); ok {
		return r
	}
	r := rc.renderer.Render(body)
	rc.cache.Put(key, r)
	return r
}

// Inline renders a short text such as a comment; comments are small and
// shown once per page, so they are not cached.
func (rc *renderCache) Inline(text string) template.HTML { return rc.renderer.Inline(text) }
