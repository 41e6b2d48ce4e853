package sheet_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

func TestDraftsBelongToOneAccountAndOneSheet(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		sh, _, err := e.svc.Create(e.ctx, e.marie, sheet.CreateInput{Title: "Jardin", Body: jardin})
		if err != nil {
			t.Fatal(err)
		}
		other, _, err := e.svc.Create(e.ctx, e.marie, sheet.CreateInput{Title: "Fablab", Body: jardin})
		if err != nil {
			t.Fatal(err)
		}
		in := sheet.DraftInput{Base: 1, Title: "Jardin", Body: jardin + "\nUne ligne de Marie.\n", Summary: "ajout",
			Meta: model.Meta{Website: "https://exa", Tags: []string{" compost ", "compost"}}}
		got, err := e.svc.PutDraft(e.ctx, e.marie, sh.Slug, in, sheet.DraftOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Body != in.Body || got.Summary != "ajout" || got.Base != 1 || got.SheetID == nil || *got.SheetID != sh.ID || got.SavedAt.IsZero() {
			t.Errorf("stored draft %+v", got)
		}
		if len(got.Meta.Tags) != 1 || got.Meta.Website != "https://exa" {
			t.Errorf("draft meta %+v: tags normalized, a half-typed address kept", got.Meta)
		}
		// Yann sees nothing of it, on this sheet or any.
		if _, err := e.svc.Draft(e.ctx, e.yann, sh.Slug); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another account's draft: %v, want not found", err)
		}
		if list, err := e.svc.Drafts(e.ctx, e.yann); err != nil || len(list) != 0 {
			t.Errorf("yann's drafts %v %v", list, err)
		}
		if err := e.svc.DeleteDraft(e.ctx, e.yann, sh.Slug); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleting another's draft: %v", err)
		}
		if _, err := e.svc.Draft(e.ctx, e.marie, other.Slug); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("draft of another sheet: %v", err)
		}
		// A second put replaces the first.
		in.Body = "Tout autre chose.\n"
		if _, err := e.svc.PutDraft(e.ctx, e.marie, sh.Slug, in, sheet.DraftOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.PutDraft(e.ctx, e.marie, "", sheet.DraftInput{Title: "Nouvelle", Body: "début"}, sheet.DraftOptions{}); err != nil {
			t.Fatal(err)
		}
		list, err := e.svc.Drafts(e.ctx, e.marie)
		if err != nil || len(list) != 2 {
			t.Fatalf("marie's drafts %+v %v", list, err)
		}
		if list[0].Slug != "" || list[0].Title != "Nouvelle" || list[1].Slug != sh.Slug || list[1].Base != 1 {
			t.Errorf("list %+v", list)
		}
		mine, err := e.svc.Draft(e.ctx, e.marie, sh.Slug)
		if err != nil || mine.Body != "Tout autre chose.\n" {
			t.Errorf("replaced draft %+v %v", mine, err)
		}
		if err := e.svc.DeleteDraft(e.ctx, e.marie, sh.Slug); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Draft(e.ctx, e.marie, sh.Slug); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleted draft: %v", err)
		}
	})
}

func TestDraftRefusesWhatItCannotKeepAndChangesNothing(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		sh, _, err := e.svc.Create(e.ctx, e.marie, sheet.CreateInput{Title: "Jardin", Body: jardin})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.PutDraft(e.ctx, e.marie, sh.Slug, sheet.DraftInput{Base: 1, Body: "gardé"}, sheet.DraftOptions{}); err != nil {
			t.Fatal(err)
		}
		cases := map[string]struct {
			slug string
			in   sheet.DraftInput
			code string
		}{
			"body too large":   {sh.Slug, sheet.DraftInput{Base: 1, Body: strings.Repeat("a", sheet.MaxBodyBytes+1)}, "body_too_large"},
			"title too long":   {sh.Slug, sheet.DraftInput{Base: 1, Title: strings.Repeat("é", sheet.MaxTitleRunes+1)}, "title_too_long"},
			"title on 2 lines": {sh.Slug, sheet.DraftInput{Base: 1, Title: "a\nb"}, "invalid_title"},
			"invalid body":     {sh.Slug, sheet.DraftInput{Base: 1, Body: "a\x00b"}, "invalid_body"},
			"long summary":     {sh.Slug, sheet.DraftInput{Base: 1, Summary: strings.Repeat("x", sheet.MaxSummaryRune+1)}, "invalid_summary"},
			"unknown category": {sh.Slug, sheet.DraftInput{Base: 1, Meta: model.Meta{Categories: []string{"nope"}}}, "unknown_category"},
			"base past head":   {sh.Slug, sheet.DraftInput{Base: 2}, "unknown_base"},
			"no base":          {sh.Slug, sheet.DraftInput{Base: 0}, "unknown_base"},
			"new with a base":  {"", sheet.DraftInput{Base: 1}, "unknown_base"},
		}
		for name, tc := range cases {
			_, err := e.svc.PutDraft(e.ctx, e.marie, tc.slug, tc.in, sheet.DraftOptions{})
			var invalid *sheet.InvalidError
			if !errors.As(err, &invalid) || invalid.Code != tc.code {
				t.Errorf("%s: %v, want %s", name, err, tc.code)
			}
		}
		if _, err := e.svc.PutDraft(e.ctx, e.marie, "pas-de-fiche", sheet.DraftInput{Base: 1}, sheet.DraftOptions{}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown sheet: %v", err)
		}
		got, err := e.svc.Draft(e.ctx, e.marie, sh.Slug)
		if err != nil || got.Body != "gardé" {
			t.Errorf("after refusals the draft is %+v %v", got, err)
		}
		if list, _ := e.svc.Drafts(e.ctx, e.marie); len(list) != 1 {
			t.Errorf("refusals created drafts: %+v", list)
		}
	})
}

func TestDraftsAreBoundedPerAccount(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		var slugs []string
		for i := 0; i <= sheet.MaxDrafts; i++ {
			sh, _, err := e.svc.Create(e.ctx, e.yann, sheet.CreateInput{Title: fmt.Sprintf("Fiche %d", i), Body: "texte"})
			if err != nil {
				t.Fatal(err)
			}
			slugs = append(slugs, sh.Slug)
		}
		for i := 0; i < sheet.MaxDrafts; i++ {
			if _, err := e.svc.PutDraft(e.ctx, e.marie, slugs[i], sheet.DraftInput{Base: 1, Body: fmt.Sprint(i)}, sheet.DraftOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		last := slugs[sheet.MaxDrafts]
		if _, err := e.svc.PutDraft(e.ctx, e.marie, last, sheet.DraftInput{Base: 1}, sheet.DraftOptions{}); !errors.Is(err, sheet.ErrTooManyDrafts) {
			t.Fatalf("draft %d: %v, want ErrTooManyDrafts", sheet.MaxDrafts+1, err)
		}
		// Rewriting an existing draft is always allowed.
		if _, err := e.svc.PutDraft(e.ctx, e.marie, slugs[3], sheet.DraftInput{Base: 1, Body: "encore"}, sheet.DraftOptions{}); err != nil {
			t.Errorf("rewriting draft at the limit: %v", err)
		}
		// Others are not limited by Marie's drafts.
		if _, err := e.svc.PutDraft(e.ctx, e.yann, last, sheet.DraftInput{Base: 1}, sheet.DraftOptions{}); err != nil {
			t.Errorf("yann's first draft: %v", err)
		}
		if _, err := e.svc.Draft(e.ctx, e.marie, slugs[3]); err != nil {
			t.Errorf("rewritten draft gone: %v", err)
		}
	})
}

func TestSavingSpendsTheAuthorsDraftOnly(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		mine, err := e.svc.PutDraft(e.ctx, e.marie, "", sheet.DraftInput{Title: "Jardin", Body: jardin}, sheet.DraftOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.PutDraft(e.ctx, e.yann, "", sheet.DraftInput{Title: "Autre", Body: "x"}, sheet.DraftOptions{}); err != nil {
			t.Fatal(err)
		}
		sh, _, err := e.svc.Create(e.ctx, e.marie, sheet.CreateInput{Title: "Jardin", Body: jardin, Draft: &mine.SavedAt})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Draft(e.ctx, e.marie, ""); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("creating a sheet kept the new-sheet draft: %v", err)
		}
		if _, err := e.svc.Draft(e.ctx, e.yann, ""); err != nil {
			t.Errorf("someone else's new-sheet draft went: %v", err)
		}
		drafts := map[*model.User]*model.Draft{}
		for _, u := range []*model.User{e.marie, e.yann} {
			d, err := e.svc.PutDraft(e.ctx, u, sh.Slug, sheet.DraftInput{Base: 1, Body: jardin + u.Username}, sheet.DraftOptions{})
			if err != nil {
				t.Fatal(err)
			}
			drafts[u] = d
		}
		// A refused save (a conflict) keeps the draft.
		if _, err := e.svc.Save(e.ctx, e.yann, sh.Slug, sheet.SaveInput{Base: 1, Title: "Jardin", Body: strings.Replace(jardin, "vingtaine", "trentaine", 1), Draft: &drafts[e.yann].SavedAt}); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Save(e.ctx, e.marie, sh.Slug, sheet.SaveInput{Base: 1, Title: "Jardin", Body: strings.Replace(jardin, "vingtaine", "dizaine", 1), Draft: &drafts[e.marie].SavedAt})
		var conflict *sheet.ConflictError
		if !errors.As(err, &conflict) {
			t.Fatalf("want a conflict, got %v", err)
		}
		if _, err := e.svc.Draft(e.ctx, e.marie, sh.Slug); err != nil {
			t.Errorf("a refused save spent the draft: %v", err)
		}
		if _, err := e.svc.Draft(e.ctx, e.yann, sh.Slug); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("yann's save kept his draft: %v", err)
		}
		// Even a save that changes nothing spends it: the text is saved.
		if _, err := e.svc.Save(e.ctx, e.marie, sh.Slug, sheet.SaveInput{Base: 2, Title: "Jardin", Body: strings.Replace(jardin, "vingtaine", "trentaine", 1), Draft: &drafts[e.marie].SavedAt}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Draft(e.ctx, e.marie, sh.Slug); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("marie's save kept her draft: %v", err)
		}
	})
}

// A save spends the author's draft only when it was made from it; an
// autosave that names the draft it last saw never writes over another
// tab's.
func TestSavingSpendsOnlyTheDraftItWasMadeFrom(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		sh, _, err := e.svc.Create(e.ctx, e.marie, sheet.CreateInput{Title: "Jardin", Body: jardin})
		if err != nil {
			t.Fatal(err)
		}
		none := time.Time{}
		first, err := e.svc.PutDraft(e.ctx, e.marie, sh.Slug, sheet.DraftInput{Base: 1, Body: jardin + "onglet A\n"}, sheet.DraftOptions{IfSavedAt: &none})
		if err != nil {
			t.Fatal(err)
		}
		// A second tab that saw no draft, or the first one, is refused.
		for _, seen := range []time.Time{{}, first.SavedAt.Add(-time.Second)} {
			if _, err := e.svc.PutDraft(e.ctx, e.marie, sh.Slug, sheet.DraftInput{Base: 1, Body: "onglet B"}, sheet.DraftOptions{IfSavedAt: &seen}); !errors.Is(err, sheet.ErrDraftChanged) {
				t.Errorf("autosave over another tab's draft (seen %v): %v", seen, err)
			}
		}
		second, err := e.svc.PutDraft(e.ctx, e.marie, sh.Slug, sheet.DraftInput{Base: 1, Body: jardin + "onglet A, suite\n"}, sheet.DraftOptions{IfSavedAt: &first.SavedAt})
		if err != nil {
			t.Fatal(err)
		}
		if !second.SavedAt.After(first.SavedAt) || second.Body != jardin+"onglet A, suite\n" {
			t.Errorf("second write: %v %q", second.SavedAt, second.Body)
		}
		// Saves naming no draft (a token, an amendment), or an older one
		// (a tab that did not see the latest autosave), keep it.
		for i, from := range []*time.Time{nil, &first.SavedAt} {
			if _, err := e.svc.Save(e.ctx, e.marie, sh.Slug, sheet.SaveInput{Base: sh.HeadNumber + i, Title: "Jardin", Body: fmt.Sprintf("%ssave %d\n", jardin, i), Draft: from}); err != nil {
				t.Fatal(err)
			}
			if got, err := e.svc.Draft(e.ctx, e.marie, sh.Slug); err != nil || !got.SavedAt.Equal(second.SavedAt) {
				t.Errorf("save %d (from %v) spent a draft it was not made from: %v %v", i, from, got, err)
			}
		}
		if _, err := e.svc.Save(e.ctx, e.marie, sh.Slug, sheet.SaveInput{Base: 3, Title: "Jardin", Body: jardin + "from the draft\n", Draft: &second.SavedAt}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Draft(e.ctx, e.marie, sh.Slug); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the save made from the draft kept it: %v", err)
		}
	})
}
