package sheet_test

import (
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/document"
	"atlas/internal/search"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
)

// The template's unanswered questions are prompts, not text: a sheet that
// only has them is not found by their words, one that answers them is,
// and saving an answer into a template sheet makes it findable.
func TestUnansweredQuestionsAreNotIndexed(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		s := search.New(d)
		question := "### Quels financements, quelles contributions ?\n\n"
		answered := strings.Replace(document.Template(), question, question+"Une subvention de la ville.\n", 1)
		empty, _, err := e.svc.Create(e.ctx, e.marie, sheet.CreateInput{Title: "Jardin des Capucins", Body: document.Template()})
		if err != nil {
			t.Fatal(err)
		}
		full, _, err := e.svc.Create(e.ctx, e.yann, sheet.CreateInput{Title: "Repair café", Body: answered})
		if err != nil {
			t.Fatal(err)
		}
		found := func(q string) map[int64]bool {
			t.Helper()
			hits, err := s.Search(e.ctx, q, 10)
			if err != nil {
				t.Fatal(err)
			}
			ids := map[int64]bool{}
			for _, h := range hits {
				ids[h.SheetID] = true
			}
			return ids
		}
		for _, q := range []string{"financements", "partenariats", "gouvernance", "communauté", "liens"} {
			if found(q)[empty.ID] {
				t.Errorf("%q finds the sheet holding only the template", q)
			}
		}
		if ids := found("financements"); !ids[full.ID] || len(ids) != 1 {
			t.Errorf("financements finds %v, want the answered sheet %d only", ids, full.ID)
		}
		if ids := found("subvention"); !ids[full.ID] {
			t.Errorf("the answer itself is not found: %v", ids)
		}
		if ids := found("redistribution"); ids[full.ID] {
			t.Errorf("an unanswered question of the answered sheet is indexed")
		}
		if !found("capucins")[empty.ID] {
			t.Errorf("the title of the template sheet is not indexed")
		}
		// The writer answers a question of the template sheet: now it is found.
		q := "### Quelle redistribution des ressources ?\n\n"
		body := strings.Replace(document.Template(), q, q+"La maison de quartier.\n", 1)
		if _, err := e.svc.Save(e.ctx, e.marie, empty.Slug, sheet.SaveInput{Base: 1, Title: "Jardin des Capucins", Body: body}); err != nil {
			t.Fatal(err)
		}
		if ids := found("redistribution"); !ids[empty.ID] || ids[full.ID] {
			t.Errorf("after the answer, redistribution finds %v", ids)
		}
		stored, err := e.store.Revision(e.ctx, empty.ID, 2)
		if err != nil || stored.Body != body {
			t.Errorf("the stored body changed: %v", err)
		}
	})
}

// An atlas indexed before the rule holds the template's words; "atlas
// reindex" (RefreshVisible on every sheet) rebuilds it under the rule.
func TestReindexDropsTheTemplatesWords(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		s := search.New(d)
		sh, _, err := e.svc.Create(e.ctx, e.marie, sheet.CreateInput{Title: "Jardin des Capucins", Body: document.Template()})
		if err != nil {
			t.Fatal(err)
		}
		// As the index was written before: the whole body.
		if err := s.Index(e.ctx, sh.ID, "Jardin des Capucins", document.Template()); err != nil {
			t.Fatal(err)
		}
		if hits, _ := s.Search(e.ctx, "financements", 10); len(hits) != 1 {
			t.Fatalf("the old index should find the template: %v", hits)
		}
		if err := e.svc.RefreshVisible(e.ctx, sh); err != nil {
			t.Fatal(err)
		}
		if hits, _ := s.Search(e.ctx, "financements", 10); len(hits) != 0 {
			t.Errorf("after reindexing, financements still finds %v", hits)
		}
	})
}
