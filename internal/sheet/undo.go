package sheet

import (
	"context"
	"fmt"

	"atlas/internal/diff"
	"atlas/internal/i18n"
	"atlas/internal/model"
)

// UndoPlan is what taking back revision Target's change would do to the
// sheet now.
//
// The change Target made is Parent→Target. Taking it back is the change
// Target→Parent, applied to the head by the three-way merge every save
// uses: merge base Target's text, one side the head (everything written
// since), the other Parent's text (the change taken back). Passages
// nobody touched after Target go back to Parent's text; what later
// revisions changed elsewhere stays; where a later revision changed a
// passage Target changed too, the two overlap and Conflicts names them.
// Result is the merge, with Parent's text in the overlapping passages: the
// text proposed to the person, who can rework it and save it from Head.
type UndoPlan struct {
	Target    *model.Revision
	Parent    *model.Revision
	Head      *model.Revision
	Result    Content
	Conflicts []diff.Conflict
}

// PlanUndo computes what undoing revision number of the sheet would do,
// without writing anything: the confirmation page shows it. Its errors are
// those of Undo, but for the conflict, which the plan carries.
func (s *Service) PlanUndo(ctx context.Context, slug string, number int) (UndoPlan, error) {
	sh, err := s.store.SheetBySlug(ctx, slug)
	if err != nil {
		return UndoPlan{}, err
	}
	return s.planUndo(ctx, sh, number)
}

func (s *Service) planUndo(ctx context.Context, sh *model.Sheet, number int) (UndoPlan, error) {
	target, err := s.store.Revision(ctx, sh.ID, number)
	if err != nil {
		return UndoPlan{}, err
	}
	if target.Parent == nil {
		// The first revision made the sheet: taking it back would leave
		// nothing. Archiving is the way to retire a sheet.
		return UndoPlan{}, invalid("revision", "undo_first_revision", "error.undo_first_revision")
	}
	parent, err := s.store.Revision(ctx, sh.ID, *target.Parent)
	if err != nil {
		return UndoPlan{}, err
	}
	head := target
	if sh.HeadNumber != target.Number {
		if head, err = s.store.Revision(ctx, sh.ID, sh.HeadNumber); err != nil {
			return UndoPlan{}, err
		}
	}
	p := UndoPlan{Target: target, Parent: parent, Head: head}
	p.Result, p.Conflicts = merge(contentOf(target), contentOf(parent), contentOf(head))
	if len(p.Result.Body) > MaxBodyBytes {
		return UndoPlan{}, invalid("body", "merge_too_large", "error.merge_too_large")
	}
	if len(p.Conflicts) == 0 && p.Result.equal(contentOf(head)) {
		// Nothing of the change is left in the head: later revisions took
		// it back already (or it changed nothing). An undo stores no
		// revision that repeats the head.
		return UndoPlan{}, invalid("revision", "already_undone", "error.undo_unchanged", number)
	}
	return p, nil
}

// UndoInput names the revision whose change to take back, with an optional
// summary (by default "Annulation de la modification N de X").
type UndoInput struct {
	Revision int
	Summary  string
}

// Undo takes back the change revision in.Revision made, merged onto the
// head (see UndoPlan), as a new revision of origin undo whose Reverts names
// the undone revision's parent. Later edits that overlap the change come
// back as *ConflictError with nothing stored: its Mine and Merged both hold
// the proposed text (the plan's Result), to be saved from Head once
// reworked. Like every save, it only moves the head: a sheet with a board
// keeps showing its validated version until a review validates the new one.
func (s *Service) Undo(ctx context.Context, author *model.User, slug string, in UndoInput) (*model.Revision, error) {
	summary, err := checkSummary(in.Summary)
	if err != nil {
		return nil, err
	}
	var rev *model.Revision
	var queued []model.Notification
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		sh, err := s.store.LockSheetBySlug(ctx, slug)
		if err != nil {
			return err
		}
		p, err := s.planUndo(ctx, sh, in.Revision)
		if err != nil {
			return err
		}
		if len(p.Conflicts) > 0 {
			return &ConflictError{Head: p.Head.Number, Mine: p.Result, Merged: p.Result, Conflicts: p.Conflicts}
		}
		next, err := checkContent(p.Result)
		if err != nil {
			return err
		}
		if summary == "" {
			if summary, err = s.undoSummary(ctx, i18n.Default, p.Target); err != nil {
				return err
			}
		}
		rev, queued, err = s.appendReverting(ctx, sh, p.Head, author, summary, model.OriginUndo, next, p.Target.Parent)
		return err
	})
	if err == nil {
		s.mail(ctx, queued)
		s.published(ctx, rev, author)
	}
	return rev, err
}

// UndoSummary is the summary an undo of target gets by default, in lang:
// "Annulation de la modification N de X".
func (s *Service) UndoSummary(ctx context.Context, lang string, target *model.Revision) (string, error) {
	return s.undoSummary(ctx, lang, target)
}

func (s *Service) undoSummary(ctx context.Context, lang string, target *model.Revision) (string, error) {
	users, err := s.store.UsersByIDs(ctx, []int64{target.AuthorID})
	if err != nil {
		return "", err
	}
	u := users[target.AuthorID]
	if u == nil {
		return "", fmt.Errorf("sheet: revision %d: its author %d is gone", target.Number, target.AuthorID)
	}
	if summary, err := checkSummary(i18n.T(lang, "summary.undone", target.Number, u.Name())); err == nil {
		return summary, nil
	}
	// A display name no summary can hold: the username, which always fits.
	return i18n.T(lang, "summary.undone", target.Number, u.Username), nil
}
