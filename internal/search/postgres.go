package search

import (
	"context"

	"gorm.io/gorm/clause"

	"atlas/internal/db"
)

// postgresSearcher keeps the original text; the generated tsvector column
// stems and unaccents it (weights: title A, body B).
type postgresSearcher struct{ db *db.DB }

type searchDoc struct {
	SheetID int64
	Title   string
	Body    string
}

func (searchDoc) TableName() string { return "search_docs" }

func (s *postgresSearcher) Index(ctx context.Context, sheetID int64, title, body string) error {
	doc := searchDoc{SheetID: sheetID, Title: title, Body: body}
	err := s.db.Conn(ctx).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "sheet_id"}}, DoUpdates: clause.AssignmentColumns([]string{"title", "body"}),
	}).Create(&doc).Error
	return wrap(err, "index")
}

// Search parses the query the way web search boxes do (quotes, or, -word)
// with websearch_to_tsquery and ranks with ts_rank.
//
//	SELECT sheet_id, ts_rank(tsv, q) FROM search_docs, websearch_to_tsquery('atlas_fr', $1) q
//	WHERE tsv @@ q ORDER BY 2 DESC, sheet_id LIMIT $2
func (s *postgresSearcher) Search(ctx context.Context, query string, limit int) ([]Hit, error) {
	if len(Terms(query)) == 0 {
		return nil, nil
	}
	var hits []Hit
	err := s.db.Conn(ctx).Raw(`SELECT sheet_id, ts_rank(tsv, q) AS score
		FROM search_docs, websearch_to_tsquery('atlas_fr', ?) q
		WHERE tsv @@ q ORDER BY score DESC, sheet_id LIMIT ?`, query, limitOf(limit)).Scan(&hits).Error
	return hits, wrap(err, "query")
}
