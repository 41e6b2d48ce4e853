package read

import (
	"context"
	"errors"

	"atlas/internal/model"
	"atlas/internal/store"
)

// Sheet is a sheet as its page and the API show it: one revision, the
// board and the open review.
type Sheet struct {
	Sheet    *model.Sheet
	Revision *model.Revision
	Board    []model.User // by username
	// OpenReview is the submission awaiting the board; nil if none.
	OpenReview *model.Review
}

// Sheet reads revision n of a sheet (the viewer may read it: see Viewer)
// with its board and open review.
func (r *Reader) Sheet(ctx context.Context, sh *model.Sheet, n int) (*Sheet, error) {
	rev, err := r.store.Revision(ctx, sh.ID, n)
	if err != nil {
		return nil, err
	}
	board, err := r.store.BoardOf(ctx, sh.ID)
	if err != nil {
		return nil, err
	}
	out := &Sheet{Sheet: sh, Revision: rev, Board: board}
	open, err := r.store.OpenReviewOf(ctx, sh.ID)
	switch {
	case err == nil:
		out.OpenReview = open
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	return out, nil
}
