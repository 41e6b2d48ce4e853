-- 0017 board rule: each board decides as its statutes say. board_rules
-- holds a sheet's rule (no row: a majority of all seats, the rule boards
-- had before); a review copies it into board_at_open when it opens, under
-- the key "rule", and keeps its deadline in deadline_at, so that a later
-- change of the rule alters neither an open nor a decided review. A review
-- past its deadline closes as 'expired' (sans décision).
CREATE TABLE board_rules (
    sheet_id      bigint PRIMARY KEY REFERENCES sheets (id),
    kind          text NOT NULL CHECK (kind IN ('seats', 'cast')),
    quorum        integer NOT NULL DEFAULT 0 CHECK (quorum >= 0),
    tie           text NOT NULL DEFAULT 'reject' CHECK (tie IN ('reject', 'open')),
    deadline_days integer CHECK (deadline_days > 0),
    updated_by    bigint NOT NULL REFERENCES users (id),
    updated_at    timestamptz NOT NULL
);

ALTER TABLE reviews DROP CONSTRAINT reviews_state_check;
ALTER TABLE reviews ADD CONSTRAINT reviews_state_check
    CHECK (state IN ('submitted', 'validated', 'rejected', 'withdrawn', 'expired'));
ALTER TABLE reviews ADD COLUMN deadline_at timestamptz;
-- The sweep that closes reviews past their deadline reads only open ones.
CREATE INDEX reviews_deadline_at ON reviews (deadline_at) WHERE state = 'submitted';
