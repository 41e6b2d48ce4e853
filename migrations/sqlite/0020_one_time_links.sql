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

-- "Mot de passe oublié ?" queues its mail in the outbox too: a row is a
-- notification's mail (kind 'notification') or a password link for an
-- account (kind 'password_link', user_id set). The link itself is made
-- when the mail is sent, so its token is never stored. SQLite cannot drop
-- a NOT NULL: the table is rebuilt (nothing refers to it).
CREATE TABLE mail_outbox_new (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL DEFAULT 'notification' CHECK (kind IN ('notification', 'password_link')),
    notification_id INTEGER REFERENCES notifications (id) ON DELETE CASCADE,
    user_id         INTEGER REFERENCES users (id) ON DELETE CASCADE,
    state           TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at DATETIME NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL,
    sent_at         DATETIME
);
INSERT INTO mail_outbox_new (id, notification_id, state, attempts, next_attempt_at, last_error, created_at, sent_at)
    SELECT id, notification_id, state, attempts, next_attempt_at, last_error, created_at, sent_at FROM mail_outbox;
DROP TABLE mail_outbox;
ALTER TABLE mail_outbox_new RENAME TO mail_outbox;
CREATE INDEX mail_outbox_due ON mail_outbox (state, next_attempt_at);
CREATE INDEX mail_outbox_notification_id ON mail_outbox (notification_id);
CREATE INDEX mail_outbox_user_id ON mail_outbox (user_id);

-- Self-registration (ATLAS_SIGNUP=approval): an account waits for an
-- admin's yes (pending) or was refused; only active accounts sign in.
ALTER TABLE users ADD COLUMN state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'pending', 'refused'));
