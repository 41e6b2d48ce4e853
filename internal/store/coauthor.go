package store

import (
	"context"
	"slices"

	"atlas/internal/model"
)

// AddCoauthors credits a revision written together to its writers (the
// author among them), inside the save's transaction.
func (s *Store) AddCoauthors(ctx context.Context, revisionID int64, users []int64) error {
	users = slices.Clone(users)
	slices.Sort(users)
	for _, u := range slices.Compact(users) {
		if err := s.conn(ctx).Exec(`INSERT INTO revision_coauthors (revision_id, user_id) VALUES (?, ?)`, revisionID, u).Error; err != nil {
			return translate(err, "add coauthor of revision %d", revisionID)
		}
	}
	return nil
}

// Coauthors returns the co-authors of each of the given revisions (by
// revision id), by username; a revision of one writer has none. Only
// Username and DisplayName are read.
func (s *Store) Coauthors(ctx context.Context, revisionIDs []int64) (map[int64][]model.User, error) {
	out := map[int64][]model.User{}
	if len(revisionIDs) == 0 {
		return out, nil
	}
	rows, err := s.conn(ctx).Raw(`SELECT c.revision_id, u.username, u.display_name FROM revision_coauthors c JOIN users u ON u.id = c.user_id
		WHERE c.revision_id IN ? ORDER BY c.revision_id, u.username`, revisionIDs).Rows()
	if err != nil {
		return nil, translate(err, "coauthors")
	}
	defer func() { _ = rows.Close() }()
	for rows.Next() {
		var id int64
		var u model.User
		if err := rows.Scan(&id, &u.Username, &u.DisplayName); err != nil {
			return nil, err
		}
		out[id] = append(out[id], u)
	}
	return out, rows.Err()
}
