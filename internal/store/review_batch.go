package store

import (
	"context"

	"atlas/internal/model"
)

// VotesOfReviews lists the votes of several reviews at once, each review's
// in the order they were first cast: a sheet's review list reads them in
// one query.
func (s *Store) VotesOfReviews(ctx context.Context, reviewIDs ...int64) ([]model.Vote, error) {
	var list []model.Vote
	if len(reviewIDs) == 0 {
		return list, nil
	}
	err := s.conn(ctx).Where("review_id IN ?", reviewIDs).Order("id").Find(&list).Error
	return list, translate(err, "votes of %d reviews", len(reviewIDs))
}
