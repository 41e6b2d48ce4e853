// Package review is the board workflow: a version of a sheet submitted to
// its board, amended, voted on, and decided by majority. rules.go is the
// pure part (states, tally, decision); service.go applies it to the
// database in one transaction per step.
package review

import (
	"errors"
	"slices"

	"atlas/internal/model"
)

// Review states.
const (
	StateSubmitted = "submitted" // soumise au CA, open
	StateValidated = "validated" // validée
	StateRejected  = "rejected"  // rejetée
	StateWithdrawn = "withdrawn" // retirée
	StateExpired   = "expired"   // sans décision: its deadline passed
)

// Rule kinds and tie settings of a board.
const (
	RuleSeats = "seats" // majorité des sièges
	RuleCast  = "cast"  // majorité des votes exprimés, avec quorum
	TieReject = "reject"
	TieOpen   = "open"
)

// MaxDeadlineDays bounds a board's deadline: a year.
const MaxDeadlineDays = 366

// DefaultRule is the rule of a board no admin chose one for, and of
// reviews opened before boards had rules: a majority of all seats.
func DefaultRule() model.Rule { return model.Rule{Kind: RuleSeats, Tie: TieReject} }

// RuleOf returns the rule a review decides by: the one frozen when it
// opened, else the default.
func RuleOf(r *model.Review) model.Rule {
	if r != nil && r.BoardAtOpen != nil && r.BoardAtOpen.Rule != nil {
		return *r.BoardAtOpen.Rule
	}
	return DefaultRule()
}

// ErrInvalidRule is a rule the board could not decide by.
var ErrInvalidRule = errors.New("review: invalid board rule")

// CheckRule normalizes a rule for a board of seats members: the kind
// defaults to seats (whose quorum and tie mean nothing and are reset), a
// cast rule needs a quorum between 1 and the seats, and a deadline is
// between 1 and MaxDeadlineDays days.
func CheckRule(r model.Rule, seats int) (model.Rule, error) {
	if r.Kind == "" {
		r.Kind = RuleSeats
	}
	if r.Tie == "" {
		r.Tie = TieReject
	}
	if r.DeadlineDays != nil && (*r.DeadlineDays < 1 || *r.DeadlineDays > MaxDeadlineDays) {
		return r, ErrInvalidRule
	}
	switch r.Kind {
	case RuleSeats:
		r.Quorum, r.Tie = 0, TieReject
	case RuleCast:
		if r.Tie != TieReject && r.Tie != TieOpen {
			return r, ErrInvalidRule
		}
		if r.Quorum < 1 || (seats > 0 && r.Quorum > seats) {
			return r, ErrInvalidRule
		}
	default:
		return r, ErrInvalidRule
	}
	return r, nil
}

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
	// Voters is how many members voted on the revision, abstentions
	// included: what a quorum counts.
	Voters int `json:"voters"`
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
	t.Voters = t.Approve + t.Reject + t.Abstain
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

// Decide returns the state a tally leads to under a board's rule, or
// still submitted. Under seats, approvals or rejections must reach the
// majority of all seats. Under cast, once Quorum members have voted, the
// larger of approvals and rejections wins (abstentions count for the
// quorum only) and a tie rejects or stays open as the rule says; the
// quorum is at most the seats. A board with no seat decides nothing.
func Decide(t Tally, rule model.Rule) string {
	if t.Seats == 0 {
		return StateSubmitted
	}
	if rule.Kind == RuleCast {
		switch {
		// A board shrunk under the quorum its open review froze needs
		// every seat, not the impossible.
		case t.Voters < max(min(rule.Quorum, t.Seats), 1):
			return StateSubmitted
		case t.Approve > t.Reject:
			return StateValidated
		case t.Reject > t.Approve:
			return StateRejected
		case rule.Tie == TieOpen:
			return StateSubmitted
		}
		return StateRejected
	}
	switch {
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
