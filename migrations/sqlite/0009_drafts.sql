-- 0009 drafts: the text an account is writing and has not saved yet, kept
-- by the editor every few seconds and when a save is refused because the
-- session ended. Unlike revisions, a draft is rewritten in place and
-- deleted once saved; one per account and sheet, and one per account for
-- a sheet not created yet (sheet_id NULL).
CREATE TABLE drafts (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sheet_id   INTEGER REFERENCES sheets (id) ON DELETE CASCADE,
    base       INTEGER NOT NULL DEFAULT 0,
    title      TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL DEFAULT '',
    meta       TEXT NOT NULL DEFAULT '{}',
    summary    TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL,
    saved_at   DATETIME NOT NULL
);
CREATE UNIQUE INDEX drafts_user_sheet ON drafts (user_id, sheet_id);
-- NULLs are distinct in a unique index: the new-sheet draft has its own.
CREATE UNIQUE INDEX drafts_user_new ON drafts (user_id) WHERE sheet_id IS NULL;
CREATE INDEX drafts_sheet_id ON drafts (sheet_id);
