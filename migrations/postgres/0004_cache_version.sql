-- 0004 cache version: a counter bumped by every write that changes what a
-- sheet's pages show (a revision, a validation, a comment, a board or
-- review change). Cached pages are keyed by it, so they are never stale.
ALTER TABLE sheets ADD COLUMN cache_version bigint NOT NULL DEFAULT 0;
