package site_test

import (
	"errors"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"atlas/internal/sheet"
	"atlas/internal/web/site"
)

// Each outcome of a save is counted under its own label, whoever saved
// (a page or the API).
func TestCountersNameEachOutcome(t *testing.T) {
	m := site.NewCounters()
	m.Save(sheet.SaveResult{}, nil)
	m.Save(sheet.SaveResult{Merged: true}, nil)
	m.Save(sheet.SaveResult{Unchanged: true}, nil)
	m.Save(sheet.SaveResult{}, &sheet.ConflictError{})
	m.Save(sheet.SaveResult{}, errors.New("refused"))
	m.Change(sheet.ErrUnchanged)
	m.Change(nil)
	m.Votes.Inc()
	got := map[string]float64{}
	reg := prometheus.NewRegistry()
	reg.MustRegister(m.Saves, m.Votes)
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		for _, metric := range f.GetMetric() {
			name := f.GetName()
			for _, l := range metric.GetLabel() {
				name += " " + l.GetValue()
			}
			got[name] = metric.GetCounter().GetValue()
		}
	}
	want := map[string]float64{
		"atlas_saves_total saved": 2, "atlas_saves_total merged": 1, "atlas_saves_total unchanged": 2,
		"atlas_saves_total conflict": 1, "atlas_saves_total refused": 1, "atlas_votes_total": 1,
	}
	if len(got) != len(want) {
		t.Errorf("counted %v, want %v", got, want)
	}
	for name, n := range want {
		if got[name] != n {
			t.Errorf("%s: %v, want %v", name, got[name], n)
		}
	}
}
