-- 0007 search terms: PostgreSQL's index now takes the terms the
-- application stems, as SQLite's FTS5 table always has. Nothing changes
-- here; the file keeps both dialects' numbering in step.
SELECT 1;
