package web

import (
	"context"

	"atlas/internal/model"
	"atlas/internal/review"
)

// revisionStates reads a sheet's reviews and amendments once and tells
// each revision's state; absent numbers are drafts.
func (h *handler) revisionStates(ctx context.Context, sh *model.Sheet) (map[int]string, error) {
	reviews, err := h.store.ReviewsOf(ctx, sh.ID)
	if err != nil {
		return nil, err
	}
	pins := make([]review.Pin, len(reviews))
	ids := make([]int64, len(reviews))
	for i, r := range reviews {
		pins[i] = review.Pin{Revision: r.RevisionNumber, State: r.State}
		ids[i] = r.ID
	}
	amendments, err := h.store.AmendmentsOf(ctx, ids...)
	if err != nil {
		return nil, err
	}
	moves := make([]review.Move, len(amendments))
	for i, a := range amendments {
		moves[i] = review.Move{From: a.FromNumber, To: a.ToNumber}
	}
	published := 0
	if sh.PublishedNumber != nil {
		published = *sh.PublishedNumber
	}
	return review.RevisionStates(pins, moves, published), nil
}

func stateOf(states map[int]string, number int) string {
	if s, ok := states[number]; ok {
		return s
	}
	return review.RevisionDraft
}

// revisionState is the state of one revision, for answers about a single
// one.
func (h *handler) revisionState(ctx context.Context, sh *model.Sheet, number int) (string, error) {
	states, err := h.revisionStates(ctx, sh)
	return stateOf(states, number), err
}
