package store

import (
	"context"

	"atlas/internal/model"
)

// Audit actions.
const (
	AuditSubmit      = "submit"
	AuditVote        = "vote"
	AuditAmend       = "amend"
	AuditValidate    = "validate"
	AuditReject      = "reject"
	AuditWithdraw    = "withdraw"
	AuditExpire      = "expire" // a review's deadline passed undecided
	AuditBoardChange = "board_change"
	AuditRoleChange  = "role_change"
	AuditCommentHide = "comment_hide"
	// AuditPasswordChange records a new password and the API tokens it
	// ended.
	AuditPasswordChange = "password_change"
	// AuditSetup records the first admin, made through the setup link.
	AuditSetup = "setup"
	// AuditPasswordLink records a password link made for an account.
	AuditPasswordLink = "password_link"
	// AuditSignup records a self-registered account; an admin's answer
	// to a waiting one is AuditSignupApprove or AuditSignupRefuse.
	AuditSignup        = "signup"
	AuditSignupApprove = "signup_approve"
	AuditSignupRefuse  = "signup_refuse"
)

// AppendAudit writes an audit entry. The table refuses updates and deletes.
func (s *Store) AppendAudit(ctx context.Context, e *model.AuditEntry) error {
	return translate(s.conn(ctx).Create(e).Error, "append audit %s", e.Action)
}

// AuditPage lists audit entries newest first, keyset-paged by id.
func (s *Store) AuditPage(ctx context.Context, before int64, limit int) ([]model.AuditEntry, error) {
	q := s.conn(ctx).Order("id DESC").Limit(limit)
	if before > 0 {
		q = q.Where("id < ?", before)
	}
	var list []model.AuditEntry
	return list, translate(q.Find(&list).Error, "audit page")
}

// AuditOfReview lists a review's audit entries in order: its decision record.
func (s *Store) AuditOfReview(ctx context.Context, reviewID int64) ([]model.AuditEntry, error) {
	var list []model.AuditEntry
	err := s.conn(ctx).Where("review_id = ?", reviewID).Order("id").Find(&list).Error
	return list, translate(err, "audit of review %d", reviewID)
}
