// Package site holds what the pages and the JSON API both use beyond the
// request itself: the loading of a review with what is shown about it and
// its JSON shape (also that of the decision record and the minutes), the
// answers both give to a conflict or a refused draft, and the counters of
// saves and votes. It knows no handler: internal/web and internal/web/api
// import it, and it imports neither.
package site

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/read"
	"atlas/internal/review"
	"atlas/internal/web/request"
)

// Loader loads what pages and the API show alike.
type Loader struct {
	Read    *read.Reader
	Reviews *review.Service
}

// Review loads a review with everything shown about it (read.Review).
func (h *Loader) Review(ctx context.Context, id int64) (*read.Review, error) {
	b, err := h.Read.Review(ctx, id)
	if err != nil {
		return nil, err
	}
	// A review past its deadline closes when it is next looked at, if
	// the sweep has not closed it yet.
	if expired, err := h.Reviews.ExpireIfDue(ctx, b.Review); err != nil || !expired {
		return b, err
	}
	return h.Read.Review(ctx, id)
}

// ReviewForPath loads the review named in the path; one of another sheet is
// a 404, as if it did not exist there.
func (h *Loader) ReviewForPath(c *fiber.Ctx) (*read.Review, error) {
	id, err := request.ParamInt(c, "id")
	if err != nil {
		return nil, err
	}
	b, err := h.Review(c.UserContext(), int64(id))
	if err != nil {
		return nil, err
	}
	if slug := c.Params("slug"); slug != "" && slug != b.Sheet.Slug {
		return nil, fiber.ErrNotFound
	}
	return b, nil
}

// APIVote is a vote in the API contract.
type APIVote struct {
	Voter    string    `json:"voter"`
	Choice   string    `json:"choice"`
	Revision int       `json:"revision"`
	Comment  string    `json:"comment"`
	At       time.Time `json:"at"`
	Counted  bool      `json:"counted"`
}

// APIReview is a review in the API contract, and in the decision record
// and minutes pages and the API both serve.
type APIReview struct {
	ID          int64        `json:"id"`
	Sheet       string       `json:"sheet"`
	Revision    int          `json:"revision"`
	State       string       `json:"state"`
	SubmittedBy string       `json:"submitted_by"`
	SubmittedAt time.Time    `json:"submitted_at"`
	DecidedAt   *time.Time   `json:"decided_at"`
	Note        string       `json:"note"`
	Votes       []APIVote    `json:"votes"`
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

// ToAPIReview is the API's shape of a loaded review.
func ToAPIReview(b *read.Review) APIReview {
	r := b.Review
	out := APIReview{
		ID: r.ID, Sheet: b.Sheet.Slug, Revision: r.RevisionNumber, State: r.State,
		SubmittedBy: b.Name(r.SubmittedBy), SubmittedAt: r.SubmittedAt.UTC(), Note: r.Note,
		Votes: []APIVote{}, Tally: b.Tally, Board: make([]string, 0, len(b.Board)), BoardPartial: b.Partial,
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
		out.Votes = append(out.Votes, APIVote{
			Voter: b.Name(v.VoterID), Choice: v.Choice, Revision: v.RevisionNumber, Comment: v.Comment,
			At: v.UpdatedAt.UTC(), Counted: review.Counted(ballot, r.RevisionNumber, b.BoardIDs),
		})
	}
	return out
}
