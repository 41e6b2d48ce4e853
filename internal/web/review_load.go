package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/review"
)

// reviewBundle is a review with everything shown about it: its sheet, its
// votes with who cast them, its board and tally.
type reviewBundle struct {
	Review     *model.Review
	Sheet      *model.Sheet
	Votes      []model.Vote
	Board      []model.User
	BoardIDs   []int64
	Tally      review.Tally
	Users      map[int64]*model.User
	Amendments []model.ReviewAmendment
}

func (h *handler) loadReview(ctx context.Context, id int64) (*reviewBundle, error) {
	r, err := h.store.ReviewByID(ctx, id)
	if err != nil {
		return nil, err
	}
	sh, err := h.store.SheetByID(ctx, r.SheetID)
	if err != nil {
		return nil, err
	}
	votes, err := h.store.VotesOf(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	board, err := h.store.BoardOf(ctx, sh.ID)
	if err != nil {
		return nil, err
	}
	amendments, err := h.store.AmendmentsOf(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	b := &reviewBundle{Review: r, Sheet: sh, Votes: votes, Board: board, Amendments: amendments}
	ids := []int64{r.SubmittedBy}
	for _, u := range board {
		b.BoardIDs = append(b.BoardIDs, u.ID)
	}
	for _, v := range votes {
		ids = append(ids, v.VoterID)
	}
	for _, a := range amendments {
		ids = append(ids, a.AuthorID)
	}
	if b.Users, err = h.store.UsersByIDs(ctx, ids); err != nil {
		return nil, err
	}
	b.Tally = review.Count(review.Ballots(votes), r.RevisionNumber, b.BoardIDs)
	return b, nil
}

// sheetReviews loads every review of a sheet, newest first, with its votes
// and tally.
func (h *handler) sheetReviews(ctx context.Context, sheetID int64) ([]*reviewBundle, error) {
	list, err := h.store.ReviewsOf(ctx, sheetID)
	if err != nil {
		return nil, err
	}
	bundles := make([]*reviewBundle, 0, len(list))
	for _, r := range list {
		b, err := h.loadReview(ctx, r.ID)
		if err != nil {
			return nil, err
		}
		bundles = append(bundles, b)
	}
	return bundles, nil
}

// reviewForPath loads the review named in the path; one of another sheet is
// a 404, as if it did not exist there.
func (h *handler) reviewForPath(c *fiber.Ctx) (*reviewBundle, error) {
	id, err := paramInt(c, "id")
	if err != nil {
		return nil, err
	}
	b, err := h.loadReview(c.UserContext(), int64(id))
	if err != nil {
		return nil, err
	}
	if slug := c.Params("slug"); slug != "" && slug != b.Sheet.Slug {
		return nil, fiber.ErrNotFound
	}
	return b, nil
}

func (b *reviewBundle) name(id int64) string {
	if u := b.Users[id]; u != nil {
		return u.Username
	}
	return ""
}

func (b *reviewBundle) isMember(u *model.User) bool {
	if u == nil {
		return false
	}
	for _, id := range b.BoardIDs {
		if id == u.ID {
			return true
		}
	}
	return false
}

type apiVote struct {
	Voter    string    `json:"voter"`
	Choice   string    `json:"choice"`
	Revision int       `json:"revision"`
	Comment  string    `json:"comment"`
	At       time.Time `json:"at"`
	Counted  bool      `json:"counted"`
}

type apiReview struct {
	ID          int64        `json:"id"`
	Sheet       string       `json:"sheet"`
	Revision    int          `json:"revision"`
	State       string       `json:"state"`
	SubmittedBy string       `json:"submitted_by"`
	SubmittedAt time.Time    `json:"submitted_at"`
	DecidedAt   *time.Time   `json:"decided_at"`
	Note        string       `json:"note"`
	Votes       []apiVote    `json:"votes"`
	Tally       review.Tally `json:"tally"`
}

func (b *reviewBundle) api() apiReview {
	r := b.Review
	out := apiReview{
		ID: r.ID, Sheet: b.Sheet.Slug, Revision: r.RevisionNumber, State: r.State,
		SubmittedBy: b.name(r.SubmittedBy), SubmittedAt: r.SubmittedAt.UTC(), Note: r.Note,
		Votes: []apiVote{}, Tally: b.Tally,
	}
	if r.DecidedAt != nil {
		t := r.DecidedAt.UTC()
		out.DecidedAt = &t
	}
	for _, v := range b.Votes {
		ballot := review.Ballot{Voter: v.VoterID, Choice: v.Choice, Revision: v.RevisionNumber}
		out.Votes = append(out.Votes, apiVote{
			Voter: b.name(v.VoterID), Choice: v.Choice, Revision: v.RevisionNumber, Comment: v.Comment,
			At: v.UpdatedAt.UTC(), Counted: review.Counted(ballot, r.RevisionNumber, b.BoardIDs),
		})
	}
	return out
}
