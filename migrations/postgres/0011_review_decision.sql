-- 0011 review decision: the tally that decided a review (approvals and
-- seats), kept on the review itself so the sheet page reads "validated by
-- 3 of 5" from structured data, not from the audit log's JSON. NULL for
-- reviews still open or withdrawn. Decisions taken before this migration
-- are read back from the audit log's entry of the decision, once.
ALTER TABLE reviews ADD COLUMN decided_approvals integer;
ALTER TABLE reviews ADD COLUMN decided_seats integer;
UPDATE reviews r SET decided_approvals = (d.details->>'approve')::integer, decided_seats = (d.details->>'seats')::integer
FROM (SELECT DISTINCT ON (review_id) review_id, details FROM audit_log
      WHERE action IN ('validate', 'reject') AND review_id IS NOT NULL ORDER BY review_id, id DESC) d
WHERE d.review_id = r.id AND r.state IN ('validated', 'rejected');
