package review

import (
	"testing"

	"atlas/internal/model"
)

func TestNeededIsAStrictMajorityOfSeats(t *testing.T) {
	for seats, want := range map[int]int{1: 1, 2: 2, 3: 2, 4: 3, 7: 4, 9: 5, 10: 6} {
		if got := Needed(seats); got != want {
			t.Errorf("Needed(%d) = %d, want %d", seats, got, want)
		}
	}
}

func TestCountAndDecide(t *testing.T) {
	board := []int64{1, 2, 3, 4, 5, 6, 7}
	tests := []struct {
		name    string
		ballots []Ballot
		want    Tally
		state   string
	}{
		{"no vote", nil, Tally{Seats: 7, Needed: 4}, StateSubmitted},
		{"three approvals are not enough", []Ballot{{1, ChoiceApprove, 5}, {2, ChoiceApprove, 5}, {3, ChoiceApprove, 5}}, Tally{Approve: 3, Seats: 7, Needed: 4, Voters: 3}, StateSubmitted},
		{"four of seven validate", []Ballot{{1, ChoiceApprove, 5}, {2, ChoiceApprove, 5}, {3, ChoiceApprove, 5}, {4, ChoiceApprove, 5}, {5, ChoiceReject, 5}}, Tally{Approve: 4, Reject: 1, Seats: 7, Needed: 4, Voters: 5}, StateValidated},
		{"four rejections reject", []Ballot{{1, ChoiceReject, 5}, {2, ChoiceReject, 5}, {3, ChoiceReject, 5}, {4, ChoiceReject, 5}}, Tally{Reject: 4, Seats: 7, Needed: 4, Voters: 4}, StateRejected},
		{"abstentions do not lower the bar", []Ballot{{1, ChoiceApprove, 5}, {2, ChoiceApprove, 5}, {3, ChoiceApprove, 5}, {4, ChoiceAbstain, 5}, {5, ChoiceAbstain, 5}}, Tally{Approve: 3, Abstain: 2, Seats: 7, Needed: 4, Voters: 5}, StateSubmitted},
		{"stale votes do not count", []Ballot{{1, ChoiceApprove, 4}, {2, ChoiceApprove, 4}, {3, ChoiceApprove, 4}, {4, ChoiceApprove, 4}, {5, ChoiceApprove, 5}}, Tally{Approve: 1, Seats: 7, Needed: 4, Voters: 1}, StateSubmitted},
		{"votes of former members do not count", []Ballot{{8, ChoiceApprove, 5}, {9, ChoiceApprove, 5}, {10, ChoiceApprove, 5}, {11, ChoiceApprove, 5}}, Tally{Seats: 7, Needed: 4}, StateSubmitted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Count(tt.ballots, 5, board)
			if got != tt.want {
				t.Errorf("Count = %+v, want %+v", got, tt.want)
			}
			if s := Decide(got, DefaultRule()); s != tt.state {
				t.Errorf("Decide = %s, want %s", s, tt.state)
			}
		})
	}
	if Decide(Count(nil, 1, nil), DefaultRule()) != StateSubmitted {
		t.Error("an empty board decided")
	}
}

func TestChoicesAndStates(t *testing.T) {
	for _, c := range []string{ChoiceApprove, ChoiceReject, ChoiceAbstain} {
		if !ValidChoice(c) {
			t.Errorf("%s refused", c)
		}
	}
	for _, c := range []string{"", "pour", "APPROVE", "yes"} {
		if ValidChoice(c) {
			t.Errorf("%q accepted", c)
		}
	}
	if !Open(StateSubmitted) || Open(StateValidated) || Open(StateRejected) || Open(StateWithdrawn) {
		t.Error("only submitted reviews are open")
	}
}

func TestRevisionStates(t *testing.T) {
	pins := []Pin{{3, StateValidated}, {5, StateRejected}, {8, StateValidated}, {10, StateWithdrawn}, {12, StateSubmitted}}
	moves := []Move{{2, 3}, {7, 8}, {11, 12}}
	got := RevisionStates(pins, moves, 8)
	want := map[int]string{2: RevisionSuperseded, 3: RevisionSuperseded, 5: RevisionRejected, 7: RevisionSuperseded, 8: RevisionValidated, 11: RevisionSuperseded, 12: RevisionSubmitted}
	if len(got) != len(want) {
		t.Fatalf("states = %v, want %v", got, want)
	}
	for n, s := range want {
		if got[n] != s {
			t.Errorf("revision %d: %q, want %q", n, got[n], s)
		}
	}
	if len(RevisionStates(nil, nil, 0)) != 0 {
		t.Error("a sheet without reviews has only drafts")
	}
}

func TestCastQuorumIsAtMostTheSeats(t *testing.T) {
	rule := model.Rule{Kind: RuleCast, Quorum: 4, Tie: TieReject}
	board := []int64{1, 2, 3}
	two := Count([]Ballot{{1, ChoiceApprove, 1}, {2, ChoiceApprove, 1}}, 1, board)
	if got := Decide(two, rule); got != StateSubmitted {
		t.Errorf("two votes of three seats: %s", got)
	}
	three := Count([]Ballot{{1, ChoiceApprove, 1}, {2, ChoiceApprove, 1}, {3, ChoiceReject, 1}}, 1, board)
	if got := Decide(three, rule); got != StateValidated {
		t.Errorf("every seat voted under a quorum of four: %s, want validated", got)
	}
}
