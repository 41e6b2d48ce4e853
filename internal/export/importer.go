package export

import (
	"context"
	"errors"
	"strings"

	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/store"
)

// ImportResult says what an import did to one sheet.
type ImportResult struct {
	Slug      string
	Revision  int
	Created   bool
	Unchanged bool
}

// ImportSheet stores a sheet file as one revision of origin import: a new
// sheet, or the next revision of the sheet its front matter's slug names.
func ImportSheet(ctx context.Context, st *store.Store, sheets *sheet.Service, author *model.User, f SheetFile) (ImportResult, error) {
	meta := f.Meta
	if f.Slug != "" {
		sh, err := st.SheetBySlug(ctx, f.Slug)
		switch {
		case err == nil:
			res, err := sheets.Save(ctx, author, sh.Slug, sheet.SaveInput{
				Base: sh.HeadNumber, Title: f.Title, Body: f.Body, Meta: &meta, Summary: "Import", Origin: model.OriginImport,
			})
			if err != nil {
				return ImportResult{}, err
			}
			return ImportResult{Slug: sh.Slug, Revision: res.Revision.Number, Unchanged: res.Unchanged}, nil
		case !errors.Is(err, store.ErrNotFound):
			return ImportResult{}, err
		}
	}
	sh, rev, err := sheets.Create(ctx, author, sheet.CreateInput{
		Title: f.Title, Body: f.Body, Meta: &meta, Slug: f.Slug, Summary: "Import", Origin: model.OriginImport,
	})
	if err != nil {
		return ImportResult{}, err
	}
	return ImportResult{Slug: sh.Slug, Revision: rev.Number, Created: true}, nil
}

// text returns the first non-empty string property among keys.
func text(props map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, ok := props[k].(string); ok && strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
