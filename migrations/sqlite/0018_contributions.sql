-- 0017 contributions: a person's page lists their revisions, submissions,
-- votes and comments newest first, each stream read by keyset on the
-- person and the time; the header counts a reader's unread notifications.
CREATE INDEX revisions_author_created ON revisions (author_id, created_at DESC, id DESC);
CREATE INDEX reviews_submitted_by ON reviews (submitted_by, submitted_at DESC, id DESC);
CREATE INDEX votes_voter_created ON votes (voter_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
