package search

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"atlas/internal/db"
)

// postgresSearcher indexes the application's own terms (Terms: folded,
// French-stemmed) as a tsvector it writes itself, with positions and
// weights (title A, body B), and queries them the same way. PostgreSQL's
// parser and dictionaries never run: on a 50 KB sheet they cost tens of
// milliseconds per save, and both databases now cut words identically.
type postgresSearcher struct{ db *db.DB }

// Limits of PostgreSQL's tsvector: positions above 16383 are clamped and a
// lexeme keeps at most 256 of them; a lexeme is shorter than 2 KB, and
// lexemes and positions together hold under 1 MB (MAXSTRPOS), or the
// vector is refused ("string is too long for tsvector").
const (
	maxPosition          = 16383
	maxPositionsByLexeme = 256
	maxLexemeBytes       = 2046
	// maxVectorBytes is what a vector may use of PostgreSQL's 1,048,575
	// bytes, counted as it counts them (see lexemeCost), with a margin.
	maxVectorBytes = 1_000_000
)

// Index replaces a sheet's vector. Inside a transaction it runs in a
// savepoint: a failed write then leaves the caller's transaction usable
// (PostgreSQL aborts a transaction at its first error), and the caller
// decides whether the failure matters.
//
//	SAVEPOINT sp;
//	INSERT INTO search_docs (sheet_id, tsv) VALUES (?, ?::tsvector)
//	ON CONFLICT (sheet_id) DO UPDATE SET tsv = excluded.tsv;
//	ROLLBACK TO SAVEPOINT sp (on failure)
func (s *postgresSearcher) Index(ctx context.Context, sheetID int64, title, body string) error {
	vector, _ := tsvector(title, body, maxVectorBytes)
	write := func(conn *gorm.DB) error {
		return conn.Exec(`INSERT INTO search_docs (sheet_id, tsv) VALUES (?, ?::tsvector)
		ON CONFLICT (sheet_id) DO UPDATE SET tsv = excluded.tsv`, sheetID, vector).Error
	}
	conn := s.db.Conn(ctx)
	var err error
	if db.InTx(ctx) {
		err = conn.Transaction(write) // a nested transaction is a savepoint
	} else {
		err = write(conn)
	}
	return wrap(err, "index")
}

// lexemeCost is the room a lexeme of n bytes with positions takes in a
// tsvector's data, as PostgreSQL counts it: the lexeme, padded to an even
// length, then, if it has positions, their count and two bytes for each.
func lexemeCost(n, positions int) int {
	if positions == 0 {
		return n + n%2
	}
	return n + n%2 + 2 + 2*positions
}

// tsvector writes the vector of a document in PostgreSQL's input syntax:
// 'lexeme':1A,4B … with the title's words first, and says how many bytes
// of lexemes and positions it holds.
//
// The vector is bounded to budget (maxVectorBytes), so that every body the
// atlas accepts can be indexed. Being found comes first, then ranking:
// every distinct word goes in (title words first, then the body's in
// order); then each gets its first position, which carries its weight, in
// the same order; then the other positions, in order, while room remains.
// A huge body of distinct words thus keeps all its words, the last ones
// without positions (they rank as light body words); only a body whose
// words alone pass the budget (which takes words that fold into much
// longer ones) loses its last words.
func tsvector(title, body string, budget int) (string, int) {
	titleTerms, bodyTerms := Terms(title), Terms(body)
	terms := append(titleTerms, bodyTerms...)
	type lexeme struct {
		term      string
		first     int32 // position of its first occurrence
		positions []int32
	}
	byTerm := make(map[string]int, 256) // index in lexemes, -1 when left out
	lexemes := make([]lexeme, 0, 256)
	used := 0
	for i, t := range terms {
		if _, seen := byTerm[t]; seen {
			continue
		}
		if cost := lexemeCost(len(t), 0); len(t) > maxLexemeBytes || used+cost > budget {
			byTerm[t] = -1
		} else {
			used += cost
			byTerm[t] = len(lexemes)
			lexemes = append(lexemes, lexeme{term: t, first: int32(min(i+1, maxPosition))})
		}
	}
	for k := range lexemes {
		if used+lexemeCost(0, 1) > budget {
			break
		}
		used += lexemeCost(0, 1)
		lexemes[k].positions = []int32{lexemes[k].first}
	}
	for i, t := range terms {
		if used+2 > budget {
			break
		}
		k := byTerm[t]
		if k < 0 || lexemes[k].positions == nil {
			continue
		}
		p, pos := lexemes[k].positions, int32(min(i+1, maxPosition))
		// Positions come in order: the first one is already there, and a
		// clamped one repeats the last.
		if pos <= p[len(p)-1] || len(p) >= maxPositionsByLexeme {
			continue
		}
		lexemes[k].positions = append(p, pos)
		used += 2
	}
	sort.Slice(lexemes, func(i, j int) bool { return lexemes[i].term < lexemes[j].term }) // any order is valid; a sorted one is cheaper to read
	// Positions stop at maxPosition, and so does the title's last one.
	lastTitle := int32(min(len(titleTerms), maxPosition))
	b := make([]byte, 0, used+used/2)
	for _, l := range lexemes {
		b = append(b, quoteLexeme(l.term)...)
		for j, pos := range l.positions {
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
	return string(b), used
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
