-- 0014 comment hidden: a message of a discussion can be withdrawn, by its
-- author within 15 minutes or by an admin with a reason. It is never
-- deleted: the row keeps who hid it, when and why, its page shows
-- "message retiré par …", and the audit log keeps the trace.
ALTER TABLE comments ADD COLUMN hidden_at timestamptz;
ALTER TABLE comments ADD COLUMN hidden_by bigint REFERENCES users (id);
ALTER TABLE comments ADD COLUMN hidden_reason text NOT NULL DEFAULT '';
-- An author's recent messages: the rate limit counts them, and a page
-- finds those its reader may still withdraw.
CREATE INDEX comments_author_created ON comments (author_id, created_at);
