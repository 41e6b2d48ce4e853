package sheet

import (
	"context"
	"strings"
	"unicode/utf8"

	"atlas/internal/document"
	"atlas/internal/i18n"
	"atlas/internal/model"
	"atlas/internal/store"
)

// MaxReasonRunes bounds the reason of an archive or a merge.
const MaxReasonRunes = 500

// RenameInput is an admin's rename: a new title, a new address, or both.
type RenameInput struct {
	Title *string
	Slug  *string
}

// Rename gives a sheet a new title and/or address. A new title is a new
// revision by the admin, summarized "renommée" (titles are revisioned); a
// new address keeps the old one as a redirect for ever. Both are in the
// audit log. It returns the sheet as it now is.
func (s *Service) Rename(ctx context.Context, admin *model.User, slug string, in RenameInput) (*model.Sheet, error) {
	if in.Title == nil && in.Slug == nil {
		return nil, ErrUnchanged
	}
	var newSlug string
	if in.Slug != nil {
		newSlug = strings.TrimSpace(*in.Slug)
		if err := checkSlug(newSlug); err != nil {
			return nil, err
		}
	}
	var sh *model.Sheet
	var rev *model.Revision
	var queued []model.Notification
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if sh, err = s.store.LockSheetBySlug(ctx, slug); err != nil {
			return err
		}
		if sh.MergedInto != nil {
			return invalid("slug", "already_archived", "error.sheet_merged")
		}
		changed := false
		details := model.JSONMap{}
		if in.Title != nil {
			head, err := s.store.Revision(ctx, sh.ID, sh.HeadNumber)
			if err != nil {
				return err
			}
			next, err := checkContent(Content{Title: *in.Title, Body: head.Body, Meta: head.Meta})
			if err != nil {
				return err
			}
			if next.Title != head.Title {
				details["from_title"], details["to_title"] = head.Title, next.Title
				summary := i18n.T(i18n.Default, "summary.renamed")
				if rev, queued, err = s.append(ctx, sh, head, admin, summary, model.OriginEdit, false, next); err != nil {
					return err
				}
				sh.Title = next.Title
				changed = true
			}
		}
		if in.Slug != nil && newSlug != sh.Slug {
			owner, taken, err := s.store.SlugOwner(ctx, newSlug)
			if err != nil {
				return err
			}
			if taken && owner != sh.ID {
				return invalid("slug", "slug_taken", "error.slug_taken", newSlug)
			}
			if err := s.store.MoveSheet(ctx, sh.ID, sh.Slug, newSlug, s.now()); err != nil {
				return err
			}
			details["from_slug"], details["to_slug"] = sh.Slug, newSlug
			sh.Slug = newSlug
			changed = true
		}
		if !changed {
			return ErrUnchanged
		}
		return s.audit(ctx, admin, store.AuditSheetRename, sh.ID, details)
	})
	if err != nil {
		return nil, err
	}
	s.mail(ctx, queued)
	s.published(ctx, rev, admin)
	return s.store.SheetByID(ctx, sh.ID)
}

// checkSlug applies the rules of an address chosen by hand.
func checkSlug(slug string) error {
	if slug == "" || len(slug) > 80 || !slugPattern.MatchString(slug) {
		return invalid("slug", "invalid_slug", "error.slug_invalid")
	}
	if ReservedSlug(slug) {
		return invalid("slug", "slug_reserved", "error.slug_reserved", slug)
	}
	return nil
}

// checkReason validates the reason of an archive or a merge: required,
// one line, bounded.
func checkReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return "", invalid("reason", "reason_required", "error.reason_required")
	case utf8.RuneCountInString(reason) > MaxReasonRunes || !cleanText(reason) || strings.ContainsAny(reason, "\r\n"):
		return "", invalid("reason", "invalid_reason", "error.reason_invalid", MaxReasonRunes)
	case !document.OneLine(reason):
		return "", invalid("reason", "control_character", "error.control_character.meta")
	}
	return reason, nil
}

// Archive takes a sheet out of lists, search and the map; readers get 410
// with the reason. Nothing of its history is deleted.
func (s *Service) Archive(ctx context.Context, admin *model.User, slug, reason string) error {
	reason, err := checkReason(reason)
	if err != nil {
		return err
	}
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		sh, err := s.store.LockSheetBySlug(ctx, slug)
		if err != nil {
			return err
		}
		if sh.Archived() {
			return invalid("slug", "already_archived", "error.sheet_already_archived")
		}
		now := s.now()
		if err := s.store.SetArchived(ctx, sh.ID, &now, &admin.ID, reason, nil, now); err != nil {
			return err
		}
		return s.audit(ctx, admin, store.AuditSheetArchive, sh.ID, model.JSONMap{"reason": reason})
	})
}

// Unarchive brings an archived sheet back, a merged duplicate too (which
// then has its own page again).
func (s *Service) Unarchive(ctx context.Context, admin *model.User, slug string) error {
	return s.store.WithTx(ctx, func(ctx context.Context) error {
		sh, err := s.store.LockSheetBySlug(ctx, slug)
		if err != nil {
			return err
		}
		if !sh.Archived() {
			return invalid("slug", "not_archived", "error.sheet_not_archived")
		}
		if err := s.store.SetArchived(ctx, sh.ID, nil, nil, "", nil, s.now()); err != nil {
			return err
		}
		if sh.MergedInto != nil { // its page no longer names the duplicate
			if err := s.store.TouchSheet(ctx, *sh.MergedInto); err != nil {
				return err
			}
		}
		return s.audit(ctx, admin, store.AuditSheetUnarchive, sh.ID, model.JSONMap{"reason": sh.ArchiveReason})
	})
}

// Merge archives the duplicate dup as a redirect to into: its addresses
// lead there, and its own history stays readable at its address.
func (s *Service) Merge(ctx context.Context, admin *model.User, dup, into, reason string) (*model.Sheet, error) {
	reason, err := checkReason(reason)
	if err != nil {
		return nil, err
	}
	var target *model.Sheet
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		sh, err := s.store.LockSheetBySlug(ctx, dup)
		if err != nil {
			return err
		}
		if sh.Archived() {
			return invalid("slug", "already_archived", "error.sheet_already_archived")
		}
		if target, err = s.store.LockSheetBySlug(ctx, strings.TrimSpace(into)); err != nil {
			return invalid("into", "unknown_target", "error.merge_target_unknown", into)
		}
		if target.ID == sh.ID || target.Archived() {
			return invalid("into", "invalid_target", "error.merge_target_invalid")
		}
		now := s.now()
		if err := s.store.SetArchived(ctx, sh.ID, &now, &admin.ID, reason, &target.ID, now); err != nil {
			return err
		}
		if err := s.store.TouchSheet(ctx, target.ID); err != nil {
			return err
		}
		return s.audit(ctx, admin, store.AuditSheetMerge, sh.ID, model.JSONMap{"reason": reason, "into": target.Slug, "into_id": target.ID})
	})
	return target, err
}

func (s *Service) audit(ctx context.Context, admin *model.User, action string, sheetID int64, details model.JSONMap) error {
	return s.store.AppendAudit(ctx, &model.AuditEntry{CreatedAt: s.now(), ActorID: &admin.ID, Action: action, SheetID: &sheetID, Details: details})
}
