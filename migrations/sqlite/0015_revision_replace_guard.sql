-- 0015 revision replace guard: SQLite's INSERT OR REPLACE (and REPLACE)
-- resolves a conflict on a revision's id or (sheet_id, number) by deleting
-- the old row, and that deletion fires no delete trigger unless
-- recursive_triggers is on for the connection: revisions_no_delete (0001)
-- let any client rewrite history that way. This trigger refuses, on every
-- connection whatever its pragmas, an insert whose id or number already
-- exists, before any conflict resolution runs. The store maps its message
-- ("duplicate revision") to a conflict, as the unique key was.
CREATE TRIGGER revisions_no_replace BEFORE INSERT ON revisions
WHEN EXISTS (SELECT 1 FROM revisions WHERE id = NEW.id)
  OR EXISTS (SELECT 1 FROM revisions WHERE sheet_id = NEW.sheet_id AND number = NEW.number)
BEGIN
    SELECT RAISE(ABORT, 'duplicate revision: revisions is append-only');
END;
