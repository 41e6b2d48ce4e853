package read

import (
	"fmt"

	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/store"
)

// Viewer is who reads: an account, or nobody (User nil) for readers
// without one. It is the atlas's one read policy, which pages, the API,
// feeds and exports all ask:
//
//   - by default a sheet is shown as its readers see it: the version its
//     board validated to readers without an account (the head of a sheet
//     never validated, as a draft), the head to contributors, who work on
//     it;
//   - history is public, as in every wiki: anyone may read any revision,
//     history page, diff or list of changes by asking for it.
//
// Board members and admins read as any contributor: the board decides
// what is published, not what may be read.
type Viewer struct {
	User *model.User
}

// DefaultRevision is the revision the viewer is shown when none is asked
// for.
func (v Viewer) DefaultRevision(sh *model.Sheet) int {
	return sheet.VisibleNumber(sh, v.User)
}

// MayRead checks revisions the viewer asks for by number. History is
// public, so the only refusal is of a number naming no revision, the
// same for everyone: store.ErrNotFound.
func (v Viewer) MayRead(sh *model.Sheet, numbers ...int) error {
	for _, n := range numbers {
		if n < 1 || n > sh.HeadNumber {
			return fmt.Errorf("read: revision %d of sheet %q: %w", n, sh.Slug, store.ErrNotFound)
		}
	}
	return nil
}

// Revision returns the revision asked for (0: the default one), once the
// policy allows it.
func (v Viewer) Revision(sh *model.Sheet, asked int) (int, error) {
	if asked == 0 {
		return v.DefaultRevision(sh), nil
	}
	return asked, v.MayRead(sh, asked)
}
