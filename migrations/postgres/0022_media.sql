-- 0017 media: pictures uploaded into sheets, stored in the database so
-- that every instance on one database serves them and backups, exports
-- and archives carry them. A picture is kept once by the SHA-256 of the
-- stored file (metadata already removed), with its smaller copies made
-- once at upload. Nothing deletes a picture: revisions may show it for
-- ever, so the links below restrict deletion.
CREATE TABLE media (
    sha256      text PRIMARY KEY,
    type        text NOT NULL,
    width       integer NOT NULL,
    height      integer NOT NULL,
    bytes       bigint NOT NULL,
    data        bytea NOT NULL,
    created_by  bigint REFERENCES users (id),
    created_at  timestamptz NOT NULL
);
-- A smaller copy, by its width (320, 640 or 1280 px).
CREATE TABLE media_variants (
    sha256  text NOT NULL REFERENCES media (sha256) ON DELETE RESTRICT,
    width   integer NOT NULL,
    type    text NOT NULL,
    data    bytea NOT NULL,
    PRIMARY KEY (sha256, width)
);
-- A picture uploaded into a sheet, with its description (alt text).
CREATE TABLE sheet_media (
    sheet_id     bigint NOT NULL REFERENCES sheets (id),
    sha256       text NOT NULL REFERENCES media (sha256) ON DELETE RESTRICT,
    alt          text NOT NULL,
    uploaded_by  bigint REFERENCES users (id),
    uploaded_at  timestamptz NOT NULL,
    PRIMARY KEY (sheet_id, sha256)
);
-- An account's uploads of the day: the daily limit counts them.
CREATE INDEX sheet_media_uploader ON sheet_media (uploaded_by, uploaded_at);
