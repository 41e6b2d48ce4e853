-- 0017 one-time links: the first run's setup link and the password links an
-- admin hands over (or the login page mails). Only the SHA-256 of the
-- token is kept, so a copy of the database opens nothing. A link is used
-- by a conditional UPDATE (used_at IS NULL AND expires_at > now), which
-- makes it single-use even when two browsers open it at once. purpose is
-- 'setup' (user_id NULL: it creates the first admin) or 'password'.
CREATE TABLE one_time_links (
    id         INTEGER PRIMARY KEY,
    purpose    TEXT NOT NULL CHECK (purpose IN ('setup', 'password')),
    token_hash TEXT NOT NULL UNIQUE,
    user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
    created_by INTEGER REFERENCES users (id),
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL,
    used_at    DATETIME
);
CREATE INDEX one_time_links_user_id ON one_time_links (user_id);
CREATE INDEX one_time_links_expires_at ON one_time_links (expires_at);
-- Login by e-mail, whatever its case: the lookup is on lower(email).
CREATE INDEX users_email_lower ON users (lower(email));
CREATE INDEX users_username_lower ON users (lower(username));
