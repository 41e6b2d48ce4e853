-- 0027 account change notices: on PostgreSQL, triggers announce changes to
-- sessions, accounts, API tokens and notifications with NOTIFY. SQLite has
-- no such feed: instances poll PRAGMA data_version, which moves on every
-- commit, and forget everything they keep each time. Nothing to add here.
SELECT 1;
