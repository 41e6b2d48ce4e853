package read

import (
	"context"
	"time"

	"atlas/internal/diff"
	"atlas/internal/model"
	"atlas/internal/review"
	"atlas/internal/sheet"
)

// States tells each revision of a sheet its review state; numbers absent
// are drafts.
type States map[int]string

// Of is the state of revision n.
func (s States) Of(n int) string {
	if state, ok := s[n]; ok {
		return state
	}
	return review.RevisionDraft
}

// RevisionStates reads a sheet's reviews and amendments once, in two
// queries, and tells each revision's state.
func (r *Reader) RevisionStates(ctx context.Context, sh *model.Sheet) (States, error) {
	reviews, err := r.store.ReviewsOf(ctx, sh.ID)
	if err != nil {
		return nil, err
	}
	pins := make([]review.Pin, len(reviews))
	ids := make([]int64, len(reviews))
	for i, rv := range reviews {
		pins[i] = review.Pin{Revision: rv.RevisionNumber, State: rv.State}
		ids[i] = rv.ID
	}
	amendments, err := r.store.AmendmentsOf(ctx, ids...)
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

// RevisionState is the state of one revision.
func (r *Reader) RevisionState(ctx context.Context, sh *model.Sheet, n int) (string, error) {
	states, err := r.RevisionStates(ctx, sh)
	return states.Of(n), err
}

// History is one page of a sheet's history, newest first, without bodies.
type History struct {
	Revisions []model.Revision
	// Next is the number to ask for the following page before; 0 on the
	// last page.
	Next    int
	Authors map[int64]*model.User
	States  States
}

// History reads the page of up to limit revisions older than before (0:
// the newest), with their authors and states, in four queries at any
// depth.
func (r *Reader) History(ctx context.Context, sh *model.Sheet, before, limit int) (*History, error) {
	page, err := r.store.ListRevisions(ctx, sh.ID, before, limit)
	if err != nil {
		return nil, err
	}
	h := &History{Revisions: page.Revisions, Next: page.Next}
	if h.Authors, err = r.store.UsersByIDs(ctx, authorIDs(page.Revisions)); err != nil {
		return nil, err
	}
	if h.States, err = r.RevisionStates(ctx, sh); err != nil {
		return nil, err
	}
	return h, nil
}

func authorIDs(revs []model.Revision) []int64 {
	seen := map[int64]bool{}
	var ids []int64
	for _, rv := range revs {
		if !seen[rv.AuthorID] {
			seen[rv.AuthorID] = true
			ids = append(ids, rv.AuthorID)
		}
	}
	return ids
}

// Revision is one revision with its author and review state.
type Revision struct {
	Revision *model.Revision
	Author   *model.User
	State    string
}

// Revision reads revision n of a sheet (the viewer may read it: MayRead).
func (r *Reader) Revision(ctx context.Context, sh *model.Sheet, n int) (*Revision, error) {
	rev, err := r.store.Revision(ctx, sh.ID, n)
	if err != nil {
		return nil, err
	}
	author, err := r.store.UserByID(ctx, rev.AuthorID)
	if err != nil {
		return nil, err
	}
	state, err := r.RevisionState(ctx, sh, n)
	if err != nil {
		return nil, err
	}
	return &Revision{Revision: rev, Author: author, State: state}, nil
}

// Comparison is two revisions of a sheet and what separates them, computed
// once and shown as JSON, inline or side by side.
type Comparison struct {
	Sheet    *model.Sheet
	From, To *model.Revision
	Result   diff.Result
	TitleOps []diff.Op
	Meta     []sheet.MetaChange
}

// Compare compares revisions from and to of a sheet, spending at most
// timeout on the text (a huge diff degrades to coarser blocks).
func (r *Reader) Compare(ctx context.Context, sh *model.Sheet, from, to int, timeout time.Duration) (*Comparison, error) {
	a, b, err := r.RevisionPair(ctx, sh, from, to)
	if err != nil {
		return nil, err
	}
	cmp := CompareHeader(sh, a, b, timeout)
	cmp.Result = diff.Compare(a.Body, b.Body, diff.Options{Timeout: timeout})
	return cmp, nil
}

// RevisionPair loads revisions from and to of a sheet.
func (r *Reader) RevisionPair(ctx context.Context, sh *model.Sheet, from, to int) (a, b *model.Revision, err error) {
	if a, err = r.store.Revision(ctx, sh.ID, from); err != nil {
		return nil, nil, err
	}
	if b, err = r.store.Revision(ctx, sh.ID, to); err != nil {
		return nil, nil, err
	}
	return a, b, nil
}

// CompareHeader compares what is cheap to compare in two revisions, the
// title and the metadata, leaving Result, the body's diff, to the caller:
// that one is the costly part, which pages keep (see web's diffs).
func CompareHeader(sh *model.Sheet, a, b *model.Revision, timeout time.Duration) *Comparison {
	cmp := &Comparison{Sheet: sh, From: a, To: b, Meta: sheet.MetaChanges(a.Meta, b.Meta)}
	if a.Title != b.Title {
		cmp.TitleOps = diff.Words(a.Title, b.Title, timeout)
	} else {
		cmp.TitleOps = []diff.Op{{Op: "equal", Text: a.Title}}
	}
	return cmp
}
