-- 0012 atlas identity: settings of the atlas as a whole, one row per key.
-- atlas_id is a random UUID made once, when this migration runs, and
-- carried by `atlas export` / `atlas import-archive`: feeds derive their
-- Atom ids from it, so ids depend neither on the Host a reader used nor on
-- the database the atlas moved to.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
-- A version 4 UUID: random bits, "4" as the version, 8 to b as the variant.
INSERT INTO settings (key, value) VALUES ('atlas_id', lower(
    hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' ||
    substr('89ab', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))));
