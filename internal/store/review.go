package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"atlas/internal/db"
	"atlas/internal/model"
)

// CreateReview opens a review. A second open review of the same sheet
// violates the database's partial unique index: ErrConflict.
func (s *Store) CreateReview(ctx context.Context, r *model.Review) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		if err := s.conn(ctx).Create(r).Error; err != nil {
			return translate(err, "create review of sheet %d", r.SheetID)
		}
		return s.TouchSheet(ctx, r.SheetID)
	})
}

// ReviewByID loads a review.
func (s *Store) ReviewByID(ctx context.Context, id int64) (*model.Review, error) {
	var r model.Review
	err := s.conn(ctx).Where("id = ?", id).Take(&r).Error
	return &r, translate(err, "review %d", id)
}

// LockReview loads a review inside the caller's transaction and keeps other
// writers of it out until the transaction ends, so concurrent votes are
// counted one after the other and exactly one of them decides.
//
//	PostgreSQL: SELECT … FROM reviews WHERE id = $1 FOR UPDATE
//	SQLite:     SELECT … FROM reviews WHERE id = ?  (BEGIN IMMEDIATE holds the write lock)
func (s *Store) LockReview(ctx context.Context, id int64) (*model.Review, error) {
	q := s.conn(ctx).Where("id = ?", id)
	if s.db.Dialect == db.Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var r model.Review
	err := q.Take(&r).Error
	return &r, translate(err, "lock review %d", id)
}

// OpenReviewOf returns the sheet's open review, or ErrNotFound.
func (s *Store) OpenReviewOf(ctx context.Context, sheetID int64) (*model.Review, error) {
	var r model.Review
	err := s.conn(ctx).Where("sheet_id = ? AND state = 'submitted'", sheetID).Take(&r).Error
	return &r, translate(err, "open review of sheet %d", sheetID)
}

// ReviewsOf lists a sheet's reviews, newest first.
func (s *Store) ReviewsOf(ctx context.Context, sheetID int64) ([]model.Review, error) {
	var list []model.Review
	err := s.conn(ctx).Where("sheet_id = ?", sheetID).Order("id DESC").Find(&list).Error
	return list, translate(err, "reviews of sheet %d", sheetID)
}

// MoveReview points an open review at a new revision; the guard on the old
// number and the state makes a concurrent move or decision fail instead of
// being overwritten.
//
//	UPDATE reviews SET revision_number = :to WHERE id = :id AND state = 'submitted' AND revision_number = :from
func (s *Store) MoveReview(ctx context.Context, id int64, from, to int) error {
	res := s.conn(ctx).Model(&model.Review{}).
		Where("id = ? AND state = 'submitted' AND revision_number = ?", id, from).
		Update("revision_number", to)
	if res.Error != nil {
		return translate(res.Error, "move review %d", id)
	}
	if res.RowsAffected == 0 {
		return translate(ErrConflict, "move review %d from revision %d", id, from)
	}
	return nil
}

// CloseReview moves an open review to a final state without a vote
// deciding it (a withdrawal), freezing the board it had. Only one caller
// can close it: the others match no row and get ErrConflict.
//
//	UPDATE reviews SET state = :state, decided_at = :now, board_at_close = :board WHERE id = :id AND state = 'submitted'
func (s *Store) CloseReview(ctx context.Context, id int64, state string, now time.Time, board model.BoardSnapshot) error {
	return s.closeReview(ctx, id, map[string]any{"state": state, "decided_at": now, "board_at_close": board})
}

// DecideReview closes an open review as its board's vote decided, keeping
// the tally (approvals of seats) and the board that voted on the review, so
// that a later change of the board never rewrites the decision; see
// CloseReview.
func (s *Store) DecideReview(ctx context.Context, id int64, state string, now time.Time, approvals int, board model.BoardSnapshot) error {
	return s.closeReview(ctx, id, map[string]any{"state": state, "decided_at": now,
		"decided_approvals": approvals, "decided_seats": board.Seats, "board_at_close": board})
}

func (s *Store) closeReview(ctx context.Context, id int64, fields map[string]any) error {
	res := s.conn(ctx).Model(&model.Review{}).Where("id = ? AND state = 'submitted'", id).Updates(fields)
	if res.Error != nil {
		return translate(res.Error, "close review %d", id)
	}
	if res.RowsAffected == 0 {
		return translate(ErrConflict, "close review %d", id)
	}
	// The sheet page shows the open review: it changes with it.
	err := s.conn(ctx).Model(&model.Sheet{}).Where("id = (SELECT sheet_id FROM reviews WHERE id = ?)", id).
		Update("cache_version", gorm.Expr("cache_version + 1")).Error
	return translate(err, "touch sheet of review %d", id)
}

// Publish makes a revision the version readers see.
func (s *Store) Publish(ctx context.Context, sheetID int64, number int) error {
	res := s.conn(ctx).Model(&model.Sheet{}).Where("id = ? AND head_number >= ?", sheetID, number).
		Updates(map[string]any{"published_number": number, "cache_version": gorm.Expr("cache_version + 1")})
	return rowsOrNotFound(res.Error, res.RowsAffected, "publish revision %d of sheet %d", number, sheetID)
}

// SaveVote records a voter's choice on a revision, replacing their earlier
// choice on that same revision. Callers hold the review's lock.
func (s *Store) SaveVote(ctx context.Context, v *model.Vote) error {
	var existing model.Vote
	err := s.conn(ctx).Where("review_id = ? AND voter_id = ? AND revision_number = ?", v.ReviewID, v.VoterID, v.RevisionNumber).Take(&existing).Error
	if err == nil {
		v.ID, v.CreatedAt = existing.ID, existing.CreatedAt
		err = s.conn(ctx).Model(&existing).Updates(map[string]any{"choice": v.Choice, "comment": v.Comment, "updated_at": v.UpdatedAt}).Error
		return translate(err, "update vote %d", v.ID)
	}
	if !isNotFound(err) {
		return translate(err, "find vote")
	}
	return translate(s.conn(ctx).Create(v).Error, "create vote")
}

// VotesOf lists a review's votes in the order they were first cast.
func (s *Store) VotesOf(ctx context.Context, reviewID int64) ([]model.Vote, error) {
	var list []model.Vote
	err := s.conn(ctx).Where("review_id = ?", reviewID).Order("id").Find(&list).Error
	return list, translate(err, "votes of review %d", reviewID)
}

// CreateAmendment records an amendment of a review.
func (s *Store) CreateAmendment(ctx context.Context, a *model.ReviewAmendment) error {
	return translate(s.conn(ctx).Create(a).Error, "create amendment of review %d", a.ReviewID)
}

// AmendmentsOf lists a review's amendments in order; reviewIDs may hold
// several reviews (a sheet's whole history of reviews).
func (s *Store) AmendmentsOf(ctx context.Context, reviewIDs ...int64) ([]model.ReviewAmendment, error) {
	var list []model.ReviewAmendment
	if len(reviewIDs) == 0 {
		return list, nil
	}
	err := s.conn(ctx).Where("review_id IN ?", reviewIDs).Order("id").Find(&list).Error
	return list, translate(err, "amendments")
}
