-- 0010 mail outbox: the e-mail of a notification is queued in the same
-- transaction as the notification itself, so it survives a restart and is
-- retried when the relay fails for a while. A sender claims a row by moving
-- next_attempt_at forward with a conditional UPDATE (its lease), so two
-- instances never send the same row at once; state is pending, sent or
-- failed (attempts exhausted or a permanent refusal, reason in last_error).
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    notification_id INTEGER NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    state           TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at DATETIME NOT NULL,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      DATETIME NOT NULL,
    sent_at         DATETIME
);
CREATE INDEX mail_outbox_due ON mail_outbox (state, next_attempt_at);
CREATE INDEX mail_outbox_notification_id ON mail_outbox (notification_id);
