package store

import (
	"context"
	"time"

	"atlas/internal/model"
)

// RevisionStamp is who wrote a revision and when, without its content.
type RevisionStamp struct {
	ID        int64
	Number    int
	AuthorID  int64
	CreatedAt time.Time
}

// RevisionStamps reads who wrote some revisions of a sheet and when, in
// one query and without rebuilding their bodies; absent numbers are
// absent from the map.
//
//	SELECT id, number, author_id, created_at FROM revisions WHERE sheet_id = ? AND number IN (…)
func (s *Store) RevisionStamps(ctx context.Context, sheetID int64, numbers ...int) (map[int]RevisionStamp, error) {
	out := make(map[int]RevisionStamp, len(numbers))
	if len(numbers) == 0 {
		return out, nil
	}
	var rows []RevisionStamp
	err := s.conn(ctx).Model(&model.Revision{}).Select("id, number, author_id, created_at").
		Where("sheet_id = ? AND number IN ?", sheetID, numbers).Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "stamps of revisions of sheet %d", sheetID)
	}
	for _, r := range rows {
		out[r.Number] = r
	}
	return out, nil
}
