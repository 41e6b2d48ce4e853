-- 0026 live amendments (issue 16, item 4). A board writes an amendment
-- together at its meeting: the amendment page of an open review has its
-- own live session, seeded with the reviewed revision and kept apart from
-- the sheet's ordinary editing session. A session now belongs to a sheet
-- and, for an amendment, to one review (review_id); a sheet has at most
-- one ordinary session (review_id NULL) and a review at most one
-- amendment session.
--
-- SQLite cannot drop a column's UNIQUE: live_sessions is rebuilt. Its
-- children refer to it with ON DELETE CASCADE, and dropping a table
-- deletes its rows first, so every row of the children is copied aside and
-- put back once the sessions are, under the same ids: an open session
-- loses nothing. Dropping the table also forgets the highest id it gave
-- (sqlite_sequence): it is put back, so that no id of an ended session is
-- given again (a browser's form still names the session it joined).
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE live_sessions_seq_0026 AS SELECT seq FROM sqlite_sequence WHERE name = 'live_sessions';
CREATE TEMP TABLE live_sessions_0026 AS SELECT * FROM live_sessions;
CREATE TEMP TABLE live_updates_0026 AS SELECT * FROM live_updates;
CREATE TEMP TABLE live_contributors_0026 AS SELECT * FROM live_contributors;
CREATE TEMP TABLE live_clients_0026 AS SELECT * FROM live_clients;
CREATE TEMP TABLE live_participants_0026 AS SELECT * FROM live_participants;
DROP TABLE live_sessions;
CREATE TABLE live_sessions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    sheet_id      INTEGER NOT NULL REFERENCES sheets (id),
    review_id     INTEGER REFERENCES reviews (id),
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
CREATE UNIQUE INDEX live_sessions_sheet ON live_sessions (sheet_id) WHERE review_id IS NULL;
CREATE UNIQUE INDEX live_sessions_review ON live_sessions (review_id) WHERE review_id IS NOT NULL;
INSERT INTO live_sessions (id, sheet_id, review_id, origin_base, base, last_seq, text, text_seq, leader, leader_until, created_at, updated_at)
SELECT id, sheet_id, NULL, origin_base, base, last_seq, text, text_seq, leader, leader_until, created_at, updated_at FROM live_sessions_0026;
DELETE FROM sqlite_sequence WHERE name = 'live_sessions' AND seq < (SELECT max(seq) FROM live_sessions_seq_0026);
INSERT INTO sqlite_sequence (name, seq) SELECT 'live_sessions', max(seq) FROM live_sessions_seq_0026
    WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'live_sessions') HAVING max(seq) IS NOT NULL;
INSERT INTO live_updates SELECT * FROM live_updates_0026 WHERE NOT EXISTS (SELECT 1 FROM live_updates);
INSERT INTO live_contributors SELECT * FROM live_contributors_0026 WHERE NOT EXISTS (SELECT 1 FROM live_contributors);
INSERT INTO live_clients SELECT * FROM live_clients_0026 WHERE NOT EXISTS (SELECT 1 FROM live_clients);
INSERT INTO live_participants SELECT * FROM live_participants_0026 WHERE NOT EXISTS (SELECT 1 FROM live_participants);
DROP TABLE live_sessions_0026;
DROP TABLE live_sessions_seq_0026;
DROP TABLE live_updates_0026;
DROP TABLE live_contributors_0026;
DROP TABLE live_clients_0026;
DROP TABLE live_participants_0026;
