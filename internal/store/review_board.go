package store

import (
	"context"

	"atlas/internal/db"
)

// FillReviewBoards gives every closed review that lacks one the board it
// closed with, rebuilt from the audit log as the migration
// review_board_frozen does for the reviews it found (its header says how,
// and when a snapshot is marked partial): an archive written before
// reviews kept their board restores with it. The statements are that
// migration's, after its new columns.
func (s *Store) FillReviewBoards(ctx context.Context) error {
	q := fillReviewBoardsSQLite
	if s.db.Dialect == db.Postgres {
		q = fillReviewBoardsPostgres
	}
	return translate(s.conn(ctx).Exec(q).Error, "fill review boards")
}

const fillReviewBoardsSQLite = `CREATE TEMP TABLE frozen_boards (
    review_id     INTEGER PRIMARY KEY,
    sheet_id      INTEGER NOT NULL,
    revision      INTEGER NOT NULL,
    seats         INTEGER,
    closing_entry INTEGER,
    board_entry   INTEGER,
    members       TEXT,
    partial       INTEGER NOT NULL DEFAULT 0
);
INSERT INTO frozen_boards (review_id, sheet_id, revision, seats)
SELECT id, sheet_id, revision_number, decided_seats FROM reviews
WHERE state <> 'submitted' AND board_at_close IS NULL;
UPDATE frozen_boards SET closing_entry = (SELECT MAX(a.id) FROM audit_log a
    WHERE a.review_id = frozen_boards.review_id AND a.action IN ('validate', 'reject', 'withdraw'));
UPDATE frozen_boards SET board_entry = (SELECT MAX(a.id) FROM audit_log a
    WHERE a.sheet_id = frozen_boards.sheet_id AND a.action = 'board_change' AND a.id < frozen_boards.closing_entry);
UPDATE frozen_boards SET members = (SELECT json_group_array(id) FROM (
        SELECT DISTINCT u.id FROM audit_log a, json_each(a.details, '$.members') m
        JOIN users u ON u.username = m.value
        WHERE a.id = frozen_boards.board_entry ORDER BY u.id))
WHERE board_entry IS NOT NULL;
UPDATE frozen_boards SET members = (SELECT json_group_array(user_id) FROM (
        SELECT b.user_id FROM board_members b WHERE b.sheet_id = frozen_boards.sheet_id ORDER BY b.user_id))
WHERE members IS NULL AND NOT EXISTS (SELECT 1 FROM audit_log a
    WHERE a.sheet_id = frozen_boards.sheet_id AND a.action = 'board_change'
      AND (frozen_boards.closing_entry IS NULL OR a.id > frozen_boards.closing_entry));
UPDATE frozen_boards SET partial = 1, members = (SELECT json_group_array(voter_id) FROM (
        SELECT DISTINCT v.voter_id FROM votes v
        WHERE v.review_id = frozen_boards.review_id AND v.revision_number = frozen_boards.revision ORDER BY v.voter_id))
WHERE members IS NULL;
UPDATE frozen_boards SET seats = json_array_length(members) WHERE seats IS NULL;
UPDATE frozen_boards SET partial = 1 WHERE seats <> json_array_length(members);
UPDATE reviews SET board_at_close = (SELECT json_object('members', json(f.members), 'seats', f.seats,
        'needed', f.seats / 2 + 1, 'partial', json(CASE WHEN f.partial = 1 THEN 'true' ELSE 'false' END))
    FROM frozen_boards f WHERE f.review_id = reviews.id)
WHERE id IN (SELECT review_id FROM frozen_boards);
DROP TABLE frozen_boards;
`

const fillReviewBoardsPostgres = `CREATE TEMP TABLE frozen_boards (
    review_id     bigint PRIMARY KEY,
    sheet_id      bigint NOT NULL,
    revision      integer NOT NULL,
    seats         integer,
    closing_entry bigint,
    board_entry   bigint,
    members       jsonb,
    partial       boolean NOT NULL DEFAULT false
) ON COMMIT DROP;
INSERT INTO frozen_boards (review_id, sheet_id, revision, seats)
SELECT id, sheet_id, revision_number, decided_seats FROM reviews
WHERE state <> 'submitted' AND board_at_close IS NULL;
UPDATE frozen_boards f SET closing_entry = (SELECT MAX(a.id) FROM audit_log a
    WHERE a.review_id = f.review_id AND a.action IN ('validate', 'reject', 'withdraw'));
UPDATE frozen_boards f SET board_entry = (SELECT MAX(a.id) FROM audit_log a
    WHERE a.sheet_id = f.sheet_id AND a.action = 'board_change' AND a.id < f.closing_entry);
UPDATE frozen_boards f SET members = (SELECT COALESCE(jsonb_agg(DISTINCT u.id ORDER BY u.id), '[]'::jsonb)
        FROM audit_log a
        CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(a.details->'members') = 'array'
            THEN a.details->'members' ELSE '[]'::jsonb END) AS m(name)
        JOIN users u ON u.username = m.name
        WHERE a.id = f.board_entry)
WHERE board_entry IS NOT NULL;
UPDATE frozen_boards f SET members = (SELECT COALESCE(jsonb_agg(b.user_id ORDER BY b.user_id), '[]'::jsonb)
        FROM board_members b WHERE b.sheet_id = f.sheet_id)
WHERE members IS NULL AND NOT EXISTS (SELECT 1 FROM audit_log a
    WHERE a.sheet_id = f.sheet_id AND a.action = 'board_change'
      AND (f.closing_entry IS NULL OR a.id > f.closing_entry));
UPDATE frozen_boards f SET partial = true, members = (SELECT COALESCE(jsonb_agg(DISTINCT v.voter_id ORDER BY v.voter_id), '[]'::jsonb)
        FROM votes v WHERE v.review_id = f.review_id AND v.revision_number = f.revision)
WHERE members IS NULL;
UPDATE frozen_boards SET seats = jsonb_array_length(members) WHERE seats IS NULL;
UPDATE frozen_boards SET partial = true WHERE seats <> jsonb_array_length(members);
UPDATE reviews r SET board_at_close = jsonb_build_object('members', f.members, 'seats', f.seats,
        'needed', f.seats / 2 + 1, 'partial', f.partial)
FROM frozen_boards f WHERE f.review_id = r.id;
DROP TABLE frozen_boards;
`
