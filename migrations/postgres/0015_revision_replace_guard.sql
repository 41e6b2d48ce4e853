-- 0015 revision replace guard: on SQLite, INSERT OR REPLACE could delete a
-- revision without firing its delete trigger; the SQLite migration adds a
-- guard. PostgreSQL has no REPLACE: INSERT … ON CONFLICT DO UPDATE fires
-- the BEFORE UPDATE trigger revisions_append_only (0001), which refuses
-- it, and a plain duplicate insert breaks the unique keys. Nothing to
-- change; this file keeps both dialects at the same number.
SELECT 1;
