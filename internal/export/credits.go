package export

import (
	"archive/zip"
	"context"
	"encoding/json"

	"atlas/internal/model"
	"atlas/internal/read"
	"atlas/internal/sheet"
	"atlas/internal/store"
)

// creditsEntry is the archive's list of each sheet's authors, as the
// licence asks them credited: computed from history on export, ignored on
// restore (which computes it again from the revisions).
const creditsEntry = "credits.jsonl"

// sheetCredits is a line of credits.jsonl: the authors of the revision
// readers see, by their share of its words, most first.
type sheetCredits struct {
	Sheet    string         `json:"sheet"`
	Revision int            `json:"revision"`
	Authors  []creditAuthor `json:"authors"`
}

type creditAuthor struct {
	Username string `json:"username"`
	Name     string `json:"name"`
	Words    int    `json:"words"`
}

// writeCredits writes credits.jsonl, one line per sheet.
func writeCredits(ctx context.Context, st *store.Store, zw *zip.Writer, counts map[string]int) error {
	w, err := zw.Create(creditsEntry)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	r := read.New(st)
	return store.Each(ctx, st, func(list []model.Sheet) error {
		for i := range list {
			sh := &list[i]
			n := sheet.VisibleNumber(sh, nil)
			b, err := r.Blame(ctx, sh, n)
			if err != nil {
				return err
			}
			line := sheetCredits{Sheet: sh.Slug, Revision: n, Authors: make([]creditAuthor, 0, len(b.Authors))}
			for _, a := range b.Authors {
				ca := creditAuthor{Words: a.Words}
				if a.User != nil {
					ca.Username, ca.Name = a.User.Username, a.User.Name()
				}
				line.Authors = append(line.Authors, ca)
			}
			if err := enc.Encode(line); err != nil {
				return err
			}
			counts["credits"]++
		}
		return nil
	})
}
