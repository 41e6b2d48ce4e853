package sheet_test

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

// history writes a sheet whose revision 1 is jardin and each later
// revision applies one replacement to its parent, saved by yann and
// marie in turn.
func (e env) history(t *testing.T, edits ...[2]string) *model.Sheet {
	t.Helper()
	sh, _, err := e.svc.Create(e.ctx, e.marie, sheet.CreateInput{Title: "Jardin", Body: jardin, Summary: "création"})
	if err != nil {
		t.Fatal(err)
	}
	body := jardin
	for i, ed := range edits {
		next := strings.Replace(body, ed[0], ed[1], 1)
		if next == body {
			t.Fatalf("edit %d: %q not in the text", i+2, ed[0])
		}
		author := e.yann
		if i%2 == 1 {
			author = e.marie
		}
		res, err := e.svc.Save(e.ctx, author, sh.Slug, sheet.SaveInput{Base: i + 1, Title: "Jardin", Body: next, Summary: "modification " + strconv.Itoa(i+2)})
		if err != nil || res.Revision.Number != i+2 {
			t.Fatalf("edit %d: %+v %v", i+2, res, err)
		}
		body = next
	}
	return sh
}

func (e env) head(t *testing.T, sh *model.Sheet) *model.Revision {
	t.Helper()
	cur, err := e.store.SheetBySlug(e.ctx, sh.Slug)
	if err != nil {
		t.Fatal(err)
	}
	rev, err := e.store.Revision(e.ctx, cur.ID, cur.HeadNumber)
	if err != nil {
		t.Fatal(err)
	}
	return rev
}

func TestUndoMergesOntoLaterEdits(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		cases := []struct {
			name  string
			edits [][2]string
			undo  int
			want  string
		}{
			{
				// A change in the middle; later edits before and after it
				// stay.
				name: "middle change, later edits elsewhere",
				edits: [][2]string{
					{"Des parcelles et un composteur.", "Des parcelles, un composteur et une serre."},
					{"Une vingtaine de voisins.", "Une trentaine de voisins."},
					{"Une réunion par mois.", "Une réunion par semaine."},
				},
				undo: 2,
				want: strings.NewReplacer("Une vingtaine", "Une trentaine", "par mois", "par semaine").Replace(jardin),
			},
			{
				name: "insertion",
				edits: [][2]string{
					{"Des parcelles et un composteur.\n", "Des parcelles et un composteur.\n\nUn four à pain, cuit le samedi.\n"},
					{"Une réunion par mois.", "Une réunion par semaine."},
				},
				undo: 2,
				want: strings.Replace(jardin, "par mois", "par semaine", 1),
			},
			{
				name: "deletion",
				edits: [][2]string{
					{"\n## La gouvernance\n\nUne réunion par mois.\n", ""},
					{"Une vingtaine de voisins.", "Une trentaine de voisins."},
				},
				undo: 2,
				want: strings.Replace(jardin, "Une vingtaine", "Une trentaine", 1),
			},
			{
				// The head itself: its parent's text comes back whole.
				name: "the head",
				edits: [][2]string{
					{"Une vingtaine de voisins.", "Une trentaine de voisins."},
					{"Une réunion par mois.", "Une réunion par semaine."},
				},
				undo: 3,
				want: strings.Replace(jardin, "Une vingtaine", "Une trentaine", 1),
			},
		}
		e := setup(t, d)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				sh := e.history(t, c.edits...)
				headBefore := len(c.edits) + 1
				rev, err := e.svc.Undo(e.ctx, e.marie, sh.Slug, sheet.UndoInput{Revision: c.undo})
				if err != nil {
					t.Fatal(err)
				}
				if rev.Body != c.want {
					t.Errorf("body after undo:\n%s\nwant:\n%s", rev.Body, c.want)
				}
				if rev.Number != headBefore+1 || rev.Origin != model.OriginUndo || rev.Parent == nil || *rev.Parent != headBefore ||
					rev.Reverts == nil || *rev.Reverts != c.undo-1 || rev.AuthorID != e.marie.ID {
					t.Errorf("undo revision %+v", rev)
				}
				// Revision 2 is yann's, 3 marie's (history alternates).
				author := map[int]string{2: "yann", 3: "marie"}[c.undo]
				if want := "Annulation de la modification " + strconv.Itoa(c.undo) + " de " + author; rev.Summary != want {
					t.Errorf("summary %q, want %q", rev.Summary, want)
				}
				// Stored as answered, reverts included, by both reads.
				stored := e.head(t, sh)
				if stored.Body != c.want || stored.Reverts == nil || *stored.Reverts != c.undo-1 || stored.Origin != model.OriginUndo {
					t.Errorf("stored %+v", stored)
				}
				page, err := e.store.ListRevisions(e.ctx, sh.ID, 0, 10)
				if err != nil {
					t.Fatal(err)
				}
				if r := page.Revisions[0]; r.Reverts == nil || *r.Reverts != c.undo-1 || page.Revisions[1].Reverts != nil {
					t.Errorf("history summaries: reverts %v then %v", r.Reverts, page.Revisions[1].Reverts)
				}
			})
		}
	})
}

// TestUndoOverlappedByLaterEditsConflicts: a later revision rewrote the
// passage the undone one changed. Nothing is stored; the conflict carries
// the proposed text, with the passage as it was before the undone change
// and the later edits elsewhere kept.
func TestUndoOverlappedByLaterEditsConflicts(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		sh := e.history(t,
			[2]string{"Une vingtaine de voisins.", "Une trentaine de voisins."},
			[2]string{"Une trentaine de voisins.", "Une trentaine de voisins, et leurs enfants."},
			[2]string{"Une réunion par mois.", "Une réunion par semaine."},
		)
		_, err := e.svc.Undo(e.ctx, e.yann, sh.Slug, sheet.UndoInput{Revision: 2})
		var conflict *sheet.ConflictError
		if !errors.As(err, &conflict) {
			t.Fatalf("undo overlapped by revision 3: %v", err)
		}
		want := strings.Replace(jardin, "par mois", "par semaine", 1)
		if conflict.Head != 4 || conflict.Mine.Body != want || conflict.Merged.Body != want || len(conflict.Conflicts) != 1 ||
			conflict.Conflicts[0].Section != "La communauté" {
			t.Errorf("conflict head %d, %d conflicts %+v, proposed:\n%s", conflict.Head, len(conflict.Conflicts), conflict.Conflicts, conflict.Mine.Body)
		}
		if conflict.Mine.Title != "Jardin" {
			t.Errorf("proposed title %q", conflict.Mine.Title)
		}
		if got := e.head(t, sh); got.Number != 4 {
			t.Errorf("head moved to %d", got.Number)
		}
		// The plan the confirmation page shows says the same.
		plan, err := e.svc.PlanUndo(e.ctx, sh.Slug, 2)
		if err != nil || len(plan.Conflicts) != 1 || plan.Result.Body != want || plan.Head.Number != 4 || plan.Parent.Number != 1 {
			t.Errorf("plan %+v %v", plan, err)
		}
	})
}

func TestUndoRefusals(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		sh := e.history(t,
			[2]string{"Une vingtaine de voisins.", "Une trentaine de voisins."},
			[2]string{"Une réunion par mois.", "Une réunion par semaine."},
		)
		code := func(err error) string {
			var invalid *sheet.InvalidError
			if errors.As(err, &invalid) {
				return invalid.Code
			}
			return fmt.Sprint("not invalid: ", err)
		}
		if _, err := e.svc.Undo(e.ctx, e.marie, sh.Slug, sheet.UndoInput{Revision: 1}); code(err) != "undo_first_revision" {
			t.Errorf("undo of revision 1: %v", err)
		}
		if _, err := e.svc.Undo(e.ctx, e.marie, sh.Slug, sheet.UndoInput{Revision: 9}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("undo of a missing revision: %v", err)
		}
		if _, err := e.svc.Undo(e.ctx, e.marie, sh.Slug, sheet.UndoInput{Revision: 2, Summary: "a\nb"}); code(err) != "invalid_summary" {
			t.Errorf("summary on two lines: %v", err)
		}
		first, err := e.svc.Undo(e.ctx, e.marie, sh.Slug, sheet.UndoInput{Revision: 2, Summary: "  doublon  "})
		if err != nil || first.Summary != "doublon" {
			t.Fatalf("undo: %+v %v", first, err)
		}
		// Taken back already: a second undo would repeat the head.
		if _, err := e.svc.Undo(e.ctx, e.marie, sh.Slug, sheet.UndoInput{Revision: 2}); code(err) != "already_undone" {
			t.Errorf("second undo of 2: %v", err)
		}
		// Undoing the undo brings the change back.
		again, err := e.svc.Undo(e.ctx, e.yann, sh.Slug, sheet.UndoInput{Revision: first.Number})
		if want := strings.NewReplacer("Une vingtaine", "Une trentaine", "par mois", "par semaine").Replace(jardin); err != nil || again.Body != want ||
			again.Reverts == nil || *again.Reverts != first.Number-1 {
			t.Errorf("undo of the undo: %+v %v", again, err)
		}
		if got := e.head(t, sh); got.Number != 5 {
			t.Errorf("head %d after two undos and three refusals", got.Number)
		}
	})
}

// TestUndoTakesBackTitleAndMeta: title and metadata are merged field by
// field, as a save's are.
func TestUndoTakesBackTitleAndMeta(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		sh, _, err := e.svc.Create(e.ctx, e.marie, sheet.CreateInput{Title: "Jardin", Body: jardin, Meta: &model.Meta{Tags: []string{"potager"}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Save(e.ctx, e.yann, sh.Slug, sheet.SaveInput{Base: 1, Title: "Jardin des voisins", Body: jardin, Meta: &model.Meta{Tags: []string{"potager", "serre"}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Save(e.ctx, e.marie, sh.Slug, sheet.SaveInput{Base: 2, Title: "Jardin des voisins", Body: jardin, Meta: &model.Meta{Tags: []string{"potager", "serre"}, Website: "https://jardin.example"}}); err != nil {
			t.Fatal(err)
		}
		rev, err := e.svc.Undo(e.ctx, e.marie, sh.Slug, sheet.UndoInput{Revision: 2})
		if err != nil {
			t.Fatal(err)
		}
		if rev.Title != "Jardin" || strings.Join(rev.Meta.Tags, ",") != "potager" || rev.Meta.Website != "https://jardin.example" {
			t.Errorf("after undo: title %q tags %v website %q", rev.Title, rev.Meta.Tags, rev.Meta.Website)
		}
	})
}

// TestRestoreRecordsWhatItReverts: a restore of K names K in reverts.
func TestRestoreRecordsWhatItReverts(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		sh := e.history(t, [2]string{"Une vingtaine de voisins.", "vandalisme"})
		rev, err := e.svc.Restore(e.ctx, e.marie, sh.Slug, 1, "")
		if err != nil {
			t.Fatal(err)
		}
		if rev.Reverts == nil || *rev.Reverts != 1 {
			t.Errorf("restore of 1: reverts %v", rev.Reverts)
		}
		if got := e.head(t, sh); got.Reverts == nil || *got.Reverts != 1 || got.Origin != model.OriginRestore {
			t.Errorf("stored restore: %+v", got)
		}
		// An ordinary save reverts nothing.
		if got, _ := e.store.Revision(e.ctx, sh.ID, 2); got.Reverts != nil {
			t.Errorf("an edit reverts %d", *got.Reverts)
		}
	})
}

// TestUndoKeepsTheValidatedVersion: on a sheet whose board validated a
// version, an undo moves the head only, as any save does: readers keep
// the validated text until a review validates the new one.
func TestUndoKeepsTheValidatedVersion(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		sh := e.history(t,
			[2]string{"Une vingtaine de voisins.", "Une trentaine de voisins."},
			[2]string{"Une réunion par mois.", "Une réunion par semaine."},
		)
		if err := e.store.Publish(e.ctx, sh.ID, 3); err != nil {
			t.Fatal(err)
		}
		rev, err := e.svc.Undo(e.ctx, e.marie, sh.Slug, sheet.UndoInput{Revision: 2})
		if err != nil {
			t.Fatal(err)
		}
		cur, err := e.store.SheetBySlug(e.ctx, sh.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if cur.HeadNumber != rev.Number || cur.PublishedNumber == nil || *cur.PublishedNumber != 3 || !sheet.Pending(cur) {
			t.Errorf("after the undo: head %d published %v", cur.HeadNumber, cur.PublishedNumber)
		}
	})
}
