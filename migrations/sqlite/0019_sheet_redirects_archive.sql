-- 0017 sheet redirects and archive: admins rename a sheet (its old
-- addresses answer 301 for ever), archive it with a reason (it leaves
-- lists, search and the map; nothing of its history is deleted) and merge
-- a duplicate into another (the duplicate is archived, pointing at it).
ALTER TABLE sheets ADD COLUMN archived_at DATETIME;
ALTER TABLE sheets ADD COLUMN archived_by INTEGER REFERENCES users (id);
ALTER TABLE sheets ADD COLUMN archive_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE sheets ADD COLUMN merged_into INTEGER REFERENCES sheets (id);

-- Every address a sheet left, pointing at the sheet itself (not at its
-- next address), so that a chain of renames resolves in one lookup.
CREATE TABLE sheet_redirects (
    slug       TEXT PRIMARY KEY,
    sheet_id   INTEGER NOT NULL REFERENCES sheets (id),
    created_at DATETIME NOT NULL
);
CREATE INDEX sheet_redirects_sheet_id ON sheet_redirects (sheet_id);
