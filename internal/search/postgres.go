package search

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"atlas/internal/db"
)

// postgresSearcher indexes the application's own terms (Terms: folded,
// French-stemmed) as a tsvector it writes itself, with positions and
// weights (title A, body B), and queries them the same way. PostgreSQL's
// parser and dictionaries never run: on a 50 KB sheet they cost tens of
// milliseconds per save, and both databases now cut words identically.
type postgresSearcher struct{ db *db.DB }

// Limits of PostgreSQL's tsvector: positions above 16383 are clamped and a
// lexeme keeps at most 256 of them.
const (
	maxPosition          = 16383
	maxPositionsByLexeme = 256
)

// Index replaces a sheet's vector.
//
//	INSERT INTO search_docs (sheet_id, tsv) VALUES (?, ?::tsvector)
//	ON CONFLICT (sheet_id) DO UPDATE SET tsv = excluded.tsv
func (s *postgresSearcher) Index(ctx context.Context, sheetID int64, title, body string) error {
	err := s.db.Conn(ctx).Exec(`INSERT INTO search_docs (sheet_id, tsv) VALUES (?, ?::tsvector)
		ON CONFLICT (sheet_id) DO UPDATE SET tsv = excluded.tsv`, sheetID, tsvector(title, body)).Error
	return wrap(err, "index")
}

// tsvector writes the vector of a document in PostgreSQL's input syntax:
// 'lexeme':1A,4B … with the title's words first.
func tsvector(title, body string) string {
	titleTerms, bodyTerms := Terms(title), Terms(body)
	positions := make(map[string][]int32, 256)
	var order []string
	for i, t := range append(titleTerms, bodyTerms...) {
		p, seen := positions[t]
		if !seen {
			order = append(order, t)
		}
		if len(p) < maxPositionsByLexeme {
			positions[t] = append(p, int32(min(i+1, maxPosition)))
		}
	}
	sort.Strings(order) // any order is valid; a sorted one is cheaper to read
	// Positions stop at maxPosition, and so does the title's last one.
	lastTitle := int32(min(len(titleTerms), maxPosition))
	b := make([]byte, 0, 8*(len(titleTerms)+len(bodyTerms)))
	for _, t := range order {
		b = append(b, quoteLexeme(t)...)
		for j, pos := range positions[t] {
			if j == 0 {
				b = append(b, ':')
			} else {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, int64(pos), 10)
			if pos <= lastTitle {
				b = append(b, 'A')
			} else {
				b = append(b, 'B')
			}
		}
		b = append(b, ' ')
	}
	return string(b)
}

// quoteLexeme quotes a term for tsvector and tsquery input. Terms hold
// only letters and digits; the escapes are a guard, not a need.
func quoteLexeme(t string) string {
	return "'" + lexemeEscapes.Replace(t) + "'"
}

var lexemeEscapes = strings.NewReplacer(`\`, `\\`, `'`, `''`)

// Search matches every term of the query, as SQLite does, and ranks with
// ts_rank (title words weigh more).
//
//	SELECT sheet_id, ts_rank(tsv, q) FROM search_docs, CAST(? AS tsquery) q
//	WHERE tsv @@ q ORDER BY 2 DESC, sheet_id LIMIT ?
func (s *postgresSearcher) Search(ctx context.Context, query string, limit int) ([]Hit, error) {
	terms := queryTerms(query)
	if len(terms) == 0 {
		return nil, nil
	}
	quoted := make([]string, len(terms))
	for i, t := range terms {
		quoted[i] = quoteLexeme(t)
	}
	var hits []Hit
	err := s.db.Conn(ctx).Raw(`SELECT sheet_id, ts_rank(tsv, q) AS score
		FROM search_docs, CAST(? AS tsquery) q
		WHERE tsv @@ q ORDER BY score DESC, sheet_id LIMIT ?`, strings.Join(quoted, " & "), limitOf(limit)).Scan(&hits).Error
	return hits, wrap(err, "query")
}
