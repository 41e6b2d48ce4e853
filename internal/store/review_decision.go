package store

import (
	"context"

	"atlas/internal/db"
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

// FillDecisionTallies copies the tally of decisions taken before reviews
// kept it (migration 0011) from the audit log's entry of each decision:
// an archive written by an older atlas restores with it.
func (s *Store) FillDecisionTallies(ctx context.Context) error {
	q := `UPDATE reviews SET
    decided_approvals = (SELECT CAST(json_extract(a.details, '$.approve') AS INTEGER) FROM audit_log a
        WHERE a.review_id = reviews.id AND a.action IN ('validate', 'reject') ORDER BY a.id DESC LIMIT 1),
    decided_seats = (SELECT CAST(json_extract(a.details, '$.seats') AS INTEGER) FROM audit_log a
        WHERE a.review_id = reviews.id AND a.action IN ('validate', 'reject') ORDER BY a.id DESC LIMIT 1)
WHERE state IN ('validated', 'rejected') AND decided_approvals IS NULL`
	if s.db.Dialect == db.Postgres {
		q = `UPDATE reviews r SET decided_approvals = (d.details->>'approve')::integer, decided_seats = (d.details->>'seats')::integer
FROM (SELECT DISTINCT ON (review_id) review_id, details FROM audit_log
      WHERE action IN ('validate', 'reject') AND review_id IS NOT NULL ORDER BY review_id, id DESC) d
WHERE d.review_id = r.id AND r.state IN ('validated', 'rejected') AND r.decided_approvals IS NULL`
	}
	return translate(s.conn(ctx).Exec(q).Error, "fill decision tallies")
}
