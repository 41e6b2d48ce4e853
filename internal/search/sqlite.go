package search

import (
	"context"
	"strings"

	"atlas/internal/db"
)

// sqliteSearcher stores stemmed words in an FTS5 table whose rowid is the
// sheet id.
type sqliteSearcher struct{ db *db.DB }

func (s *sqliteSearcher) Index(ctx context.Context, sheetID int64, title, body string) error {
	return wrap(s.db.WithTx(ctx, func(ctx context.Context) error {
		conn := s.db.Conn(ctx)
		if err := conn.Exec(`DELETE FROM search_fts WHERE rowid = ?`, sheetID).Error; err != nil {
			return err
		}
		return conn.Exec(`INSERT INTO search_fts (rowid, title, body) VALUES (?, ?, ?)`,
			sheetID, strings.Join(Terms(title), " "), strings.Join(Terms(body), " ")).Error
	}), "index")
}

// Search matches every stemmed term, as PostgreSQL's plain words do, and
// ranks with bm25, the title weighing ten times the body.
//
//	SELECT rowid, -bm25(search_fts, 10.0, 1.0) FROM search_fts
//	WHERE search_fts MATCH '"jardin" "partag"' ORDER BY bm25(…) LIMIT ?
func (s *sqliteSearcher) Search(ctx context.Context, query string, limit int) ([]Hit, error) {
	terms := queryTerms(query)
	if len(terms) == 0 {
		return nil, nil
	}
	// Terms hold only letters and digits, so quoting makes each a literal.
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = `"` + t + `"`
	}
	var hits []Hit
	err := s.db.Conn(ctx).Raw(`SELECT rowid AS sheet_id, -bm25(search_fts, 10.0, 1.0) AS score
		FROM search_fts WHERE search_fts MATCH ? ORDER BY bm25(search_fts, 10.0, 1.0), rowid LIMIT ?`,
		strings.Join(parts, " "), limitOf(limit)).Scan(&hits).Error
	return hits, wrap(err, "query")
}
