-- 0025 revision authorship: for each revision, which revision introduced
-- each part of its body (its "blame"), as computed by the authorship
-- algorithm and encoded by it. Like revisions, rows are append-only: a
-- revision's attribution under one algorithm version never changes, and a
-- newer algorithm adds rows under its own version instead of rewriting.
-- Saves write the row of their revision in their transaction; older
-- revisions are filled by `atlas reindex`, or on demand by a blame.
CREATE TABLE revision_authorship (
    revision_id  INTEGER NOT NULL REFERENCES revisions (id),
    version      INTEGER NOT NULL,
    spans        BLOB NOT NULL,
    PRIMARY KEY (revision_id, version)
);
CREATE TRIGGER revision_authorship_no_update BEFORE UPDATE ON revision_authorship
BEGIN
    SELECT RAISE(ABORT, 'revision_authorship is append-only');
END;
CREATE TRIGGER revision_authorship_no_delete BEFORE DELETE ON revision_authorship
BEGIN
    SELECT RAISE(ABORT, 'revision_authorship is append-only');
END;
