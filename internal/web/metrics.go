package web

import (
	"atlas/internal/cache"
	"atlas/internal/web/httpx"
	"atlas/internal/web/site"
)

// metrics are the atlas's own counters beside httpx's request metrics:
// the outcomes of saves and votes (site.Counters, shared with the API),
// and the caches' counters.
type metrics struct {
	http   *httpx.Metrics
	counts *site.Counters
}

func newMetrics(h *handler) *metrics {
	m := &metrics{http: httpx.NewMetrics(h.db), counts: site.NewCounters()}
	m.http.Registry.MustRegister(m.counts.Saves, m.counts.Votes, newCacheCollector(func() map[string]cache.Stats {
		all := h.caches.stats()
		all["revision_bodies"] = h.read.BodyCacheStats()
		return all
	}))
	return m
}
