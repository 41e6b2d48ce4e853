-- 0003 atlas: what readers see of each sheet (its validated version, or its
-- head while never validated), kept as a card for lists, the map and
-- filters; and the full-text index of that version. FTS5 folds accents
-- (remove_diacritics 2); the application stems the French words it stores
-- and searches, so both databases find the same things.

CREATE TABLE sheet_cards (
    sheet_id        INTEGER PRIMARY KEY REFERENCES sheets (id),
    revision_number INTEGER NOT NULL,
    title           TEXT NOT NULL,
    subtitle        TEXT NOT NULL DEFAULT '',
    categories      TEXT NOT NULL DEFAULT '',  -- ",slug,slug," so one LIKE finds a category
    tags            TEXT NOT NULL DEFAULT '',  -- same shape, lowercase
    place_name      TEXT NOT NULL DEFAULT '',
    lat             REAL,
    lon             REAL,
    updated_at      DATETIME NOT NULL
);
CREATE INDEX sheet_cards_place ON sheet_cards (lat, lon) WHERE lat IS NOT NULL;

-- rowid is the sheet id; title and body hold stemmed words.
CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');
