-- 0006 sheet change notices: PostgreSQL announces sheet changes with
-- NOTIFY so instances may keep sheet rows in memory. SQLite has no such
-- channel and every read goes to the database, which is in the process:
-- nothing to do here but keep the numbering of both dialects in step.
SELECT 1;
