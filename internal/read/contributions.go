package read

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"atlas/internal/model"
	"atlas/internal/store"
)

// ErrBadCursor is a contributions cursor that this atlas did not write.
var ErrBadCursor = errors.New("read: bad contributions cursor")

// Contribution is one thing a person did, for the API and their page.
type Contribution struct {
	Kind     string    `json:"kind"` // revision, submission, vote, comment
	At       time.Time `json:"at"`
	Sheet    string    `json:"sheet"`
	Title    string    `json:"title"`
	Revision *int      `json:"revision,omitempty"`
	Review   *int64    `json:"review,omitempty"`
	Summary  string    `json:"summary,omitempty"` // a revision's summary, a submission's note
	Choice   string    `json:"choice,omitempty"`  // a vote's
	State    string    `json:"state,omitempty"`   // a submission's
	Excerpt  string    `json:"excerpt,omitempty"` // a comment's beginning; empty once withdrawn
	Hidden   bool      `json:"hidden,omitempty"`  // a withdrawn comment
	URL      string    `json:"url"`
}

// Contributions is one page of a person's contributions and the cursor of
// the next ("" on the last).
type Contributions struct {
	Person *model.User
	Items  []Contribution
	Next   string
}

// excerptRunes bounds the beginning of a comment a list shows.
const excerptRunes = 200

// Contributions reads one page of a person's revisions, submissions, votes
// and comments, newest first, in a fixed number of queries: the person,
// the four streams, their sheets. before is a cursor from an earlier page,
// or "". Contributions are history, public like it.
func (r *Reader) Contributions(ctx context.Context, username, before string, limit int) (*Contributions, error) {
	var cur *store.ContribCursor
	if before != "" {
		c, err := parseContribCursor(before)
		if err != nil {
			return nil, err
		}
		cur = c
	}
	u, err := r.store.UserByUsername(ctx, username)
	if err != nil {
		return nil, err
	}
	list, err := r.store.Contributions(ctx, u.ID, cur, limit)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(list))
	for _, c := range list {
		ids = append(ids, c.SheetID)
	}
	sheets, err := r.store.SheetsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := &Contributions{Person: u, Items: make([]Contribution, 0, len(list))}
	for _, c := range list {
		sh := sheets[c.SheetID]
		if sh == nil {
			continue
		}
		out.Items = append(out.Items, contribution(c, sh))
	}
	if len(list) == limit && limit > 0 {
		last := list[len(list)-1]
		out.Next = fmt.Sprintf("%d-%d-%d", last.At.UnixNano(), store.ContribRank(last.Kind), last.ID)
	}
	return out, nil
}

// parseContribCursor reads "<unix nanoseconds>-<rank>-<id>".
func parseContribCursor(s string) (*store.ContribCursor, error) {
	parts := strings.Split(s, "-")
	if len(parts) != 3 {
		return nil, ErrBadCursor
	}
	ns, err1 := strconv.ParseInt(parts[0], 10, 64)
	rank, err2 := strconv.Atoi(parts[1])
	id, err3 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || ns <= 0 || rank < 1 || rank > 4 || id <= 0 {
		return nil, ErrBadCursor
	}
	return &store.ContribCursor{At: time.Unix(0, ns).UTC(), Rank: rank, ID: id}, nil
}

func contribution(c store.Contribution, sh *model.Sheet) Contribution {
	it := Contribution{Kind: c.Kind, At: c.At.UTC(), Sheet: sh.Slug, Title: sh.Title, URL: "/sheets/" + sh.Slug}
	switch {
	case c.Revision != nil:
		n := c.Revision.Number
		it.Revision, it.Summary, it.Title = &n, c.Revision.Summary, c.Revision.Title
		it.URL = fmt.Sprintf("/sheets/%s/revisions/%d", sh.Slug, n)
	case c.Review != nil:
		n, id := c.Review.RevisionNumber, c.Review.ID
		it.Revision, it.Review, it.Summary, it.State = &n, &id, c.Review.Note, c.Review.State
		it.URL = fmt.Sprintf("/sheets/%s/reviews/%d", sh.Slug, id)
	case c.Vote != nil:
		n, id := c.Vote.RevisionNumber, c.Vote.ReviewID
		it.Revision, it.Review, it.Choice = &n, &id, c.Vote.Choice
		it.URL = fmt.Sprintf("/sheets/%s/reviews/%d", sh.Slug, id)
	case c.Comment != nil:
		it.Revision, it.Review = c.Comment.RevisionNumber, c.Comment.ReviewID
		if c.Comment.Hidden() {
			it.Hidden = true
		} else {
			it.Excerpt = excerpt(c.Comment.Body, excerptRunes)
		}
		if id := c.Comment.ReviewID; id != nil {
			it.URL = fmt.Sprintf("/sheets/%s/reviews/%d", sh.Slug, *id)
		} else {
			it.URL = fmt.Sprintf("/sheets/%s/comments", sh.Slug)
		}
	}
	return it
}

// excerpt is the first n runes of s on one line, with an ellipsis when cut.
func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
