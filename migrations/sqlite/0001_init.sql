-- 0001 init: accounts, database sessions, API tokens, sheets and their
-- append-only revisions. Revisions are the history of the atlas: triggers
-- refuse any UPDATE or DELETE so not even a bug can rewrite it.
-- Times are DATETIME columns holding UTC text written by the driver.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    email         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('contributor', 'admin')),
    disabled      BOOLEAN NOT NULL DEFAULT 0,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);

-- A session row is keyed by the SHA-256 of the cookie value, so a copy of
-- the database does not hand out live sessions. Anonymous sessions (user_id
-- NULL) exist only to bind the login form's CSRF token.
CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    lang       TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL DEFAULT '',
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   DATETIME NOT NULL,
    last_used_at DATETIME
);
CREATE INDEX api_tokens_user_id ON api_tokens (user_id);

-- The sheet row caches its head revision number: saving is a
-- compare-and-swap on head_number, which is what keeps concurrent edits
-- from overwriting each other.
CREATE TABLE sheets (
    id               INTEGER PRIMARY KEY,
    slug             TEXT NOT NULL UNIQUE,
    title            TEXT NOT NULL,
    head_number      INTEGER NOT NULL DEFAULT 0,
    published_number INTEGER,
    created_by       INTEGER NOT NULL REFERENCES users (id),
    created_at       DATETIME NOT NULL,
    updated_at       DATETIME NOT NULL
);
CREATE INDEX sheets_updated_at ON sheets (updated_at DESC, id DESC);

CREATE TABLE revisions (
    id         INTEGER PRIMARY KEY,
    sheet_id   INTEGER NOT NULL REFERENCES sheets (id),
    number     INTEGER NOT NULL CHECK (number > 0),
    parent     INTEGER,
    author_id  INTEGER NOT NULL REFERENCES users (id),
    summary    TEXT NOT NULL DEFAULT '',
    origin     TEXT NOT NULL CHECK (origin IN ('edit', 'merge', 'restore', 'amendment', 'import')),
    minor      BOOLEAN NOT NULL DEFAULT 0,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    meta       TEXT NOT NULL DEFAULT '{}',
    sha256     TEXT NOT NULL,
    size       INTEGER NOT NULL,
    created_at DATETIME NOT NULL,
    UNIQUE (sheet_id, number)
);
CREATE INDEX revisions_created_at ON revisions (created_at DESC, id DESC);
CREATE INDEX revisions_author_id ON revisions (author_id);

CREATE TRIGGER revisions_no_update BEFORE UPDATE ON revisions
BEGIN
    SELECT RAISE(ABORT, 'revisions is append-only');
END;
CREATE TRIGGER revisions_no_delete BEFORE DELETE ON revisions
BEGIN
    SELECT RAISE(ABORT, 'revisions is append-only');
END;
