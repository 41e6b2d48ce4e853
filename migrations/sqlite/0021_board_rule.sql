-- 0017 board rule: each board decides as its statutes say. board_rules
-- holds a sheet's rule (no row: a majority of all seats, the rule boards
-- had before); a review copies it into board_at_open when it opens, under
-- the key "rule", and keeps its deadline in deadline_at, so that a later
-- change of the rule alters neither an open nor a decided review. A review
-- past its deadline closes as 'expired' (sans décision).
CREATE TABLE board_rules (
    sheet_id      INTEGER PRIMARY KEY REFERENCES sheets (id),
    kind          TEXT NOT NULL CHECK (kind IN ('seats', 'cast')),
    quorum        INTEGER NOT NULL DEFAULT 0 CHECK (quorum >= 0),
    tie           TEXT NOT NULL DEFAULT 'reject' CHECK (tie IN ('reject', 'open')),
    deadline_days INTEGER CHECK (deadline_days > 0),
    updated_by    INTEGER NOT NULL REFERENCES users (id),
    updated_at    DATETIME NOT NULL
);

-- SQLite cannot change a CHECK constraint: the reviews table is rebuilt
-- with the new state. Its children (votes, amendments, audit, comments,
-- notifications) keep referring to it by name; their foreign keys are
-- checked at commit, once the rows are back under the same ids.
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE reviews_before_0017 AS SELECT * FROM reviews;
DROP TABLE reviews;
CREATE TABLE reviews (
    id                INTEGER PRIMARY KEY,
    sheet_id          INTEGER NOT NULL REFERENCES sheets (id),
    revision_number   INTEGER NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('submitted', 'validated', 'rejected', 'withdrawn', 'expired')),
    submitted_by      INTEGER NOT NULL REFERENCES users (id),
    note              TEXT NOT NULL DEFAULT '',
    submitted_at      DATETIME NOT NULL,
    decided_at        DATETIME,
    decided_approvals INTEGER,
    decided_seats     INTEGER,
    board_at_open     TEXT,
    board_at_close    TEXT,
    deadline_at       DATETIME,
    FOREIGN KEY (sheet_id, revision_number) REFERENCES revisions (sheet_id, number)
);
INSERT INTO reviews (id, sheet_id, revision_number, state, submitted_by, note, submitted_at, decided_at,
        decided_approvals, decided_seats, board_at_open, board_at_close)
SELECT id, sheet_id, revision_number, state, submitted_by, note, submitted_at, decided_at,
        decided_approvals, decided_seats, board_at_open, board_at_close
FROM reviews_before_0017;
DROP TABLE reviews_before_0017;
CREATE UNIQUE INDEX reviews_one_open_per_sheet ON reviews (sheet_id) WHERE state = 'submitted';
CREATE INDEX reviews_sheet_id ON reviews (sheet_id, id DESC);
-- Every index of reviews is dropped with the table and made again here,
-- including those later migrations made before this one ran (contributions'
-- index of a person's submissions).
CREATE INDEX IF NOT EXISTS reviews_submitted_by ON reviews (submitted_by, submitted_at DESC, id DESC);
-- The sweep that closes reviews past their deadline reads only open ones.
CREATE INDEX reviews_deadline_at ON reviews (deadline_at) WHERE state = 'submitted';
