package sheet

import (
	"encoding/json"
	"sort"

	"atlas/internal/model"
)

// VisibleNumber is the revision a person sees by default: readers without
// an account get the version the board validated (or the head of a sheet
// never validated, shown as a draft); contributors work on the head.
func VisibleNumber(sh *model.Sheet, viewer *model.User) int {
	if viewer == nil && sh.PublishedNumber != nil {
		return *sh.PublishedNumber
	}
	return sh.HeadNumber
}

// Pending reports whether revisions newer than the validated one await
// validation.
func Pending(sh *model.Sheet) bool {
	return sh.PublishedNumber != nil && sh.HeadNumber > *sh.PublishedNumber
}

// MetaChange is one metadata field that differs between two revisions.
type MetaChange struct {
	Field string
	From  any
	To    any
}

// MetaChanges lists the fields that differ, by their API names, in a
// stable order.
func MetaChanges(a, b model.Meta) []MetaChange {
	fa, fb := fields(a), fields(b)
	var changes []MetaChange
	for key, va := range fa {
		vb := fb[key]
		if string(va) == string(vb) {
			continue
		}
		var from, to any
		_ = json.Unmarshal(va, &from)
		_ = json.Unmarshal(vb, &to)
		changes = append(changes, MetaChange{Field: key, From: from, To: to})
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Field < changes[j].Field })
	return changes
}
