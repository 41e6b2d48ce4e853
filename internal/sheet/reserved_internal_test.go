package sheet

import (
	"slices"
	"testing"
)

// ReservedSlug searches the list by halves: it must stay sorted.
func TestReservedSlugsAreSorted(t *testing.T) {
	if !slices.IsSorted(reservedSlugs) || len(slices.Compact(slices.Clone(reservedSlugs))) != len(reservedSlugs) {
		t.Errorf("reservedSlugs is not sorted or holds a word twice: %v", reservedSlugs)
	}
}
