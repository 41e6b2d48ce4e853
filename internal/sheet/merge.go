package sheet

import (
	"encoding/json"

	"atlas/internal/diff"
	"atlas/internal/model"
)

// merge applies base→mine onto theirs: the body line by line, the title
// and each metadata field as a whole.
func merge(base, mine, theirs Content) (Content, []diff.Conflict) {
	var out Content
	var conflicts []diff.Conflict

	title, ok := pick(base.Title, mine.Title, theirs.Title)
	if !ok {
		conflicts = append(conflicts, diff.Conflict{Section: "title", Base: base.Title, Mine: mine.Title, Theirs: theirs.Title})
	}
	out.Title = title

	body, bodyConflicts := diff.Merge3(base.Body, mine.Body, theirs.Body)
	out.Body = body
	conflicts = append(conflicts, bodyConflicts...)

	meta, metaConflicts := mergeMeta(base.Meta, mine.Meta, theirs.Meta)
	out.Meta = meta
	conflicts = append(conflicts, metaConflicts...)
	return out, conflicts
}

// pick is the three-way rule for a value that cannot be split: keep the side
// that changed, or either when both made the same change.
func pick[T comparable](base, mine, theirs T) (T, bool) {
	switch {
	case mine == base:
		return theirs, true
	case theirs == base, mine == theirs:
		return mine, true
	}
	return mine, false
}

// mergeMeta merges metadata field by field through its JSON form, so a
// change of place by one person and of categories by another both survive.
func mergeMeta(base, mine, theirs model.Meta) (model.Meta, []diff.Conflict) {
	b, m, t := fields(base), fields(mine), fields(theirs)
	out := map[string]json.RawMessage{}
	var conflicts []diff.Conflict
	for key := range m {
		v, ok := pick(string(b[key]), string(m[key]), string(t[key]))
		if !ok {
			conflicts = append(conflicts, diff.Conflict{Section: "meta." + key, Base: string(b[key]), Mine: string(m[key]), Theirs: string(t[key])})
		}
		out[key] = json.RawMessage(v)
	}
	data, _ := json.Marshal(out)
	var merged model.Meta
	_ = json.Unmarshal(data, &merged)
	return merged, conflicts
}

// fields is metadata as the JSON of each field, categories in the atlas's
// order so that reordering them compares as no change.
func fields(m model.Meta) map[string]json.RawMessage {
	m.Categories = sortCategories(m.Categories)
	data, _ := json.Marshal(m)
	out := map[string]json.RawMessage{}
	_ = json.Unmarshal(data, &out)
	return out
}
