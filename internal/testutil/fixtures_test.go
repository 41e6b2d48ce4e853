package testutil

import (
	"testing"

	"atlas/internal/auth"
)

func TestFixtureHashMatchesFixturePassword(t *testing.T) {
	ok, err := auth.VerifyPassword(fixtureHash, FixturePassword)
	if err != nil || !ok {
		t.Fatalf("fixture hash does not verify: %v %v", ok, err)
	}
}
