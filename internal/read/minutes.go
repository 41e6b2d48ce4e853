package read

import (
	"context"
	"time"

	"atlas/internal/model"
	"atlas/internal/store"
)

// MaxMinutes bounds the decisions one set of minutes lists.
const MaxMinutes = 500

// Minutes are the decisions a sheet's board took in a period, each with
// the hash of the version it decided on, and apart from them the reviews
// that closed in the period with no decision (withdrawn or expired).
type Minutes struct {
	Sheet     *model.Sheet
	From, To  time.Time // To is exclusive
	Decisions []*Review
	// Undecided are the reviews withdrawn or expired in the period: they
	// are no decisions, and minutes show them apart.
	Undecided []*Review
	// Hashes are the SHA-256 of each listed review's revision, by review id.
	Hashes map[int64]string
}

// Minutes loads the decisions of a sheet's board from from up to before
// to, and the reviews closed without decision then, in a fixed number of
// queries.
func (r *Reader) Minutes(ctx context.Context, sh *model.Sheet, from, to time.Time) (*Minutes, error) {
	decided, err := r.store.DecisionsOf(ctx, sh.ID, from, to, MaxMinutes)
	if err != nil {
		return nil, err
	}
	undecided, err := r.store.ClosedWithoutDecisionOf(ctx, sh.ID, from, to, MaxMinutes)
	if err != nil {
		return nil, err
	}
	all := append(append(make([]model.Review, 0, len(decided)+len(undecided)), decided...), undecided...)
	loaded, err := r.reviews(ctx, sh, all)
	if err != nil {
		return nil, err
	}
	m := &Minutes{Sheet: sh, From: from, To: to, Hashes: map[int64]string{},
		Decisions: loaded[:len(decided)], Undecided: loaded[len(decided):]}
	keys := make([]store.RevisionKey, len(all))
	for i, rv := range all {
		keys[i] = store.RevisionKey{SheetID: sh.ID, Number: rv.RevisionNumber}
	}
	revs, err := r.store.RevisionsByKeys(ctx, keys)
	if err != nil {
		return nil, err
	}
	for _, rv := range all {
		if rev := revs[store.RevisionKey{SheetID: sh.ID, Number: rv.RevisionNumber}]; rev != nil {
			m.Hashes[rv.ID] = rev.SHA256
		}
	}
	return m, nil
}

// Agenda is what awaits a sheet's board: its open reviews, oldest first.
func (r *Reader) Agenda(ctx context.Context, sh *model.Sheet) ([]*Review, error) {
	list, err := r.store.OpenReviewsOf(ctx, sh.ID)
	if err != nil {
		return nil, err
	}
	return r.reviews(ctx, sh, list)
}
