package web

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/read"
	"atlas/internal/review"
	"atlas/internal/web/request"
)

// reviewBundle is a review with everything shown about it (read.Review).
type reviewBundle = read.Review

func (h *handler) loadReview(ctx context.Context, id int64) (*reviewBundle, error) {
	b, err := h.read.Review(ctx, id)
	if err != nil {
		return nil, err
	}
	// A review past its deadline closes when it is next looked at, if
	// the sweep has not closed it yet.
	if expired, err := h.reviews.ExpireIfDue(ctx, b.Review); err != nil || !expired {
		return b, err
	}
	return h.read.Review(ctx, id)
}

// reviewForPath loads the review named in the path; one of another sheet is
// a 404, as if it did not exist there.
func (h *handler) reviewForPath(c *fiber.Ctx) (*reviewBundle, error) {
	id, err := request.ParamInt(c, "id")
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
	// Board is who the review is counted with: the sheet's board while
	// open, the board frozen when it closed afterwards; BoardPartial marks
	// a frozen board rebuilt knowing only the members who voted.
	Board        []string `json:"board"`
	BoardPartial bool     `json:"board_partial,omitempty"`
	// Rule is the board's rule the review copied when it opened;
	// DeadlineAt when it expires if undecided.
	Rule       model.Rule `json:"rule"`
	DeadlineAt *time.Time `json:"deadline_at"`
}

func toAPIReview(b *reviewBundle) apiReview {
	r := b.Review
	out := apiReview{
		ID: r.ID, Sheet: b.Sheet.Slug, Revision: r.RevisionNumber, State: r.State,
		SubmittedBy: b.Name(r.SubmittedBy), SubmittedAt: r.SubmittedAt.UTC(), Note: r.Note,
		Votes: []apiVote{}, Tally: b.Tally, Board: make([]string, 0, len(b.Board)), BoardPartial: b.Partial,
		Rule: b.Rule,
	}
	if r.DeadlineAt != nil {
		t := r.DeadlineAt.UTC()
		out.DeadlineAt = &t
	}
	for _, u := range b.Board {
		out.Board = append(out.Board, u.Username)
	}
	if r.DecidedAt != nil {
		t := r.DecidedAt.UTC()
		out.DecidedAt = &t
	}
	for _, v := range b.Votes {
		ballot := review.Ballot{Voter: v.VoterID, Choice: v.Choice, Revision: v.RevisionNumber}
		out.Votes = append(out.Votes, apiVote{
			Voter: b.Name(v.VoterID), Choice: v.Choice, Revision: v.RevisionNumber, Comment: v.Comment,
			At: v.UpdatedAt.UTC(), Counted: review.Counted(ballot, r.RevisionNumber, b.BoardIDs),
		})
	}
	return out
}
