package store

import (
	"context"
	"time"

	"atlas/internal/model"
)

// BoardOf returns the accounts seated on a sheet's board, by username.
func (s *Store) BoardOf(ctx context.Context, sheetID int64) ([]model.User, error) {
	var users []model.User
	err := s.conn(ctx).Joins("JOIN board_members b ON b.user_id = users.id").
		Where("b.sheet_id = ?", sheetID).Order("users.username").Find(&users).Error
	return users, translate(err, "board of sheet %d", sheetID)
}

// BoardIDs returns the ids of a sheet's board members.
func (s *Store) BoardIDs(ctx context.Context, sheetID int64) ([]int64, error) {
	var ids []int64
	err := s.conn(ctx).Model(&model.BoardMember{}).Where("sheet_id = ?", sheetID).Order("user_id").Pluck("user_id", &ids).Error
	return ids, translate(err, "board ids of sheet %d", sheetID)
}

// IsBoardMember reports whether an account sits on a sheet's board now.
func (s *Store) IsBoardMember(ctx context.Context, sheetID, userID int64) (bool, error) {
	var n int64
	err := s.conn(ctx).Model(&model.BoardMember{}).Where("sheet_id = ? AND user_id = ?", sheetID, userID).Count(&n).Error
	return n > 0, translate(err, "board membership")
}

// ReplaceBoard seats exactly the given accounts on a sheet's board.
func (s *Store) ReplaceBoard(ctx context.Context, sheetID int64, userIDs []int64, by int64, now time.Time) error {
	return s.WithTx(ctx, func(ctx context.Context) error {
		if err := s.conn(ctx).Where("sheet_id = ?", sheetID).Delete(&model.BoardMember{}).Error; err != nil {
			return translate(err, "clear board of sheet %d", sheetID)
		}
		for _, id := range userIDs {
			m := model.BoardMember{SheetID: sheetID, UserID: id, AddedBy: by, CreatedAt: now}
			if err := s.conn(ctx).Create(&m).Error; err != nil {
				return translate(err, "seat user %d on board of sheet %d", id, sheetID)
			}
		}
		return s.TouchSheet(ctx, sheetID)
	})
}

// UsersByUsernames loads accounts by login name; unknown names are absent.
func (s *Store) UsersByUsernames(ctx context.Context, names []string) ([]model.User, error) {
	var users []model.User
	if len(names) == 0 {
		return users, nil
	}
	err := s.conn(ctx).Where("username IN ?", names).Find(&users).Error
	return users, translate(err, "users by usernames")
}
