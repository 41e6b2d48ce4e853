package sheet

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"atlas/internal/document"
	"atlas/internal/model"
	"atlas/internal/store"
)

// MaxDrafts bounds the drafts one account keeps: one per sheet being
// written, which fifty covers for anyone; past it a new draft is refused
// (ErrTooManyDrafts) unless the caller asks to make room.
const MaxDrafts = 50

// ErrTooManyDrafts is a new draft beyond MaxDrafts.
var ErrTooManyDrafts = errors.New("sheet: too many drafts")

// ErrDraftChanged is a draft written over one the writer had not seen:
// another tab, or another device, saved the account's draft of that sheet
// meanwhile (DraftOptions.IfSavedAt).
var ErrDraftChanged = errors.New("sheet: draft changed meanwhile")

// DraftInput is what a draft holds. Base is the revision the text started
// from (0 for a new sheet).
type DraftInput struct {
	Base    int        `json:"base"`
	Title   string     `json:"title"`
	Body    string     `json:"body"`
	Meta    model.Meta `json:"meta"`
	Summary string     `json:"summary"`
}

// DraftOptions tunes PutDraft.
type DraftOptions struct {
	// IfSavedAt makes the write a compare-and-set: it is refused with
	// ErrDraftChanged unless the account's draft of the sheet is the one
	// saved at that instant, or, for the zero time, unless there is none.
	// nil writes whatever is there.
	IfSavedAt *time.Time
}

// PutDraft keeps an account's draft of a sheet (slug "" for the sheet it
// has not created yet), replacing the one it had. Drafts are bounded like
// revisions (size of the body, title and summary) but not held to a
// revision's rules: a title may still be empty, a web address half typed.
func (s *Service) PutDraft(ctx context.Context, owner *model.User, slug string, in DraftInput, opt DraftOptions) (*model.Draft, error) {
	in, err := checkDraft(in)
	if err != nil {
		return nil, err
	}
	var d *model.Draft
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		sheetID, err := s.draftSheet(ctx, slug, in.Base)
		if err != nil {
			return err
		}
		if err := s.store.LockDraftsOf(ctx, owner.ID); err != nil {
			return err
		}
		// Times are kept to the microsecond, what both databases store, so
		// that the saved_at an editor carries names its draft exactly.
		now := s.now().Truncate(time.Microsecond)
		old, err := s.store.Draft(ctx, owner.ID, sheetID)
		switch {
		case errors.Is(err, store.ErrNotFound):
			old = nil
		case err != nil:
			return err
		}
		if opt.IfSavedAt != nil && !sameDraft(old, *opt.IfSavedAt) {
			return ErrDraftChanged
		}
		if old != nil && !now.After(old.SavedAt) {
			now = old.SavedAt.Add(time.Microsecond) // each write its own name
		}
		d = &model.Draft{UserID: owner.ID, SheetID: sheetID, Base: in.Base, Title: in.Title, Body: in.Body,
			Meta: in.Meta, Summary: in.Summary, CreatedAt: now, SavedAt: now}
		updated, err := s.store.UpdateDraft(ctx, d)
		if err != nil || updated {
			return err
		}
		n, err := s.store.CountDrafts(ctx, owner.ID)
		if err != nil {
			return err
		}
		if n >= MaxDrafts {
			return ErrTooManyDrafts
		}
		return s.store.CreateDraft(ctx, d)
	})
	if err != nil {
		return nil, err
	}
	return s.store.Draft(ctx, owner.ID, d.SheetID)
}

// Draft returns an account's draft of a sheet (slug "": of a new sheet), or
// store.ErrNotFound.
func (s *Service) Draft(ctx context.Context, owner *model.User, slug string) (*model.Draft, error) {
	sheetID, err := s.draftSheetID(ctx, slug)
	if err != nil {
		return nil, err
	}
	return s.store.Draft(ctx, owner.ID, sheetID)
}

// DeleteDraft discards an account's draft of a sheet; store.ErrNotFound
// when there is none.
func (s *Service) DeleteDraft(ctx context.Context, owner *model.User, slug string) error {
	sheetID, err := s.draftSheetID(ctx, slug)
	if err != nil {
		return err
	}
	deleted, err := s.store.DeleteDraft(ctx, owner.ID, sheetID)
	if err == nil && !deleted {
		err = fmt.Errorf("sheet: draft of %q: %w", slug, store.ErrNotFound)
	}
	return err
}

// Drafts lists an account's drafts, most recent first.
func (s *Service) Drafts(ctx context.Context, owner *model.User) ([]model.DraftListItem, error) {
	return s.store.Drafts(ctx, owner.ID)
}

// sameDraft tells whether d (nil: none) is the draft saved at savedAt
// (zero: none).
func sameDraft(d *model.Draft, savedAt time.Time) bool {
	if d == nil {
		return savedAt.IsZero()
	}
	return d.SavedAt.Equal(savedAt)
}

// spendDraft deletes the author's draft of a sheet (nil: of a new sheet)
// inside a save's transaction, when the save was made from it: from is
// the saved_at of the draft the text was written from, nil when it names
// none (a program's save, an amendment). A draft written since, by another
// tab, is kept. A save that fails rolls this back, so a refused save keeps
// the draft.
func (s *Service) spendDraft(ctx context.Context, author *model.User, sheetID *int64, from *time.Time) error {
	if from == nil || from.IsZero() {
		return nil
	}
	if err := s.store.LockDraftsOf(ctx, author.ID); err != nil {
		return err
	}
	d, err := s.store.Draft(ctx, author.ID, sheetID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !d.SavedAt.Equal(*from)) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = s.store.DeleteDraft(ctx, author.ID, sheetID)
	return err
}

func (s *Service) draftSheetID(ctx context.Context, slug string) (*int64, error) {
	if slug == "" {
		return nil, nil
	}
	sh, err := s.store.SheetBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	return &sh.ID, nil
}

// draftSheet finds the sheet of a draft and checks its base: a revision of
// that sheet, or 0 for a sheet not yet created.
func (s *Service) draftSheet(ctx context.Context, slug string, base int) (*int64, error) {
	if slug == "" {
		if base != 0 {
			return nil, invalid("base", "unknown_base", "error.base_of_new_sheet")
		}
		return nil, nil
	}
	sh, err := s.store.SheetBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	if base < 1 || base > sh.HeadNumber {
		return nil, invalid("base", "unknown_base", "error.base_range", sh.HeadNumber)
	}
	return &sh.ID, nil
}

// checkDraft bounds a draft as a revision is bounded, without asking it to
// be finished: an empty title or a half-typed web address are kept.
func checkDraft(in DraftInput) (DraftInput, error) {
	if err := checkText(in.Title, in.Body); err != nil {
		return in, err
	}
	if utf8.RuneCountInString(in.Summary) > MaxSummaryRune || strings.ContainsAny(in.Summary, "\r\n") || !cleanText(in.Summary) {
		return in, invalid("summary", "invalid_summary", "error.summary_invalid", MaxSummaryRune)
	}
	if !document.OneLine(in.Summary) {
		return in, controlError("summary")
	}
	website := strings.TrimSpace(in.Meta.Website)
	if utf8.RuneCountInString(website) > maxMetaText || !cleanText(website) {
		return in, invalid("meta.website", "too_long", "error.text_too_long")
	}
	if !document.OneLine(website) {
		return in, controlError("meta.website")
	}
	in.Meta.Website = ""
	// "Another licence" whose name is not typed yet is half typed too: the
	// draft keeps the choice, a revision still needs the name.
	unnamed := strings.TrimSpace(in.Meta.Licence) == LicenceOther
	if unnamed {
		in.Meta.Licence = ""
	}
	meta, err := NormalizeMeta(in.Meta)
	if err != nil {
		return in, err
	}
	meta.Website = website
	if unnamed {
		meta.Licence = LicenceOther
	}
	in.Meta = meta
	return in, nil
}

// SameMeta tells whether two sets of metadata are the same by the rule a
// save applies (Content.equal): categories compared as a set.
func SameMeta(a, b model.Meta) bool {
	return Content{Meta: a}.equal(Content{Meta: b})
}
