// Package review is the board workflow: a version of a sheet submitted to
// its board, amended, voted on, and decided by majority. rules.go is the
// pure part (states, tally, decision); service.go applies it to the
// database in one transaction per step.
package review

import (
	"slices"

	"atlas/internal/model"
)

// Review states.
const (
	StateSubmitted = "submitted" // soumise au CA, open
	StateValidated = "validated" // validée
	StateRejected  = "rejected"  // rejetée
	StateWithdrawn = "withdrawn" // retirée
)

// Vote choices.
const (
	ChoiceApprove = "approve"
	ChoiceReject  = "reject"
	ChoiceAbstain = "abstain"
)

// ValidChoice reports whether c is a vote choice.
func ValidChoice(c string) bool {
	return c == ChoiceApprove || c == ChoiceReject || c == ChoiceAbstain
}

// Open reports whether a review in this state still takes votes and
// amendments. Every other state is final.
func Open(state string) bool { return state == StateSubmitted }

// Ballot is one vote as the rules see it.
type Ballot struct {
	Voter    int64
	Choice   string
	Revision int
}

// Tally counts the votes that count: those cast by current board members on
// the review's current revision. Votes on an earlier revision (before an
// amendment) are stale: kept and shown, never counted.
type Tally struct {
	Approve int `json:"approve"`
	Reject  int `json:"reject"`
	Abstain int `json:"abstain"`
	Seats   int `json:"seats"`
	Needed  int `json:"needed"`
}

// Needed is the strict majority of the board's seats: floor(seats/2)+1.
// Abstentions do not lower it: a decision needs a majority of the whole
// board, as the boards of the atlas's commons decide.
func Needed(seats int) int { return seats/2 + 1 }

// Snapshot freezes a board (its members' ids, as BoardIDs lists them) as a
// review records it when it opens and when it closes.
func Snapshot(board []int64) model.BoardSnapshot {
	return model.BoardSnapshot{Members: slices.Clone(board), Seats: len(board), Needed: Needed(len(board))}
}

// Count tallies ballots on revision for a board.
func Count(ballots []Ballot, revision int, board []int64) Tally {
	member := make(map[int64]bool, len(board))
	for _, id := range board {
		member[id] = true
	}
	t := Tally{Seats: len(board), Needed: Needed(len(board))}
	for _, b := range ballots {
		if b.Revision != revision || !member[b.Voter] {
			continue
		}
		switch b.Choice {
		case ChoiceApprove:
			t.Approve++
		case ChoiceReject:
			t.Reject++
		case ChoiceAbstain:
			t.Abstain++
		}
	}
	return t
}

// Counted reports whether a ballot counts in the tally.
func Counted(b Ballot, revision int, board []int64) bool {
	if b.Revision != revision {
		return false
	}
	for _, id := range board {
		if id == b.Voter {
			return true
		}
	}
	return false
}

// Decide returns the state a tally leads to: validated when approvals reach
// the majority, rejected when rejections do, else still submitted. A board
// with no seat decides nothing.
func Decide(t Tally) string {
	switch {
	case t.Seats == 0:
		return StateSubmitted
	case t.Approve >= t.Needed:
		return StateValidated
	case t.Reject >= t.Needed:
		return StateRejected
	}
	return StateSubmitted
}

// Revision states shown in history and the API.
const (
	RevisionDraft      = "draft"
	RevisionSubmitted  = "submitted"
	RevisionValidated  = "validated"
	RevisionRejected   = "rejected"
	RevisionSuperseded = "superseded"
)

// Pin is what RevisionStates needs of a review: the revision it ended on
// and its state.
type Pin struct {
	Revision int
	State    string
}

// Move is what RevisionStates needs of an amendment.
type Move struct{ From, To int }

// RevisionStates tells each revision's place in the board workflow:
// submitted while an open review pins it, validated if it is the published
// one, rejected if a review rejected it, superseded if an amendment replaced
// it or a later validation took its place. Revisions absent from the map are
// drafts.
func RevisionStates(pins []Pin, moves []Move, published int) map[int]string {
	states := map[int]string{}
	for _, m := range moves {
		states[m.From] = RevisionSuperseded
	}
	for _, p := range pins {
		switch p.State {
		case StateSubmitted:
			states[p.Revision] = RevisionSubmitted
		case StateRejected:
			states[p.Revision] = RevisionRejected
		case StateValidated:
			states[p.Revision] = RevisionSuperseded // unless it is still the published one, below
		}
	}
	if published > 0 {
		states[published] = RevisionValidated
	}
	return states
}
