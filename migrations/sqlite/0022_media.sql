-- 0017 media: pictures uploaded into sheets, stored in the database so
-- that every instance on one database serves them and backups, exports
-- and archives carry them. A picture is kept once by the SHA-256 of the
-- stored file (metadata already removed), with its smaller copies made
-- once at upload. Nothing deletes a picture: revisions may show it for
-- ever, so the links below restrict deletion.
CREATE TABLE media (
    sha256      TEXT PRIMARY KEY,
    type        TEXT NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    bytes       INTEGER NOT NULL,
    data        BLOB NOT NULL,
    created_by  INTEGER REFERENCES users (id),
    created_at  DATETIME NOT NULL
);
-- A smaller copy, by its width (320, 640 or 1280 px).
CREATE TABLE media_variants (
    sha256  TEXT NOT NULL REFERENCES media (sha256) ON DELETE RESTRICT,
    width   INTEGER NOT NULL,
    type    TEXT NOT NULL,
    data    BLOB NOT NULL,
    PRIMARY KEY (sha256, width)
);
-- A picture uploaded into a sheet, with its description (alt text).
CREATE TABLE sheet_media (
    sheet_id     INTEGER NOT NULL REFERENCES sheets (id),
    sha256       TEXT NOT NULL REFERENCES media (sha256) ON DELETE RESTRICT,
    alt          TEXT NOT NULL,
    uploaded_by  INTEGER REFERENCES users (id),
    uploaded_at  DATETIME NOT NULL,
    PRIMARY KEY (sheet_id, sha256)
);
-- An account's uploads of the day: the daily limit counts them.
CREATE INDEX sheet_media_uploader ON sheet_media (uploaded_by, uploaded_at);
