-- 0014 review board frozen: a review keeps the board it had (members,
-- seats, majority needed) when it opened and when it closed, as JSON
-- objects, so that a later change of the sheet's board never rewrites a
-- decided review: its page, its record and the API read the frozen board.
-- JSON, so the board's rules can be frozen beside them later.
--
-- Reviews closed before this migration are given the board they closed
-- with, as well as the audit log knows it, in this order:
--   1. the members named by the sheet's last board change before the
--      review's closing entry (validate, reject or withdraw);
--   2. if the board never changed after the review closed (and no change
--      before it is logged), the sheet's board as it is now;
--   3. else only the accounts that voted on the decided revision, which
--      all sat on the board: the snapshot is then marked partial.
-- seats is the count recorded with the decision (0011) when there is one,
-- else the number of members found; a mismatch marks the snapshot partial.
-- Reviews still open get no opening snapshot: who sat when they opened is
-- not known, and an open review counts today's board anyway.
ALTER TABLE reviews ADD COLUMN board_at_open jsonb;
ALTER TABLE reviews ADD COLUMN board_at_close jsonb;

CREATE TEMP TABLE frozen_boards (
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
