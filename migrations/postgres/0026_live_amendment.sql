-- 0026 live amendments (issue 16, item 4). A board writes an amendment
-- together at its meeting: the amendment page of an open review has its
-- own live session, seeded with the reviewed revision and kept apart from
-- the sheet's ordinary editing session. A session now belongs to a sheet
-- and, for an amendment, to one review (review_id); a sheet has at most
-- one ordinary session (review_id NULL) and a review at most one
-- amendment session.
ALTER TABLE live_sessions ADD COLUMN review_id bigint REFERENCES reviews (id);
ALTER TABLE live_sessions DROP CONSTRAINT live_sessions_sheet_id_key;
CREATE UNIQUE INDEX live_sessions_sheet ON live_sessions (sheet_id) WHERE review_id IS NULL;
CREATE UNIQUE INDEX live_sessions_review ON live_sessions (review_id) WHERE review_id IS NOT NULL;
