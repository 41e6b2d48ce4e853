package sheet_test

import (
	"testing"

	"atlas/internal/sheet"
)

func TestSimilarTitles(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"Jardin partagé", "jardin partage", true},
		{"Jardin partagé", "Jardins partagés", true},
		{"Jardin  partagé !", "jardin-partagé", true},
		{"Fablab", "FabLab de Brest", false},
		{"Four", "Foot", false},
		{"Four", "four", true},
		{"Repair café", "Repair cafe", true},
		{"Monnaie locale", "Jardin", false},
		{"Ressourcerie du quartier", "Ressourcerie du quartiers", true},
		{"!!!", "???", false},
	} {
		if got := sheet.SimilarTitles(c.a, c.b); got != c.want {
			t.Errorf("SimilarTitles(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
