package search

import (
	"context"
	"strings"
	"testing"

	"atlas/internal/testutil"
)

// The room tsvector counts for a vector is the room PostgreSQL gives it:
// 8 bytes of header and 4 per lexeme besides, and a vector of exactly
// PostgreSQL's largest size is accepted.
func TestVectorSizeIsPostgresOwn(t *testing.T) {
	d := testutil.NewPostgres(t)
	ctx := context.Background()
	const maxStrPos = 1<<20 - 1 // PostgreSQL's MAXSTRPOS
	docs := map[string][3]string{
		"short":    {"Jardin partagé", "Le potager est gouverné par une assemblée.", ""},
		"repeated": {"Fiche très longue", strings.Repeat("Les voisins cultivent le jardin partagé. ", 4000), ""},
		"odd":      {"Abc", "a ab abc abcd abcde ", ""},
		"distinct": {"Gouvernance", testutil.DistinctWords(3, 900<<10), ""},
	}
	for name, doc := range docs {
		for _, budget := range []int{maxVectorBytes, maxStrPos} {
			vector, used := tsvector(doc[0], doc[1], budget)
			if used > budget {
				t.Errorf("%s: %d bytes over a budget of %d", name, used, budget)
			}
			var got struct{ Size, Lexemes int }
			err := d.Conn(ctx).Raw(`SELECT pg_column_size(v) AS size, length(v) AS lexemes FROM CAST(? AS tsvector) v`, vector).Scan(&got).Error
			if err != nil {
				t.Errorf("%s, budget %d: %v", name, budget, err)
				continue
			}
			// A short value may come with a 1-byte header instead of 4. A
			// lexeme without positions is not padded to an even length
			// unless one with positions follows it: the count is then an
			// upper bound.
			want := 8 + 4*got.Lexemes + used
			exact := !strings.Contains(vector, "' ")
			switch {
			case got.Size > want:
				t.Errorf("%s: PostgreSQL's size %d, more than the %d counted", name, got.Size, want)
			case exact && got.Size != want && (want > 130 || got.Size != want-3):
				t.Errorf("%s: PostgreSQL's size %d, counted %d", name, got.Size, want)
			}
		}
	}
}

// Under a tight budget every word goes in before any gets a position,
// every word gets its first position (the title's first) before any gets
// a second one, and the words past the budget are the last ones.
func TestVectorBudgetKeepsWordsFirst(t *testing.T) {
	title, body := "Jardin", "jardin potager jardin compost atelier jardin"
	// jardin, potag, compost, ateli: one position each.
	budget := lexemeCost(len("jardin"), 1) + lexemeCost(len("potag"), 1) + lexemeCost(len("compost"), 1) + lexemeCost(len("ateli"), 1)
	for _, tt := range []struct {
		budget int
		want   string
	}{
		{budget, "'ateli':6B 'compost':5B 'jardin':1A 'potag':3B "},
		{budget + 2, "'ateli':6B 'compost':5B 'jardin':1A,2B 'potag':3B "},
		// No room for the last word's position: it goes in without one,
		// and the room left goes to positions of the others.
		{budget - 1, "'ateli' 'compost':5B 'jardin':1A,2B 'potag':3B "},
		// Room for the words alone, then for three of them.
		{lexemeCost(6, 0) + lexemeCost(5, 0) + lexemeCost(7, 0) + lexemeCost(5, 0), "'ateli' 'compost' 'jardin' 'potag' "},
		{lexemeCost(6, 0) + lexemeCost(5, 0) + lexemeCost(7, 0), "'compost' 'jardin' 'potag' "},
	} {
		if got, used := tsvector(title, body, tt.budget); got != tt.want || used > tt.budget {
			t.Errorf("budget %d: vector %q of %d bytes, want %q", tt.budget, got, used, tt.want)
		}
	}
}
