-- 0008 login failures: failed logins counted in the database instead of in
-- each process, so every instance behind a proxy sees the same count and a
-- restart forgets nothing. A row is one account or one client address (as
-- the SHA-256 of its key) and the failures within its window; rows whose
-- window has ended are purged with expired sessions.
CREATE TABLE login_failures (
    key_hash    text PRIMARY KEY,
    failures    integer NOT NULL,
    window_ends timestamptz NOT NULL
);
CREATE INDEX login_failures_window_ends ON login_failures (window_ends);
