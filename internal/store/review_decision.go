package store

import (
	"context"

	"atlas/internal/model"
)

// PublishingReview returns the review that validated a sheet's revision
// (the newest, if several did), or ErrNotFound.
//
//	SELECT … FROM reviews WHERE sheet_id = ? AND state = 'validated' AND revision_number = ? ORDER BY id DESC LIMIT 1
func (s *Store) PublishingReview(ctx context.Context, sheetID int64, number int) (*model.Review, error) {
	var r model.Review
	err := s.conn(ctx).Where("sheet_id = ? AND state = 'validated' AND revision_number = ?", sheetID, number).
		Order("id DESC").Take(&r).Error
	return &r, translate(err, "review publishing revision %d of sheet %d", number, sheetID)
}
