-- 0012 atlas identity: settings of the atlas as a whole, one row per key.
-- atlas_id is a random UUID made once, when this migration runs, and
-- carried by `atlas export` / `atlas import-archive`: feeds derive their
-- Atom ids from it, so ids depend neither on the Host a reader used nor on
-- the database the atlas moved to.
CREATE TABLE settings (
    key   text PRIMARY KEY,
    value text NOT NULL
);
INSERT INTO settings (key, value) VALUES ('atlas_id', gen_random_uuid()::text);
