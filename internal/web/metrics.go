package web

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"

	"atlas/internal/cache"
	"atlas/internal/sheet"
	"atlas/internal/web/httpx"
)

// metrics are the atlas's own counters beside httpx's request metrics:
// the outcomes of saves and votes, and the caches' counters.
type metrics struct {
	http  *httpx.Metrics
	saves *prometheus.CounterVec
	votes prometheus.Counter
}

func newMetrics(h *handler) *metrics {
	m := &metrics{
		http: httpx.NewMetrics(h.db),
		saves: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "atlas_saves_total", Help: "Sheet saves by outcome: saved, merged, unchanged, conflict, refused."},
			[]string{"outcome"}),
		votes: prometheus.NewCounter(prometheus.CounterOpts{Name: "atlas_votes_total", Help: "Board votes recorded."}),
	}
	m.http.Registry.MustRegister(m.saves, m.votes, newCacheCollector(func() map[string]cache.Stats {
		all := h.caches.stats()
		all["revision_bodies"] = h.read.BodyCacheStats()
		return all
	}))
	return m
}

// countChange records the outcome of an amendment or a restore, which
// merge nothing.
func (h *handler) countChange(err error) {
	if errors.Is(err, sheet.ErrUnchanged) {
		h.countSave(sheet.SaveResult{Unchanged: true}, nil)
		return
	}
	h.countSave(sheet.SaveResult{}, err)
}

// countSave records the outcome of a save.
func (h *handler) countSave(res sheet.SaveResult, err error) {
	var conflict *sheet.ConflictError
	switch {
	case errors.As(err, &conflict):
		h.metrics.saves.WithLabelValues("conflict").Inc()
	case err != nil:
		h.metrics.saves.WithLabelValues("refused").Inc()
	case res.Unchanged:
		h.metrics.saves.WithLabelValues("unchanged").Inc()
	case res.Merged:
		h.metrics.saves.WithLabelValues("merged").Inc()
	default:
		h.metrics.saves.WithLabelValues("saved").Inc()
	}
}
