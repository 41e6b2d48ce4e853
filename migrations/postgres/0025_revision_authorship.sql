-- 0025 revision authorship: for each revision, which revision introduced
-- each part of its body (its "blame"), as computed by the authorship
-- algorithm and encoded by it. Like revisions, rows are append-only: a
-- revision's attribution under one algorithm version never changes, and a
-- newer algorithm adds rows under its own version instead of rewriting.
-- Saves write the row of their revision in their transaction; older
-- revisions are filled by `atlas reindex`, or on demand by a blame.
CREATE TABLE revision_authorship (
    revision_id  bigint NOT NULL REFERENCES revisions (id),
    version      integer NOT NULL,
    spans        bytea NOT NULL,
    PRIMARY KEY (revision_id, version)
);
CREATE TRIGGER revision_authorship_append_only
    BEFORE UPDATE OR DELETE ON revision_authorship
    FOR EACH ROW EXECUTE FUNCTION atlas_refuse_change();
CREATE TRIGGER revision_authorship_no_truncate
    BEFORE TRUNCATE ON revision_authorship
    FOR EACH STATEMENT EXECUTE FUNCTION atlas_refuse_change();
