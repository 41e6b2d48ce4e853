package read

import (
	"context"
	"errors"
	"fmt"

	"atlas/internal/model"
	"atlas/internal/store"
)

// Provenance is what a sheet's history says about it, read without
// rebuilding any revision: who started it and when, who touched it last,
// who else wrote, and the decision that published the version readers see.
type Provenance struct {
	First, Head  store.RevisionStamp
	Contributors []store.Contributor // in the order they first wrote
	Users        map[int64]*model.User
	// Decision is the review that validated the published revision, with
	// its tally; nil for a sheet never validated.
	Decision *model.Review
}

// Provenance reads a sheet's provenance in four queries.
func (r *Reader) Provenance(ctx context.Context, sh *model.Sheet) (*Provenance, error) {
	contributors, err := r.store.Contributors(ctx, sh.ID)
	if err != nil {
		return nil, err
	}
	stamps, err := r.store.RevisionStamps(ctx, sh.ID, 1, sh.HeadNumber)
	if err != nil {
		return nil, err
	}
	p := &Provenance{First: stamps[1], Head: stamps[sh.HeadNumber], Contributors: contributors}
	if p.First.Number != 1 || p.Head.Number != sh.HeadNumber {
		return nil, fmt.Errorf("read: provenance of sheet %d: %w", sh.ID, store.ErrNotFound)
	}
	ids := []int64{p.Head.AuthorID, p.First.AuthorID}
	for _, c := range contributors {
		ids = append(ids, c.AuthorID)
	}
	if p.Users, err = r.store.UsersByIDs(ctx, ids); err != nil {
		return nil, err
	}
	if sh.PublishedNumber != nil {
		d, err := r.store.PublishingReview(ctx, sh.ID, *sh.PublishedNumber)
		switch {
		case err == nil:
			p.Decision = d
		case !errors.Is(err, store.ErrNotFound):
			return nil, err
		}
	}
	return p, nil
}
