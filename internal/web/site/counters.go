package site

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"

	"atlas/internal/sheet"
)

// Counters are the outcomes of saves and votes, counted alike whether a
// page or the API made them (registered by internal/web's metrics).
type Counters struct {
	Saves *prometheus.CounterVec
	Votes prometheus.Counter
}

// NewCounters makes the counters, not yet registered.
func NewCounters() *Counters {
	return &Counters{
		Saves: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "atlas_saves_total", Help: "Sheet saves by outcome: saved, merged, unchanged, conflict, refused."},
			[]string{"outcome"}),
		Votes: prometheus.NewCounter(prometheus.CounterOpts{Name: "atlas_votes_total", Help: "Board votes recorded."}),
	}
}

// Change records the outcome of an amendment or a restore, which
// merge nothing.
func (m *Counters) Change(err error) {
	if errors.Is(err, sheet.ErrUnchanged) {
		m.Save(sheet.SaveResult{Unchanged: true}, nil)
		return
	}
	m.Save(sheet.SaveResult{}, err)
}

// Save records the outcome of a save.
func (m *Counters) Save(res sheet.SaveResult, err error) {
	var conflict *sheet.ConflictError
	switch {
	case errors.As(err, &conflict):
		m.Saves.WithLabelValues("conflict").Inc()
	case err != nil:
		m.Saves.WithLabelValues("refused").Inc()
	case res.Unchanged:
		m.Saves.WithLabelValues("unchanged").Inc()
	case res.Merged:
		m.Saves.WithLabelValues("merged").Inc()
	default:
		m.Saves.WithLabelValues("saved").Inc()
	}
}
