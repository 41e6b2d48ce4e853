-- 0003 atlas: what readers see of each sheet (its validated version, or its
-- head while never validated), kept as a card for lists, the map and
-- filters; and the full-text index of that version, French-stemmed and
-- accent-insensitive, title weighted above body.

CREATE TABLE sheet_cards (
    sheet_id        bigint PRIMARY KEY REFERENCES sheets (id),
    revision_number integer NOT NULL,
    title           text NOT NULL,
    subtitle        text NOT NULL DEFAULT '',
    categories      text NOT NULL DEFAULT '',  -- ",slug,slug," so one LIKE finds a category
    tags            text NOT NULL DEFAULT '',  -- same shape, lowercase
    place_name      text NOT NULL DEFAULT '',
    lat             double precision,
    lon             double precision,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX sheet_cards_place ON sheet_cards (lat, lon) WHERE lat IS NOT NULL;

-- unaccent lives in public so every schema's configuration can use it; the
-- advisory lock keeps two migrations of one database from racing on it.
SELECT pg_advisory_xact_lock(4242001);
CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public;

CREATE TEXT SEARCH CONFIGURATION atlas_fr (COPY = pg_catalog.french);
ALTER TEXT SEARCH CONFIGURATION atlas_fr
    ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, french_stem;

CREATE TABLE search_docs (
    sheet_id bigint PRIMARY KEY REFERENCES sheets (id),
    title    text NOT NULL,
    body     text NOT NULL,
    tsv      tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('atlas_fr', title), 'A') || setweight(to_tsvector('atlas_fr', body), 'B')
    ) STORED
);
CREATE INDEX search_docs_tsv ON search_docs USING gin (tsv);
