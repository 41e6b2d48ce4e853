package api

import (
	"context"
	"time"

	"atlas/internal/model"
)

// apiRevision is the revision summary of the API contract.
type apiRevision struct {
	Number    int       `json:"number"`
	Author    string    `json:"author"`
	Summary   string    `json:"summary"`
	CreatedAt time.Time `json:"created_at"`
	Parent    *int      `json:"parent"`
	Origin    string    `json:"origin"`
	Size      int       `json:"size"`
	SHA256    string    `json:"sha256"`
	Minor     bool      `json:"minor"`
	State     string    `json:"state"`
	// Reverts names the revision whose text this one brings back words
	// from (a restore's, an undone revision's parent), else null.
	Reverts *int `json:"reverts"`
	// Coauthors: every writer of a version written together (a live
	// session), the author among them; empty for a single author.
	Coauthors []string `json:"coauthors"`
}

// apiRevisionFull adds the content.
type apiRevisionFull struct {
	apiRevision
	Title string     `json:"title"`
	Body  string     `json:"body"`
	Meta  model.Meta `json:"meta"`
}

func toAPIRevision(r *model.Revision, author *model.User, state string) apiRevision {
	name := ""
	if author != nil {
		name = author.Username
	}
	return apiRevision{
		Number: r.Number, Author: name, Summary: r.Summary, CreatedAt: r.CreatedAt.UTC(),
		Parent: r.Parent, Origin: r.Origin, Size: r.Size, SHA256: r.SHA256, Minor: r.Minor, State: state,
		Reverts:   r.Reverts,
		Coauthors: []string{},
	}
}

// withCoauthors fills the co-authors of revision summaries, by the
// revisions' ids, in one query.
func (h *Handler) withCoauthors(ctx context.Context, list []apiRevision, ids []int64) error {
	found, err := h.read.Coauthors(ctx, ids)
	if err != nil {
		return err
	}
	for i, id := range ids {
		if i >= len(list) {
			break
		}
		r := &list[i]
		for _, u := range found[id] {
			r.Coauthors = append(r.Coauthors, u.Username)
		}
	}
	return nil
}

// apiMeta is metadata as programs send it: every key optional.
type apiMeta = model.Meta
