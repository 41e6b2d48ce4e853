-- 0017 card geometry: a place may carry a GeoJSON shape (an outline, a
-- route). The card keeps the visible version's shape, normalized, so the
-- map is built from cards alone; lists select their columns and never
-- read it.
ALTER TABLE sheet_cards ADD COLUMN geometry TEXT NOT NULL DEFAULT '';
