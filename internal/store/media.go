package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"atlas/internal/model"
)

// Pictures live in three tables (migration 0017): media, one row per
// stored file by its SHA-256; media_variants, its smaller copies; and
// sheet_media, the pictures uploaded into a sheet with their description.
// Nothing here deletes a picture: a revision may show it for ever.

// Media is a stored picture, without its bytes.
type Media = model.Media

// MediaVariant is a smaller copy of a stored picture.
type MediaVariant struct {
	Width int
	Type  string
	Data  []byte
}

// SheetMedia is a picture uploaded into a sheet.
type SheetMedia = model.SheetMedia

// SaveMedia stores a picture and its copies unless a picture with the same
// SHA-256 is there already (same bytes, stored once), and says whether it
// was new.
//
//	INSERT INTO media (sha256, type, width, height, bytes, data, created_by, created_at)
//	VALUES ($1, …) ON CONFLICT (sha256) DO NOTHING
func (s *Store) SaveMedia(ctx context.Context, m Media, data []byte, variants []MediaVariant) (bool, error) {
	res := s.conn(ctx).Exec(`INSERT INTO media (sha256, type, width, height, bytes, data, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
		m.SHA256, m.Type, m.Width, m.Height, m.Bytes, data, m.CreatedBy, m.CreatedAt.UTC())
	if res.Error != nil {
		return false, translate(res.Error, "save media %s", m.SHA256)
	}
	if res.RowsAffected == 0 {
		return false, nil
	}
	for _, v := range variants {
		err := s.conn(ctx).Exec(`INSERT INTO media_variants (sha256, width, type, data) VALUES (?, ?, ?, ?)
			ON CONFLICT (sha256, width) DO NOTHING`, m.SHA256, v.Width, v.Type, v.Data).Error
		if err != nil {
			return false, translate(err, "save media variant %s %d", m.SHA256, v.Width)
		}
	}
	return true, nil
}

// LinkSheetMedia records a picture as uploaded into a sheet; uploading it
// again into the same sheet changes its description only.
//
//	INSERT INTO sheet_media (sheet_id, sha256, alt, uploaded_by, uploaded_at) VALUES ($1, …)
//	ON CONFLICT (sheet_id, sha256) DO UPDATE SET alt = excluded.alt
func (s *Store) LinkSheetMedia(ctx context.Context, sheetID int64, sha, alt string, by *int64, at time.Time) error {
	err := s.conn(ctx).Exec(`INSERT INTO sheet_media (sheet_id, sha256, alt, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (sheet_id, sha256) DO UPDATE SET alt = excluded.alt`, sheetID, sha, alt, by, at.UTC()).Error
	return translate(err, "link media %s to sheet %d", sha, sheetID)
}

// MediaByHash reads a stored picture's description.
func (s *Store) MediaByHash(ctx context.Context, sha string) (Media, error) {
	var rows []Media
	err := s.conn(ctx).Raw(`SELECT sha256, type, width, height, bytes, created_by, created_at FROM media WHERE sha256 = ?`, sha).Scan(&rows).Error
	if err != nil {
		return Media{}, translate(err, "media %s", sha)
	}
	if len(rows) == 0 {
		return Media{}, translate(gorm.ErrRecordNotFound, "media %s", sha)
	}
	return rows[0], nil
}

// MediaFile reads the bytes served for a picture at a width: the copy of
// that width, or the picture itself when width is 0 or no smaller copy of
// that width was made (the picture is narrower).
//
//	SELECT type, data FROM media_variants WHERE sha256 = $1 AND width = $2
//	SELECT type, data FROM media WHERE sha256 = $1
func (s *Store) MediaFile(ctx context.Context, sha string, width int) (string, []byte, error) {
	var rows []struct {
		Type string
		Data []byte
	}
	if width > 0 {
		err := s.conn(ctx).Raw(`SELECT type, data FROM media_variants WHERE sha256 = ? AND width = ?`, sha, width).Scan(&rows).Error
		if err != nil {
			return "", nil, translate(err, "media %s at %d px", sha, width)
		}
	}
	if len(rows) == 0 {
		err := s.conn(ctx).Raw(`SELECT type, data FROM media WHERE sha256 = ?`, sha).Scan(&rows).Error
		if err != nil {
			return "", nil, translate(err, "media %s", sha)
		}
	}
	if len(rows) == 0 {
		return "", nil, translate(gorm.ErrRecordNotFound, "media %s", sha)
	}
	return rows[0].Type, rows[0].Data, nil
}

// MediaOfSheet lists the pictures uploaded into a sheet, oldest first.
func (s *Store) MediaOfSheet(ctx context.Context, sheetID int64) ([]SheetMedia, error) {
	var rows []SheetMedia
	err := s.conn(ctx).Raw(`SELECT m.sha256, m.type, m.width, m.height, m.bytes, m.created_by, m.created_at,
			sm.alt, sm.uploaded_by, sm.uploaded_at
		FROM sheet_media sm JOIN media m ON m.sha256 = sm.sha256
		WHERE sm.sheet_id = ? ORDER BY sm.uploaded_at, sm.sha256`, sheetID).Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "media of sheet %d", sheetID)
	}
	return rows, nil
}

// UploadsSince counts the pictures an account uploaded since a moment and
// the bytes they weigh, for the daily limit.
//
//	SELECT count(*), coalesce(sum(m.bytes), 0) FROM sheet_media sm JOIN media m ON m.sha256 = sm.sha256
//	WHERE sm.uploaded_by = $1 AND sm.uploaded_at >= $2
func (s *Store) UploadsSince(ctx context.Context, userID int64, since time.Time) (int, int64, error) {
	var row struct {
		N     int
		Total int64
	}
	err := s.conn(ctx).Raw(`SELECT count(*) AS n, coalesce(sum(m.bytes), 0) AS total
		FROM sheet_media sm JOIN media m ON m.sha256 = sm.sha256
		WHERE sm.uploaded_by = ? AND sm.uploaded_at >= ?`, userID, since.UTC()).Scan(&row).Error
	if err != nil {
		return 0, 0, translate(err, "uploads of user %d", userID)
	}
	return row.N, row.Total, nil
}

// Archives carry the three tables whole, pictures' bytes included, and a
// restore writes them back as they were.

// MediaRow is a stored picture with its bytes.
type MediaRow struct {
	SHA256    string    `json:"sha256" gorm:"column:sha256"`
	Type      string    `json:"type"`
	Width     int       `json:"width"`
	Height    int       `json:"height"`
	Bytes     int64     `json:"bytes"`
	Data      []byte    `json:"data"`
	CreatedBy *int64    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// MediaVariantRow is a smaller copy of a picture.
type MediaVariantRow struct {
	SHA256 string `json:"sha256" gorm:"column:sha256"`
	Width  int    `json:"width"`
	Type   string `json:"type"`
	Data   []byte `json:"data"`
}

// SheetMediaRow is a picture's link to a sheet.
type SheetMediaRow struct {
	SheetID    int64     `json:"sheet_id"`
	SHA256     string    `json:"sha256" gorm:"column:sha256"`
	Alt        string    `json:"alt"`
	UploadedBy *int64    `json:"uploaded_by"`
	UploadedAt time.Time `json:"uploaded_at"`
}

// EachMediaRow hands fn the stored pictures one at a time, by hash: each
// may weigh megabytes, so no more than one is held.
//
//	SELECT … FROM media WHERE sha256 > $1 ORDER BY sha256 LIMIT 1
func (s *Store) EachMediaRow(ctx context.Context, fn func([]MediaRow) error) error {
	after := ""
	for {
		var rows []MediaRow
		err := s.conn(ctx).Raw(`SELECT sha256, type, width, height, bytes, data, created_by, created_at
			FROM media WHERE sha256 > ? ORDER BY sha256 LIMIT 1`, after).Scan(&rows).Error
		if err != nil {
			return translate(err, "media after %q", after)
		}
		if len(rows) == 0 {
			return nil
		}
		rows[0].CreatedAt = rows[0].CreatedAt.UTC()
		if err := fn(rows); err != nil {
			return err
		}
		after = rows[0].SHA256
	}
}

// EachMediaVariantRow hands fn the smaller copies one at a time.
//
//	SELECT … FROM media_variants WHERE (sha256, width) > ($1, $2) ORDER BY sha256, width LIMIT 1
func (s *Store) EachMediaVariantRow(ctx context.Context, fn func([]MediaVariantRow) error) error {
	after, width := "", 0
	for {
		var rows []MediaVariantRow
		err := s.conn(ctx).Raw(`SELECT sha256, width, type, data FROM media_variants
			WHERE sha256 > ? OR (sha256 = ? AND width > ?) ORDER BY sha256, width LIMIT 1`, after, after, width).Scan(&rows).Error
		if err != nil {
			return translate(err, "media variants after %q", after)
		}
		if len(rows) == 0 {
			return nil
		}
		if err := fn(rows); err != nil {
			return err
		}
		after, width = rows[0].SHA256, rows[0].Width
	}
}

// sheetMediaBatch is how many links EachSheetMediaRow reads at a time.
const sheetMediaBatch = 500

// EachSheetMediaRow hands fn the links of pictures to sheets, in batches.
func (s *Store) EachSheetMediaRow(ctx context.Context, fn func([]SheetMediaRow) error) error {
	var afterSheet int64
	after := ""
	for {
		var rows []SheetMediaRow
		err := s.conn(ctx).Raw(`SELECT sheet_id, sha256, alt, uploaded_by, uploaded_at FROM sheet_media
			WHERE sheet_id > ? OR (sheet_id = ? AND sha256 > ?) ORDER BY sheet_id, sha256 LIMIT ?`,
			afterSheet, afterSheet, after, sheetMediaBatch).Scan(&rows).Error
		if err != nil {
			return translate(err, "sheet media")
		}
		if len(rows) == 0 {
			return nil
		}
		for i := range rows {
			rows[i].UploadedAt = rows[i].UploadedAt.UTC()
		}
		if err := fn(rows); err != nil {
			return err
		}
		last := rows[len(rows)-1]
		afterSheet, after = last.SheetID, last.SHA256
	}
}

// InsertMediaRows writes pictures back as an archive holds them.
func (s *Store) InsertMediaRows(ctx context.Context, rows []MediaRow) error {
	for _, r := range rows {
		err := s.conn(ctx).Exec(`INSERT INTO media (sha256, type, width, height, bytes, data, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, r.SHA256, r.Type, r.Width, r.Height, r.Bytes, r.Data, r.CreatedBy, r.CreatedAt.UTC()).Error
		if err != nil {
			return translate(err, "insert media %s", r.SHA256)
		}
	}
	return nil
}

// InsertMediaVariantRows writes smaller copies back.
func (s *Store) InsertMediaVariantRows(ctx context.Context, rows []MediaVariantRow) error {
	for _, r := range rows {
		err := s.conn(ctx).Exec(`INSERT INTO media_variants (sha256, width, type, data) VALUES (?, ?, ?, ?)`,
			r.SHA256, r.Width, r.Type, r.Data).Error
		if err != nil {
			return translate(err, "insert media variant %s %d", r.SHA256, r.Width)
		}
	}
	return nil
}

// InsertSheetMediaRows writes links back.
func (s *Store) InsertSheetMediaRows(ctx context.Context, rows []SheetMediaRow) error {
	for _, r := range rows {
		err := s.conn(ctx).Exec(`INSERT INTO sheet_media (sheet_id, sha256, alt, uploaded_by, uploaded_at) VALUES (?, ?, ?, ?, ?)`,
			r.SheetID, r.SHA256, r.Alt, r.UploadedBy, r.UploadedAt.UTC()).Error
		if err != nil {
			return translate(err, "insert sheet media %d %s", r.SheetID, r.SHA256)
		}
	}
	return nil
}

// MediaSizes reads the width and height of the stored pictures among
// shas, in one query; unknown ones are absent.
//
//	SELECT sha256, width, height FROM media WHERE sha256 IN (…)
func (s *Store) MediaSizes(ctx context.Context, shas []string) (map[string][2]int, error) {
	var rows []struct {
		SHA256        string `gorm:"column:sha256"`
		Width, Height int
	}
	err := s.conn(ctx).Raw(`SELECT sha256, width, height FROM media WHERE sha256 IN ?`, shas).Scan(&rows).Error
	if err != nil {
		return nil, translate(err, "media sizes")
	}
	out := make(map[string][2]int, len(rows))
	for _, r := range rows {
		out[r.SHA256] = [2]int{r.Width, r.Height}
	}
	return out, nil
}
