package store

import (
	"context"
	"time"

	"atlas/internal/model"
)

// ImportedRevision is what identifies a revision brought from elsewhere:
// its date and the SHA-256 of its body.
type ImportedRevision struct {
	SheetID   int64
	Number    int
	SHA256    string `gorm:"column:sha256"`
	CreatedAt time.Time
}

// ImportedRevisionsNear lists the revisions of origin import whose body
// has the SHA-256 sum and which are dated within a second and a half of
// at, found on the created_at index. Callers compare the dates exactly
// themselves: SQLite compares them as text, exact only to the second.
//
//	SELECT sheet_id, number, sha256, created_at FROM revisions
//	WHERE created_at >= ? AND created_at <= ? AND origin = 'import' AND sha256 = ?
func (s *Store) ImportedRevisionsNear(ctx context.Context, at time.Time, sum string) ([]ImportedRevision, error) {
	var list []ImportedRevision
	err := s.conn(ctx).Model(&model.Revision{}).Select("sheet_id", "number", "sha256", "created_at").
		Where("created_at >= ? AND created_at <= ? AND origin = ? AND sha256 = ?",
			at.Add(-1500*time.Millisecond).UTC(), at.Add(1500*time.Millisecond).UTC(), model.OriginImport, sum).
		Order("sheet_id, number").Scan(&list).Error
	return list, translate(err, "imported revisions near %s", at)
}
