-- 0002 board: each sheet's board (its CA), reviews that pin a revision for
-- the board to amend and validate, votes, the amendments made during a
-- review, an append-only audit log of every decision, comments, and the
-- in-app notifications that tell people what awaits them.

CREATE TABLE board_members (
    sheet_id   INTEGER NOT NULL REFERENCES sheets (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    added_by   INTEGER NOT NULL REFERENCES users (id),
    created_at DATETIME NOT NULL,
    PRIMARY KEY (sheet_id, user_id)
);
CREATE INDEX board_members_user_id ON board_members (user_id);

CREATE TABLE reviews (
    id              INTEGER PRIMARY KEY,
    sheet_id        INTEGER NOT NULL REFERENCES sheets (id),
    revision_number INTEGER NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('submitted', 'validated', 'rejected', 'withdrawn')),
    submitted_by    INTEGER NOT NULL REFERENCES users (id),
    note            TEXT NOT NULL DEFAULT '',
    submitted_at    DATETIME NOT NULL,
    decided_at      DATETIME,
    FOREIGN KEY (sheet_id, revision_number) REFERENCES revisions (sheet_id, number)
);
-- One open review per sheet, enforced by the database itself.
CREATE UNIQUE INDEX reviews_one_open_per_sheet ON reviews (sheet_id) WHERE state = 'submitted';
CREATE INDEX reviews_sheet_id ON reviews (sheet_id, id DESC);

CREATE TABLE votes (
    id              INTEGER PRIMARY KEY,
    review_id       INTEGER NOT NULL REFERENCES reviews (id),
    voter_id        INTEGER NOT NULL REFERENCES users (id),
    revision_number INTEGER NOT NULL,
    choice          TEXT NOT NULL CHECK (choice IN ('approve', 'reject', 'abstain')),
    comment         TEXT NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL,
    UNIQUE (review_id, voter_id, revision_number)
);

CREATE TABLE review_amendments (
    id              INTEGER PRIMARY KEY,
    review_id       INTEGER NOT NULL REFERENCES reviews (id),
    from_number     INTEGER NOT NULL,
    to_number       INTEGER NOT NULL,
    author_id       INTEGER NOT NULL REFERENCES users (id),
    created_at      DATETIME NOT NULL
);
CREATE INDEX review_amendments_review_id ON review_amendments (review_id, id);

-- Every submission, vote, amendment, decision, withdrawal, board change and
-- role change. Like revisions, it is never rewritten.
CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY,
    created_at      DATETIME NOT NULL,
    actor_id        INTEGER REFERENCES users (id),
    action          TEXT NOT NULL,
    sheet_id        INTEGER REFERENCES sheets (id),
    review_id       INTEGER REFERENCES reviews (id),
    revision_number INTEGER,
    revision_sha256 TEXT NOT NULL DEFAULT '',
    details         TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_review_id ON audit_log (review_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TABLE comments (
    id              INTEGER PRIMARY KEY,
    sheet_id        INTEGER NOT NULL REFERENCES sheets (id),
    review_id       INTEGER REFERENCES reviews (id),
    revision_number INTEGER,
    author_id       INTEGER NOT NULL REFERENCES users (id),
    body            TEXT NOT NULL,
    created_at      DATETIME NOT NULL
);
CREATE INDEX comments_sheet_id ON comments (sheet_id, id);
CREATE INDEX comments_review_id ON comments (review_id, id);

CREATE TABLE watches (
    user_id    INTEGER NOT NULL REFERENCES users (id),
    sheet_id   INTEGER NOT NULL REFERENCES sheets (id),
    created_at DATETIME NOT NULL,
    PRIMARY KEY (user_id, sheet_id)
);
CREATE INDEX watches_sheet_id ON watches (sheet_id);

CREATE TABLE notifications (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id),
    kind            TEXT NOT NULL,
    actor_id        INTEGER REFERENCES users (id),
    sheet_id        INTEGER REFERENCES sheets (id),
    review_id       INTEGER REFERENCES reviews (id),
    revision_number INTEGER,
    created_at      DATETIME NOT NULL,
    read_at         DATETIME
);
CREATE INDEX notifications_user_id ON notifications (user_id, id DESC);
