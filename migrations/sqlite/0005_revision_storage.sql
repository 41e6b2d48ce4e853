-- 0005 revision storage: most revisions are kept as a delta against the
-- revision before them, with a full compressed copy (a keyframe) at the
-- start of every chain, so a small edit of a long sheet costs bytes, not
-- kilobytes. Rows written before this migration keep their text in body
-- ('plain'); later rows leave body empty and keep their content in data.
-- The store rebuilds and checks every body against its SHA-256; nothing
-- above it sees the difference. Revisions stay append-only.
ALTER TABLE revisions ADD COLUMN storage TEXT NOT NULL DEFAULT 'plain' CHECK (storage IN ('plain', 'full', 'delta'));
ALTER TABLE revisions ADD COLUMN keyframe INTEGER;
ALTER TABLE revisions ADD COLUMN data BLOB;
