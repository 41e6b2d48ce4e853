package store

import (
	"context"
	"time"

	"atlas/internal/model"
)

// DecisionsOf lists the reviews of a sheet its board decided (validated or
// rejected) from from up to before to, in the order they were decided, at
// most limit of them: the minutes of a period.
//
//	SELECT … FROM reviews WHERE sheet_id = ? AND state IN ('validated', 'rejected')
//	  AND decided_at >= ? AND decided_at < ? ORDER BY decided_at, id LIMIT ?
func (s *Store) DecisionsOf(ctx context.Context, sheetID int64, from, to time.Time, limit int) ([]model.Review, error) {
	return s.closedOf(ctx, sheetID, []string{"validated", "rejected"}, from, to, limit)
}

// ClosedWithoutDecisionOf lists the reviews of a sheet that closed with no
// decision of its board (withdrawn by their submitter or an admin, or
// expired past their deadline) from from up to before to, in the order
// they closed, at most limit of them: what minutes list apart.
func (s *Store) ClosedWithoutDecisionOf(ctx context.Context, sheetID int64, from, to time.Time, limit int) ([]model.Review, error) {
	return s.closedOf(ctx, sheetID, []string{"withdrawn", "expired"}, from, to, limit)
}

func (s *Store) closedOf(ctx context.Context, sheetID int64, states []string, from, to time.Time, limit int) ([]model.Review, error) {
	var list []model.Review
	err := s.conn(ctx).Where("sheet_id = ? AND state IN ? AND decided_at >= ? AND decided_at < ?", sheetID, states, from, to).
		Order("decided_at, id").Limit(limit).Find(&list).Error
	return list, translate(err, "closed reviews of sheet %d", sheetID)
}

// OpenReviewsOf lists what awaits a sheet's board, oldest first: its open
// reviews (one at most today, as the database allows).
func (s *Store) OpenReviewsOf(ctx context.Context, sheetID int64) ([]model.Review, error) {
	var list []model.Review
	err := s.conn(ctx).Where("sheet_id = ? AND state = 'submitted'", sheetID).Order("submitted_at, id").Find(&list).Error
	return list, translate(err, "open reviews of sheet %d", sheetID)
}
