package read

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"atlas/internal/model"
	"atlas/internal/store"
)

// Change is one line of recent changes, for JSON, pages and feeds alike:
// a new revision, or a board event.
type Change struct {
	Type     string `json:"type"` // "revision" or "board"
	Sheet    string `json:"sheet"`
	Title    string `json:"title"`
	Revision *int   `json:"revision"`
	Parent   *int   `json:"parent,omitempty"`
	Author   string `json:"author"`
	// AuthorName is how pages name the author (json: the username is
	// the contract).
	AuthorName string    `json:"-"`
	Summary    string    `json:"summary,omitempty"`
	Origin     string    `json:"origin,omitempty"`
	Minor      bool      `json:"minor"`
	Action     string    `json:"action,omitempty"` // board events: submit, validate, reject, withdraw, expire
	Review     *int64    `json:"review,omitempty"`
	At         time.Time `json:"at"`
	URL        string    `json:"url"`
	// SheetID and EventID name the change in feed ids, which must not
	// depend on names that can change (a slug) or on the request.
	SheetID int64 `json:"-"`
	EventID int64 `json:"-"`
}

// ChangesQuery narrows recent changes; names (a sheet's slug, an
// account's username) are looked up, and an unknown one is
// store.ErrNotFound.
type ChangesQuery struct {
	Sheet     *model.Sheet // a sheet already loaded, else SheetSlug
	SheetSlug string
	Username  string
	Category  string
	HideMinor bool
	Before    time.Time // changes strictly older
	Limit     int
}

// Changes reads one page of recent changes, newest first, and the cursor
// of the next page ("" on the last). Changes are history, public to every
// viewer (see Viewer): they are the same for all.
func (r *Reader) Changes(ctx context.Context, q ChangesQuery) ([]Change, string, error) {
	f := store.ChangeFilter{Limit: q.Limit, HideMinor: q.HideMinor, Before: q.Before, Category: q.Category}
	switch {
	case q.Sheet != nil:
		f.SheetID = q.Sheet.ID
	case q.SheetSlug != "":
		sh, err := r.store.SheetBySlug(ctx, q.SheetSlug)
		if err != nil {
			return nil, "", err
		}
		f.SheetID = sh.ID
	}
	if q.Username != "" {
		u, err := r.store.UserByUsername(ctx, q.Username)
		if err != nil {
			return nil, "", err
		}
		f.UserID = u.ID
	}
	changes, err := r.store.Changes(ctx, f)
	if err != nil {
		return nil, "", err
	}
	var sheetIDs, userIDs []int64
	for _, ch := range changes {
		sheetIDs = append(sheetIDs, ch.SheetID)
		userIDs = append(userIDs, ch.ActorID)
	}
	sheets, err := r.store.SheetsByIDs(ctx, sheetIDs)
	if err != nil {
		return nil, "", err
	}
	users, err := r.store.UsersByIDs(ctx, userIDs)
	if err != nil {
		return nil, "", err
	}
	items := make([]Change, 0, len(changes))
	for _, ch := range changes {
		if sh := sheets[ch.SheetID]; sh != nil {
			items = append(items, change(ch, sh, users[ch.ActorID]))
		}
	}
	next := ""
	if len(changes) == q.Limit && len(changes) > 0 {
		next = strconv.FormatInt(changes[len(changes)-1].At.UnixNano(), 10)
	}
	return items, next, nil
}

func change(ch store.Change, sh *model.Sheet, actor *model.User) Change {
	it := Change{Sheet: sh.Slug, Title: sh.Title, At: ch.At.UTC(), URL: "/sheets/" + sh.Slug, SheetID: sh.ID}
	if actor != nil {
		it.Author, it.AuthorName = actor.Username, actor.Name()
	}
	if r := ch.Revision; r != nil {
		n := r.Number
		it.Type, it.Revision, it.Parent, it.Summary, it.Origin, it.Minor = "revision", &n, r.Parent, r.Summary, r.Origin, r.Minor
		it.Title = r.Title
		if r.Parent != nil {
			it.URL = fmt.Sprintf("/sheets/%s/diff?from=%d&to=%d", sh.Slug, *r.Parent, n)
		} else {
			it.URL = fmt.Sprintf("/sheets/%s/revisions/%d", sh.Slug, n)
		}
		return it
	}
	e := ch.Event
	it.Type, it.Action, it.Review, it.Revision, it.EventID = "board", e.Action, e.ReviewID, e.RevisionNumber, e.ID
	if e.ReviewID != nil {
		it.URL = fmt.Sprintf("/sheets/%s/reviews/%d", sh.Slug, *e.ReviewID)
	}
	return it
}
