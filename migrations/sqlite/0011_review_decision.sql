-- 0011 review decision: the tally that decided a review (approvals and
-- seats), kept on the review itself so the sheet page reads "validated by
-- 3 of 5" from structured data, not from the audit log's JSON. NULL for
-- reviews still open or withdrawn. Decisions taken before this migration
-- are read back from the audit log's entry of the decision, once.
ALTER TABLE reviews ADD COLUMN decided_approvals INTEGER;
ALTER TABLE reviews ADD COLUMN decided_seats INTEGER;
UPDATE reviews SET
    decided_approvals = (SELECT CAST(json_extract(a.details, '$.approve') AS INTEGER) FROM audit_log a
        WHERE a.review_id = reviews.id AND a.action IN ('validate', 'reject') ORDER BY a.id DESC LIMIT 1),
    decided_seats = (SELECT CAST(json_extract(a.details, '$.seats') AS INTEGER) FROM audit_log a
        WHERE a.review_id = reviews.id AND a.action IN ('validate', 'reject') ORDER BY a.id DESC LIMIT 1)
WHERE state IN ('validated', 'rejected');
