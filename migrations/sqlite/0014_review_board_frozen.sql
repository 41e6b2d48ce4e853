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
ALTER TABLE reviews ADD COLUMN board_at_open TEXT;
ALTER TABLE reviews ADD COLUMN board_at_close TEXT;

CREATE TEMP TABLE frozen_boards (
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
