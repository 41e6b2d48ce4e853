package store

import (
	"context"
	"strings"

	"gorm.io/gorm/clause"

	"atlas/internal/model"
)

// Match is a person or a sheet found by part of its name: Key is what
// names it in a query (a username, a slug), Label what people read.
type Match = model.Match

// PeopleMatching finds accounts whose username or display name contains
// q, case-insensitively (ASCII on SQLite), exact matches first, at most
// limit. LOWER on both sides is portable; wildcards in q are dropped.
//
//	SELECT username, display_name FROM users WHERE LOWER(username) LIKE ? OR LOWER(display_name) LIKE ?
//	ORDER BY CASE WHEN LOWER(username) = ? OR LOWER(display_name) = ? THEN 0 ELSE 1 END, username LIMIT ?
func (s *Store) PeopleMatching(ctx context.Context, q string, limit int) ([]Match, error) {
	q = strings.ToLower(likeEscape(strings.TrimSpace(q)))
	if q == "" {
		return nil, nil
	}
	var users []model.User
	err := s.conn(ctx).Model(&model.User{}).Select("username", "display_name").
		Where("LOWER(username) LIKE ? OR LOWER(display_name) LIKE ?", "%"+q+"%", "%"+q+"%").
		Order(clauseExactFirst("LOWER(username) = ? OR LOWER(display_name) = ?", q, q)).Order("username").
		Limit(limit).Find(&users).Error
	if err != nil {
		return nil, translate(err, "people matching")
	}
	out := make([]Match, len(users))
	for i := range users {
		out[i] = Match{Key: users[i].Username, Label: users[i].Name()}
	}
	return out, nil
}

// SheetsMatching finds sheets whose title or slug contains q, exact
// matches first, at most limit.
//
//	SELECT slug, title FROM sheets WHERE LOWER(title) LIKE ? OR slug LIKE ?
//	ORDER BY CASE WHEN LOWER(title) = ? OR slug = ? THEN 0 ELSE 1 END, title LIMIT ?
func (s *Store) SheetsMatching(ctx context.Context, q string, limit int) ([]Match, error) {
	q = strings.ToLower(likeEscape(strings.TrimSpace(q)))
	if q == "" {
		return nil, nil
	}
	var sheets []model.Sheet
	err := s.conn(ctx).Model(&model.Sheet{}).Select("slug", "title").
		Where("LOWER(title) LIKE ? OR slug LIKE ?", "%"+q+"%", "%"+q+"%").
		Order(clauseExactFirst("LOWER(title) = ? OR slug = ?", q, q)).Order("title").
		Limit(limit).Find(&sheets).Error
	if err != nil {
		return nil, translate(err, "sheets matching")
	}
	out := make([]Match, len(sheets))
	for i := range sheets {
		out[i] = Match{Key: sheets[i].Slug, Label: sheets[i].Title}
	}
	return out, nil
}

// clauseExactFirst orders the rows where cond holds first.
func clauseExactFirst(cond string, vars ...any) clause.OrderBy {
	return clause.OrderBy{Expression: clause.Expr{SQL: "CASE WHEN " + cond + " THEN 0 ELSE 1 END", Vars: vars, WithoutParentheses: true}}
}
