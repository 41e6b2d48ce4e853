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
			// A short value may come with a 1-byte header instead of 4.
			if want := 8 + 4*got.Lexemes + used; got.Size != want && (want > 130 || got.Size != want-3) {
				t.Errorf("%s: PostgreSQL's size %d, counted %d", name, got.Size, want)
			}
		}
	}
}

// Under a tight budget every word keeps its first position (the title's
// first) before any word gets a second one, and the words past the budget
// are the last ones.
func TestVectorBudgetKeepsWordsFirst(t *testing.T) {
	title, body := "Jardin", "jardin potager jardin compost atelier jardin"
	// jardin, potag, compost, ateli: one position each.
	budget := lexemeCost(len("jardin"), 1) + lexemeCost(len("potag"), 1) + lexemeCost(len("compost"), 1) + lexemeCost(len("ateli"), 1)
	if got, _ := tsvector(title, body, budget); got != "'ateli':6B 'compost':5B 'jardin':1A 'potag':3B " {
		t.Errorf("tight vector = %q", got)
	}
	if got, _ := tsvector(title, body, budget+2); got != "'ateli':6B 'compost':5B 'jardin':1A,2B 'potag':3B " {
		t.Errorf("vector with one more position = %q", got)
	}
	// The last word left out, its room goes to positions.
	if got, _ := tsvector(title, body, budget-1); got != "'compost':5B 'jardin':1A,2B,4B,7B 'potag':3B " {
		t.Errorf("vector short of one word = %q", got)
	}
}
