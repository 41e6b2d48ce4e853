// Package search finds sheets by the words of the version readers see,
// French-stemmed and accent-insensitive, on either database: PostgreSQL
// full-text search (configuration atlas_fr: french stemming over unaccent)
// or SQLite FTS5 fed with words the application stems the same way.
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
	var terms []string
	for _, w := range words(text) {
		if t := stem(w); t != "" {
			terms = append(terms, t)
		}
	}
	return terms
}

// words splits text into runs of letters and digits.
func words(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// stem normalizes a word as PostgreSQL's atlas_fr configuration does:
// lowercase, accents removed (unaccent), then the French Snowball stemmer.
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
	stems.m[w] = s
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
