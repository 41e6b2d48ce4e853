package read

import (
	"context"
	"slices"
	"strings"

	"atlas/internal/model"
	"atlas/internal/review"
)

// Review is a review with everything shown about it: its sheet, its votes
// with who cast them, its amendments, its board and tally.
//
// Board, BoardIDs and Tally are the board the review is counted with: the
// sheet's board now while the review is open, the board frozen when it
// closed once it is decided or withdrawn (Frozen), so a later change of
// the board never rewrites a decision.
type Review struct {
	Review     *model.Review
	Sheet      *model.Sheet
	Votes      []model.Vote
	Board      []model.User
	BoardIDs   []int64
	Tally      review.Tally
	Users      map[int64]*model.User
	Amendments []model.ReviewAmendment
	// Frozen says Board is the one the review closed with; Partial that
	// it was rebuilt (migration review_board_frozen) knowing only some of
	// its members.
	Frozen  bool
	Partial bool
	// Rule is the rule the review decides by, copied when it opened.
	Rule model.Rule
	// memberIDs is the sheet's board now: who may still act on the review.
	memberIDs []int64
}

// Review loads one review with its sheet, votes, board and people.
func (r *Reader) Review(ctx context.Context, id int64) (*Review, error) {
	rv, err := r.store.ReviewByID(ctx, id)
	if err != nil {
		return nil, err
	}
	sh, err := r.store.SheetByID(ctx, rv.SheetID)
	if err != nil {
		return nil, err
	}
	list, err := r.reviews(ctx, sh, []model.Review{*rv})
	if err != nil {
		return nil, err
	}
	return list[0], nil
}

// SheetReviews loads every review of a sheet, newest first, in a fixed
// number of queries however many there are: the reviews, their votes,
// their amendments, the board and the people named.
func (r *Reader) SheetReviews(ctx context.Context, sh *model.Sheet) ([]*Review, error) {
	list, err := r.store.ReviewsOf(ctx, sh.ID)
	if err != nil {
		return nil, err
	}
	return r.reviews(ctx, sh, list)
}

// reviews completes reviews of one sheet with what is shown about them,
// reading each kind of row once for all of them.
func (r *Reader) reviews(ctx context.Context, sh *model.Sheet, list []model.Review) ([]*Review, error) {
	out := make([]*Review, 0, len(list))
	if len(list) == 0 {
		return out, nil
	}
	ids := make([]int64, len(list))
	for i, rv := range list {
		ids[i] = rv.ID
	}
	votes, err := r.store.VotesOfReviews(ctx, ids...)
	if err != nil {
		return nil, err
	}
	amendments, err := r.store.AmendmentsOf(ctx, ids...)
	if err != nil {
		return nil, err
	}
	board, err := r.store.BoardOf(ctx, sh.ID)
	if err != nil {
		return nil, err
	}
	boardIDs := make([]int64, 0, len(board))
	for _, u := range board {
		boardIDs = append(boardIDs, u.ID)
	}
	people := make([]int64, 0, len(list)+len(votes)+len(amendments))
	for _, rv := range list {
		people = append(people, rv.SubmittedBy)
	}
	for _, v := range votes {
		people = append(people, v.VoterID)
	}
	for _, a := range amendments {
		people = append(people, a.AuthorID)
	}
	for _, rv := range list {
		if frozen := closedBoard(&rv); frozen != nil {
			people = append(people, frozen.Members...)
		}
	}
	users, err := r.store.UsersByIDs(ctx, people)
	if err != nil {
		return nil, err
	}
	for i := range list {
		rv := &list[i]
		b := &Review{Review: rv, Sheet: sh, Board: board, BoardIDs: boardIDs, Users: users, memberIDs: boardIDs, Rule: review.RuleOf(rv),
			Votes:      ofReview(votes, rv.ID, func(v model.Vote) int64 { return v.ReviewID }),
			Amendments: ofReview(amendments, rv.ID, func(a model.ReviewAmendment) int64 { return a.ReviewID })}
		b.Tally = review.Count(review.Ballots(b.Votes), rv.RevisionNumber, boardIDs)
		if frozen := closedBoard(rv); frozen != nil {
			b.freeze(frozen)
		}
		out = append(out, b)
	}
	return out, nil
}

// closedBoard is the board a closed review froze, or nil: an open review
// (or one closed before boards were frozen and never backfilled) is
// counted with the sheet's board now.
func closedBoard(rv *model.Review) *model.BoardSnapshot {
	if review.Open(rv.State) {
		return nil
	}
	return rv.BoardAtClose
}

// freeze shows the review with the board it closed with: its members (by
// username, as BoardOf orders them), and its tally recounted on them with
// the seats and majority recorded then.
func (b *Review) freeze(frozen *model.BoardSnapshot) {
	b.Frozen, b.Partial = true, frozen.Partial
	b.BoardIDs = frozen.Members
	b.Board = make([]model.User, 0, len(frozen.Members))
	for _, id := range frozen.Members {
		if u := b.Users[id]; u != nil {
			b.Board = append(b.Board, *u)
		}
	}
	slices.SortFunc(b.Board, func(x, y model.User) int { return strings.Compare(x.Username, y.Username) })
	b.Tally = review.Count(review.Ballots(b.Votes), b.Review.RevisionNumber, frozen.Members)
	b.Tally.Seats, b.Tally.Needed = frozen.Seats, frozen.Needed
}

// ofReview keeps the rows of one review, in their order.
func ofReview[T any](rows []T, id int64, reviewOf func(T) int64) []T {
	var out []T
	for _, row := range rows {
		if reviewOf(row) == id {
			out = append(out, row)
		}
	}
	return out
}

// Name is the username of one of the people the review names, or "".
func (b *Review) Name(id int64) string {
	if u := b.Users[id]; u != nil {
		return u.Username
	}
	return ""
}

// DisplayName is how pages name one of the people the review names.
func (b *Review) DisplayName(id int64) string {
	if u := b.Users[id]; u != nil {
		return u.Name()
	}
	return ""
}

// IsMember reports whether u sits on the sheet's board now (which is what
// may act on an open review; a closed one takes no more action).
func (b *Review) IsMember(u *model.User) bool {
	return u != nil && slices.Contains(b.memberIDs, u.ID)
}
