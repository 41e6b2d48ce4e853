-- 0023 live co-writing (issue 16). A live session is the shared text of a
-- sheet's editor while people write it together: browsers exchange Yjs
-- updates that the server stores in order without reading them, replays
-- to joiners and compacts with a state the leader browser sends. None of
-- this is a revision: the rows go when the session ends. Times are Unix
-- milliseconds (they only order and expire things).
-- A version a session saved by itself (its last participant left) is of
-- origin 'live'. SQLite cannot alter a CHECK constraint, and rebuilding
-- the append-only revisions table would copy every version; widening a
-- CHECK leaves every stored row valid and the file format unchanged, the
-- case for which SQLite documents editing the table's definition in
-- place (ALTER TABLE, "making other kinds of table schema changes").
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql, '''amendment'', ''import''))', '''amendment'', ''import'', ''live''))')
    WHERE type = 'table' AND name = 'revisions';
PRAGMA writable_schema = OFF;
-- The tables below change the schema's version, so every connection
-- reads the definitions again.
CREATE TABLE live_sessions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    sheet_id      INTEGER NOT NULL UNIQUE REFERENCES sheets (id),
    origin_base   INTEGER NOT NULL,
    base          INTEGER NOT NULL,
    last_seq      INTEGER NOT NULL DEFAULT 0,
    text          TEXT,
    text_seq      INTEGER NOT NULL DEFAULT 0,
    leader        TEXT NOT NULL DEFAULT '',
    leader_until  INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
-- The log: seq is contiguous per session; a compacted state stands for
-- every seq up to its own.
CREATE TABLE live_updates (
    session_id  INTEGER NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    user_id     INTEGER REFERENCES users (id),
    state       INTEGER NOT NULL DEFAULT 0,
    data        BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (session_id, seq)
);
-- Who wrote since the last saved version, and how much.
CREATE TABLE live_contributors (
    session_id  INTEGER NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    updates     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, user_id)
);
-- Every Yjs client that joined, with its account (authorship colours).
CREATE TABLE live_clients (
    session_id  INTEGER NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
    client      INTEGER NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (session_id, client)
);
-- Open connections, on every instance; seen_at moves with a heartbeat
-- and a row not seen for a minute is a connection that died with its
-- instance.
CREATE TABLE live_participants (
    session_id  INTEGER NOT NULL REFERENCES live_sessions (id) ON DELETE CASCADE,
    conn        TEXT NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    client      INTEGER NOT NULL,
    seen_at     INTEGER NOT NULL,
    PRIMARY KEY (session_id, conn)
);
-- The co-authors of a revision written together (revisions are never
-- updated, so they live beside them). Only revisions of two or more
-- writers have rows; the author is one of them.
CREATE TABLE revision_coauthors (
    revision_id  INTEGER NOT NULL REFERENCES revisions (id),
    user_id      INTEGER NOT NULL REFERENCES users (id),
    PRIMARY KEY (revision_id, user_id)
);
CREATE INDEX revision_coauthors_user_id ON revision_coauthors (user_id);
