// Package search finds sheets by the words of the version readers see,
// French-stemmed and accent-insensitive. The application cuts and stems
// the words itself (Terms), once, the same way for both databases; they go
// to a PostgreSQL tsvector with a GIN index, or to an SQLite FTS5 table.
package search

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"unicode"

	"github.com/kljensen/snowball/french"
	"golang.org/x/text/unicode/norm"

	"atlas/internal/db"
)

// Hit is one sheet found, best first.
type Hit struct {
	SheetID int64
	Score   float64
}

// Searcher indexes and searches sheets.
type Searcher interface {
	// Index replaces a sheet's indexed title and body.
	Index(ctx context.Context, sheetID int64, title, body string) error
	// Search returns up to limit sheets matching every word of query.
	Search(ctx context.Context, query string, limit int) ([]Hit, error)
}

// New returns the searcher of the database's dialect.
func New(d *db.DB) Searcher {
	if d.Dialect == db.Postgres {
		return &postgresSearcher{db: d}
	}
	return &sqliteSearcher{db: d}
}

// maxQueryTerms bounds the work one query can ask for.
const maxQueryTerms = 16

// Terms cuts text into search terms: words lowercased, accents folded,
// French-stemmed ("gouvernée" → "gouvern", "écoles" → "ecol").
func Terms(text string) []string {
	ws := words(text)
	terms := make([]string, len(ws))
	// One read lock for the whole text: a long sheet has thousands of
	// words and very few the memo has not seen.
	var missing []int
	stems.RLock()
	for i, w := range ws {
		if t, ok := stems.m[w]; ok {
			terms[i] = t
		} else {
			missing = append(missing, i)
		}
	}
	stems.RUnlock()
	for _, i := range missing {
		terms[i] = stem(ws[i])
	}
	kept := terms[:0]
	for _, t := range terms {
		if t != "" {
			kept = append(kept, t)
		}
	}
	return kept
}

// queryTerms are the terms a query searches for, at most maxQueryTerms:
// a long query is cut, not refused.
func queryTerms(query string) []string {
	terms := Terms(query)
	if len(terms) > maxQueryTerms {
		terms = terms[:maxQueryTerms]
	}
	return terms
}

// Normalize returns the terms query searches for, as one string: two
// queries with the same one find the same sheets with the same snippets
// ("Gouvernance !" and "gouverné"), so it keys a cache of results.
func Normalize(query string) string { return strings.Join(queryTerms(query), " ") }

// words splits text into runs of letters and digits.
func words(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// stem normalizes a word: lowercase, accents removed, then the French
// Snowball stemmer (as PostgreSQL's atlas_fr configuration of migration
// 0003 does, which indexes written before migration 0007 used).
// Sheets repeat a small vocabulary, so stems are remembered: indexing a
// 50 KB sheet would otherwise run the stemmer on thousands of words.
func stem(w string) string {
	if len(w) > 64 {
		return ""
	}
	stems.RLock()
	s, ok := stems.m[w]
	stems.RUnlock()
	if ok {
		return s
	}
	s = french.Stem(fold(strings.ToLower(w)), true)
	stems.Lock()
	if len(stems.m) >= maxStems {
		stems.m = make(map[string]string, maxStems) // start over rather than grow without bound
	}
	// A copy of the word: w may point into a long body, which the map
	// would otherwise keep alive whole.
	stems.m[strings.Clone(w)] = s
	stems.Unlock()
	return s
}

const maxStems = 100_000

var stems = struct {
	sync.RWMutex
	m map[string]string
}{m: map[string]string{}}

// fold removes combining accents and ligatures' diacritics: é → e, ç → c.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func limitOf(limit int) int {
	if limit <= 0 || limit > 100 {
		return 20
	}
	return limit
}

func wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("search: %s: %w", what, err)
}
