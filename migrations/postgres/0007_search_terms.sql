-- 0007 search terms: the application now cuts and stems words itself (the
-- same way for both databases) and writes each sheet's tsvector, so the
-- index no longer keeps a copy of the text nor runs PostgreSQL's parser
-- and dictionaries at every save (tens of milliseconds for a long sheet).
--
-- Existing vectors are rebuilt here the application's way as closely as
-- SQL can: unaccent, then the French Snowball stemmer without a stop-word
-- list (the application keeps "de", "la", "l"…, and a query now needs all
-- its words). `atlas reindex` rewrites them exactly.
CREATE TEXT SEARCH DICTIONARY atlas_french_all (TEMPLATE = snowball, Language = french);
CREATE TEXT SEARCH CONFIGURATION atlas_terms (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION atlas_terms
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart WITH atlas_french_all;
ALTER TEXT SEARCH CONFIGURATION atlas_terms
    ALTER MAPPING FOR word, hword, hword_part WITH public.unaccent, atlas_french_all;

ALTER TABLE search_docs ADD COLUMN terms tsvector;
UPDATE search_docs SET terms =
    setweight(to_tsvector('atlas_terms', title), 'A') || setweight(to_tsvector('atlas_terms', body), 'B');
ALTER TABLE search_docs DROP COLUMN tsv;
ALTER TABLE search_docs RENAME COLUMN terms TO tsv;
ALTER TABLE search_docs ALTER COLUMN tsv SET NOT NULL;
ALTER TABLE search_docs DROP COLUMN title;
ALTER TABLE search_docs DROP COLUMN body;
CREATE INDEX search_docs_tsv ON search_docs USING gin (tsv);
