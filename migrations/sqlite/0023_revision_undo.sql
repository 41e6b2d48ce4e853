-- 0023 revision undo: a revision may now take back what one earlier
-- revision changed (origin 'undo', merged onto the head), and every
-- revision that brings back words of an older text says which: reverts
-- names that revision (the restored one for a restore, the undone
-- revision's parent for an undo), NULL for all others and for restores
-- written before this migration. Authorship gives the words back to their
-- authors through it. Neither field is part of the body's SHA-256.
--
-- SQLite cannot change a CHECK constraint: revisions is rebuilt with the
-- new origin and the new column, every row kept under its id. Dropping
-- the table drops its triggers first, so no append-only guard fires and no
-- row is ever updated; the guards (0001, 0015) and indexes (0001, 0018)
-- are made again, after the rows are back. reviews refers to revisions by
-- (sheet_id, number); its foreign key is checked at commit, once the rows
-- are back.
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE revisions_before_0023 AS SELECT * FROM revisions;
DROP TABLE revisions;
CREATE TABLE revisions (
    id         INTEGER PRIMARY KEY,
    sheet_id   INTEGER NOT NULL REFERENCES sheets (id),
    number     INTEGER NOT NULL CHECK (number > 0),
    parent     INTEGER,
    author_id  INTEGER NOT NULL REFERENCES users (id),
    summary    TEXT NOT NULL DEFAULT '',
    origin     TEXT NOT NULL CHECK (origin IN ('edit', 'merge', 'restore', 'amendment', 'import', 'undo')),
    minor      BOOLEAN NOT NULL DEFAULT 0,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    meta       TEXT NOT NULL DEFAULT '{}',
    sha256     TEXT NOT NULL,
    size       INTEGER NOT NULL,
    created_at DATETIME NOT NULL,
    storage    TEXT NOT NULL DEFAULT 'plain' CHECK (storage IN ('plain', 'full', 'delta')),
    keyframe   INTEGER,
    data       BLOB,
    reverts    INTEGER CHECK (reverts > 0 AND reverts < number),
    UNIQUE (sheet_id, number)
);
INSERT INTO revisions (id, sheet_id, number, parent, author_id, summary, origin, minor, title, body, meta,
        sha256, size, created_at, storage, keyframe, data)
SELECT id, sheet_id, number, parent, author_id, summary, origin, minor, title, body, meta,
        sha256, size, created_at, storage, keyframe, data
FROM revisions_before_0023;
DROP TABLE revisions_before_0023;
CREATE INDEX revisions_created_at ON revisions (created_at DESC, id DESC);
CREATE INDEX revisions_author_id ON revisions (author_id);
CREATE INDEX revisions_author_created ON revisions (author_id, created_at DESC, id DESC);
CREATE TRIGGER revisions_no_update BEFORE UPDATE ON revisions
BEGIN
    SELECT RAISE(ABORT, 'revisions is append-only');
END;
CREATE TRIGGER revisions_no_delete BEFORE DELETE ON revisions
BEGIN
    SELECT RAISE(ABORT, 'revisions is append-only');
END;
CREATE TRIGGER revisions_no_replace BEFORE INSERT ON revisions
WHEN EXISTS (SELECT 1 FROM revisions WHERE id = NEW.id)
  OR EXISTS (SELECT 1 FROM revisions WHERE sheet_id = NEW.sheet_id AND number = NEW.number)
BEGIN
    SELECT RAISE(ABORT, 'duplicate revision: revisions is append-only');
END;
