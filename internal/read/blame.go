package read

import (
	"cmp"
	"context"
	"slices"
	"time"
	"unicode/utf8"

	"atlas/internal/authorship"
	"atlas/internal/model"
)

// Blame says who wrote what in one revision of a sheet: its body cut into
// passages, each introduced by one earlier revision (or this one), and
// the people who wrote them, by the words of this text each wrote.
type Blame struct {
	Revision *model.Revision
	// Passages concatenate to the revision's body exactly.
	Passages []Passage
	// Authors are ordered by Words, most first; then by who wrote first.
	Authors []BlameAuthor
	// Words is the number of words of the body.
	Words int
}

// Notes fills each passage's date, summary and origin, which pages show
// and the API does not: a blame of a long history names thousands of
// revisions, whose summaries cost more to read than the rest.
func (r *Reader) Notes(ctx context.Context, b *Blame) error {
	numbers := make([]int, 0, len(b.Passages))
	for _, p := range b.Passages {
		numbers = append(numbers, p.Revision)
	}
	notes, err := r.store.RevisionNotes(ctx, b.Revision.SheetID, numbers)
	if err != nil {
		return err
	}
	for i := range b.Passages {
		p := &b.Passages[i]
		note := notes[p.Revision]
		p.CreatedAt, p.Summary, p.Origin = note.CreatedAt, note.Summary, note.Origin
	}
	return nil
}

// Credits are the people whose words are in revision n of a sheet, by
// their share of its words, most first: the attribution the licence asks
// for, computed from the stored authorship, never typed. They are ids,
// which never change for a revision: callers may keep them for ever and
// look the names up when they show them.
func (r *Reader) Credits(ctx context.Context, sheetID int64, n int) ([]int64, error) {
	b, err := r.Blame(ctx, &model.Sheet{ID: sheetID}, n)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(b.Authors))
	for i, a := range b.Authors {
		ids[i] = a.AuthorID
	}
	return ids, nil
}

// Passage is a run of the body introduced by one revision.
type Passage struct {
	Text     string
	Revision int
	// Author wrote Revision; nil only for an account that no longer
	// exists.
	Author   *model.User
	AuthorID int64
	// CreatedAt, Summary and Origin are the revision's, filled by Notes.
	CreatedAt time.Time
	Summary   string
	Origin    string
}

// BlameAuthor is one person whose words are in the text.
type BlameAuthor struct {
	User     *model.User
	AuthorID int64
	Words    int
	// First and Last are the oldest and newest revisions whose words by
	// this person remain in the text.
	First, Last int
}

// Share is the author's part of the text's words, from 0 to 1.
func (b *Blame) Share(a BlameAuthor) float64 {
	if b.Words == 0 {
		return 0
	}
	return float64(a.Words) / float64(b.Words)
}

// Blame reads who wrote what in revision n of a sheet (the viewer may
// read it: see Viewer). The attribution is stored per revision; a
// revision from before it was computed gets it now, with the missing ones
// before it (store.Authorship).
func (r *Reader) Blame(ctx context.Context, sh *model.Sheet, n int) (*Blame, error) {
	rev, err := r.store.Revision(ctx, sh.ID, n)
	if err != nil {
		return nil, err
	}
	attr, err := r.store.Authorship(ctx, sh.ID, n)
	if err != nil {
		return nil, err
	}
	b := &Blame{Revision: rev, Passages: passages(rev.Body, attr, rev.Number)}
	numbers := make([]int, 0, len(b.Passages))
	for _, p := range b.Passages {
		numbers = append(numbers, p.Revision)
	}
	authors, err := r.store.RevisionAuthors(ctx, sh.ID, numbers)
	if err != nil {
		return nil, err
	}
	// A version written together in a live session credits every
	// co-writer with its words (its passages name its author).
	coauthors, err := r.store.CoauthorsByNumber(ctx, sh.ID, numbers)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, 16)
	seenID := map[int64]bool{}
	for _, id := range authors {
		if !seenID[id] {
			seenID[id] = true
			ids = append(ids, id)
		}
	}
	for _, list := range coauthors {
		for _, id := range list {
			if !seenID[id] {
				seenID[id] = true
				ids = append(ids, id)
			}
		}
	}
	users, err := r.store.UsersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	words := authorship.Words(rev.Body, attr)
	byAuthor := map[int64]int{} // index in b.Authors
	seen := map[int]bool{}      // revisions whose words are counted
	for i := range b.Passages {
		p := &b.Passages[i]
		p.AuthorID = authors[p.Revision]
		p.Author = users[p.AuthorID]
		k, ok := byAuthor[p.AuthorID]
		if !ok {
			k = len(b.Authors)
			byAuthor[p.AuthorID] = k
			b.Authors = append(b.Authors, BlameAuthor{User: p.Author, AuthorID: p.AuthorID, First: p.Revision, Last: p.Revision})
		}
		a := &b.Authors[k]
		if !seen[p.Revision] {
			// A revision's words count once, however many passages it has.
			a.Words += words[p.Revision]
			b.Words += words[p.Revision]
			seen[p.Revision] = true
			for _, id := range coauthors[p.Revision] {
				if id != p.AuthorID {
					credit(b, byAuthor, users, id, p.Revision, words[p.Revision])
				}
			}
		}
		a = &b.Authors[byAuthor[p.AuthorID]]
		a.First, a.Last = min(a.First, p.Revision), max(a.Last, p.Revision)
	}
	slices.SortStableFunc(b.Authors, func(x, y BlameAuthor) int {
		return cmp.Or(cmp.Compare(y.Words, x.Words), cmp.Compare(x.First, y.First))
	})
	return b, nil
}

// credit counts a co-writer's share of a revision written together: the
// revision's words, as for its author (b.Words counts them once).
func credit(b *Blame, byAuthor map[int64]int, users map[int64]*model.User, id int64, revision, words int) {
	k, ok := byAuthor[id]
	if !ok {
		k = len(b.Authors)
		byAuthor[id] = k
		b.Authors = append(b.Authors, BlameAuthor{User: users[id], AuthorID: id, First: revision, Last: revision})
	}
	a := &b.Authors[k]
	a.Words += words
	a.First, a.Last = min(a.First, revision), max(a.Last, revision)
}

// passages cuts body along an attribution, merging neighbors introduced
// by the same revision. Cuts fall on character boundaries, and whatever
// the attribution leaves out (it should not) is given to the revision
// itself, so the passages always concatenate to the body. Each passage's
// text is a slice of body, not a copy.
func passages(body string, attr authorship.Attribution, self int) []Passage {
	var out []Passage
	starts := []int{}
	add := func(from, to, revision int) {
		if from >= to {
			return
		}
		if k := len(out) - 1; k >= 0 && out[k].Revision == revision {
			out[k].Text = body[starts[k]:to]
			return
		}
		out = append(out, Passage{Text: body[from:to], Revision: revision})
		starts = append(starts, from)
	}
	off := 0
	for _, s := range attr {
		if off >= len(body) {
			break
		}
		end := min(off+max(s.Len, 0), len(body))
		for end < len(body) && !utf8.RuneStart(body[end]) {
			end++
		}
		add(off, end, s.Revision)
		off = end
	}
	add(off, len(body), self)
	return out
}
