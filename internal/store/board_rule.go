package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"

	"atlas/internal/model"
)

// BoardRuleOf returns the rule a sheet's board decides by, or ErrNotFound
// when no admin chose one (the board then decides by a majority of seats).
func (s *Store) BoardRuleOf(ctx context.Context, sheetID int64) (*model.BoardRule, error) {
	var r model.BoardRule
	err := s.conn(ctx).Where("sheet_id = ?", sheetID).Take(&r).Error
	return &r, translate(err, "board rule of sheet %d", sheetID)
}

// SaveBoardRule sets a sheet's board rule, replacing the one it had.
//
//	INSERT INTO board_rules (…) VALUES (…) ON CONFLICT (sheet_id) DO UPDATE SET …
func (s *Store) SaveBoardRule(ctx context.Context, r *model.BoardRule) error {
	err := s.conn(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "sheet_id"}}, UpdateAll: true}).Create(r).Error
	return translate(err, "save board rule of sheet %d", r.SheetID)
}

// DueReviews lists the open reviews whose deadline has passed, oldest
// deadline first, at most limit of them.
//
//	SELECT id FROM reviews WHERE state = 'submitted' AND deadline_at <= :now ORDER BY deadline_at, id LIMIT :limit
func (s *Store) DueReviews(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	var ids []int64
	err := s.conn(ctx).Model(&model.Review{}).Where("state = 'submitted' AND deadline_at <= ?", now).
		Order("deadline_at, id").Limit(limit).Pluck("id", &ids).Error
	return ids, translate(err, "reviews past their deadline")
}
