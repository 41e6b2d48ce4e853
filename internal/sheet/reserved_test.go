package sheet_test

import (
	"errors"
	"testing"

	"atlas/internal/db"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
)

// TestRouteWordsAreNoSlugs: the title "New" makes a reachable sheet
// (new-2, as a taken slug would), and a slug asked for by name that is a
// route word is refused.
func TestRouteWordsAreNoSlugs(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		for title, want := range map[string]string{"New": "new-2", "Édit": "edit-2", "History": "history-2", "Nouvelle fiche": "nouvelle-fiche", "Newton": "newton"} {
			sh, _, err := e.svc.Create(e.ctx, e.marie, sheet.CreateInput{Title: title, Body: "x"})
			if err != nil || sh.Slug != want {
				t.Errorf("title %q: slug %v (%v), want %s", title, sh, err, want)
			}
		}
		if sh, _, err := e.svc.Create(e.ctx, e.marie, sheet.CreateInput{Title: "new", Body: "x"}); err != nil || sh.Slug != "new-3" {
			t.Errorf("second sheet titled new: %v (%v), want new-3", sh, err)
		}
		for _, slug := range []string{"new", "edit", "history", "drafts"} {
			_, _, err := e.svc.Create(e.ctx, e.marie, sheet.CreateInput{Title: "Une fiche", Body: "x", Slug: slug})
			var invalid *sheet.InvalidError
			if !errors.As(err, &invalid) || invalid.Code != "slug_reserved" {
				t.Errorf("slug %q asked for: %v, want slug_reserved", slug, err)
			}
		}
		if _, err := e.store.SheetBySlug(e.ctx, "new"); err == nil {
			t.Error("a sheet took the slug new")
		}
	})
}
