-- 0013 drop session lang: the interface language is chosen per request (cookie,
-- then Accept-Language); the language a session was opened in was never read.
ALTER TABLE sessions DROP COLUMN lang;
