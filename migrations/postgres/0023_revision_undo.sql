-- 0023 revision undo: a revision may now take back what one earlier
-- revision changed (origin 'undo', merged onto the head), and every
-- revision that brings back words of an older text says which: reverts
-- names that revision (the restored one for a restore, the undone
-- revision's parent for an undo), NULL for all others and for restores
-- written before this migration. Authorship gives the words back to their
-- authors through it. Neither field is part of the body's SHA-256.
--
-- Changing a constraint and adding a nullable column touch no row: the
-- append-only triggers (0001) are row and TRUNCATE triggers and do not
-- fire; the new CHECK is validated against the existing rows.
ALTER TABLE revisions DROP CONSTRAINT revisions_origin_check;
ALTER TABLE revisions ADD CONSTRAINT revisions_origin_check
    CHECK (origin IN ('edit', 'merge', 'restore', 'amendment', 'import', 'undo'));
ALTER TABLE revisions ADD COLUMN reverts integer CHECK (reverts > 0 AND reverts < number);
