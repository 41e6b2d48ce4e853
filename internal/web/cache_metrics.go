package web

import (
	"maps"
	"slices"

	"github.com/prometheus/client_golang/prometheus"

	"atlas/internal/cache"
)

// cacheCollector exposes the counters of every cache, read at each scrape:
// counting is the caches' own work, done under the lock they take anyway,
// so a hit costs the metrics nothing.
type cacheCollector struct {
	stats                                func() map[string]cache.Stats
	hits, misses, evictions, items, size *prometheus.Desc
}

func newCacheCollector(stats func() map[string]cache.Stats) *cacheCollector {
	desc := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("atlas_cache_"+name, help, []string{"cache"}, nil)
	}
	return &cacheCollector{
		stats:     stats,
		hits:      desc("hits_total", "Cache lookups that found their entry."),
		misses:    desc("misses_total", "Cache lookups that did not."),
		evictions: desc("evictions_total", "Entries dropped to keep a cache within its memory budget."),
		items:     desc("entries", "Entries a cache holds."),
		size:      desc("bytes", "Bytes a cache's entries weigh."),
	}
}

// Describe implements prometheus.Collector.
func (cc *cacheCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{cc.hits, cc.misses, cc.evictions, cc.items, cc.size} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (cc *cacheCollector) Collect(ch chan<- prometheus.Metric) {
	all := cc.stats()
	for _, name := range slices.Sorted(maps.Keys(all)) {
		s := all[name]
		ch <- prometheus.MustNewConstMetric(cc.hits, prometheus.CounterValue, float64(s.Hits), name)
		ch <- prometheus.MustNewConstMetric(cc.misses, prometheus.CounterValue, float64(s.Misses), name)
		ch <- prometheus.MustNewConstMetric(cc.evictions, prometheus.CounterValue, float64(s.Evictions), name)
		ch <- prometheus.MustNewConstMetric(cc.items, prometheus.GaugeValue, float64(s.Entries), name)
		ch <- prometheus.MustNewConstMetric(cc.size, prometheus.GaugeValue, float64(s.Bytes), name)
	}
}
