-- 0007 search terms: the application now cuts and stems words itself (the
-- same way for both databases) and writes each sheet's tsvector, so the
-- index no longer keeps a copy of the text nor runs PostgreSQL's parser
-- and dictionaries at every save (tens of milliseconds for a long sheet).
-- Existing vectors are kept as the atlas_fr configuration made them (it
-- stems as the application does); `atlas reindex` rewrites them exactly.
ALTER TABLE search_docs ADD COLUMN terms tsvector;
UPDATE search_docs SET terms = tsv;
ALTER TABLE search_docs DROP COLUMN tsv;
ALTER TABLE search_docs RENAME COLUMN terms TO tsv;
ALTER TABLE search_docs ALTER COLUMN tsv SET NOT NULL;
ALTER TABLE search_docs DROP COLUMN title;
ALTER TABLE search_docs DROP COLUMN body;
CREATE INDEX search_docs_tsv ON search_docs USING gin (tsv);
