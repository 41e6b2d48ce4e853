-- 0017 sheet redirects and archive: admins rename a sheet (its old
-- addresses answer 301 for ever), archive it with a reason (it leaves
-- lists, search and the map; nothing of its history is deleted) and merge
-- a duplicate into another (the duplicate is archived, pointing at it).
ALTER TABLE sheets ADD COLUMN archived_at timestamptz;
ALTER TABLE sheets ADD COLUMN archived_by bigint REFERENCES users (id);
ALTER TABLE sheets ADD COLUMN archive_reason text NOT NULL DEFAULT '';
ALTER TABLE sheets ADD COLUMN merged_into bigint REFERENCES sheets (id);

-- Every address a sheet left, pointing at the sheet itself (not at its
-- next address), so that a chain of renames resolves in one lookup.
CREATE TABLE sheet_redirects (
    slug       text PRIMARY KEY,
    sheet_id   bigint NOT NULL REFERENCES sheets (id),
    created_at timestamptz NOT NULL
);
CREATE INDEX sheet_redirects_sheet_id ON sheet_redirects (sheet_id);
