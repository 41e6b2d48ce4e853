package read_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/read"
	"atlas/internal/review"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
)

// The issue's history, through the services: A writes a paragraph, B
// adds one, A fixes a word in B's, C moves A's paragraph below B's, D
// deletes everything, E restores. Each word ends with its true author.
func TestBlameOfTheIssueHistory(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		people := map[string]*model.User{}
		for _, name := range []string{"ana", "bruno", "chloe", "dimitri", "emma"} {
			people[name] = testutil.User(t, w.store, name, model.RoleContributor)
		}
		pa := "Le jardin partagé du quartier accueille chaque samedi matin les voisins qui veulent cultiver ensemble."
		pb := "Les semences sont échangées librement entre les membres lors de la grainothèque mensuelle de la bibliothèque municipale de Brest."
		pbFixed := strings.Replace(pb, "mensuelle", "trimestrielle", 1)
		steps := []struct {
			who, body, summary string
		}{
			{"bruno", pa + "\n\n" + pb + "\n", "ajoute les semences"},
			{"ana", pa + "\n\n" + pbFixed + "\n", "corrige la fréquence"},
			{"chloe", pbFixed + "\n\n" + pa + "\n", "déplace le jardin"},
			{"dimitri", "n'importe quoi\n", "vandalisme"},
		}
		sh, _, err := w.sheets.Create(w.ctx, people["ana"], sheet.CreateInput{Title: "Jardin", Body: pa + "\n", Summary: "début"})
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range steps {
			if _, err := w.sheets.Save(w.ctx, people[s.who], sh.Slug, sheet.SaveInput{Base: i + 1, Title: "Jardin", Body: s.body, Summary: s.summary}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := w.sheets.Restore(w.ctx, people["emma"], sh.Slug, 4, "annule le vandalisme"); err != nil {
			t.Fatal(err)
		}
		sh, err = w.store.SheetBySlug(w.ctx, sh.Slug)
		if err != nil {
			t.Fatal(err)
		}
		if sh.HeadNumber != 6 {
			t.Fatalf("head %d, want 6", sh.HeadNumber)
		}
		with, without, err := w.store.AuthorshipRows(w.ctx, sh.ID)
		if err != nil || with != 6 || without != 0 {
			t.Fatalf("attributed revisions: %d with, %d without (%v); want every one of the 6", with, without, err)
		}
		b, err := read.New(w.store).Blame(w.ctx, sh, 6)
		if err != nil {
			t.Fatal(err)
		}
		checkConcatenates(t, b)
		// Who wrote each word of the restored text.
		owner := map[string]string{}
		for _, p := range b.Passages {
			for _, word := range strings.Fields(p.Text) {
				owner[strings.Trim(word, ".")] = p.Author.Username
			}
		}
		for word, want := range map[string]string{
			"jardin": "ana", "cultiver": "ana", "samedi": "ana",
			"semences": "bruno", "grainothèque": "bruno", "Brest": "bruno",
			"trimestrielle": "ana",
		} {
			if owner[word] != want {
				t.Errorf("%q is attributed to %q, want %q (passages %+v)", word, owner[word], want, b.Passages)
			}
		}
		for _, p := range b.Passages {
			if name := p.Author.Username; name == "chloe" || name == "dimitri" || name == "emma" {
				t.Errorf("passage %q attributed to %s, who wrote no word of it", p.Text, name)
			}
		}
		if len(b.Authors) != 2 || b.Authors[0].User.Username != "bruno" || b.Authors[1].User.Username != "ana" {
			t.Fatalf("authors %+v, want bruno then ana", b.Authors)
		}
		if b.Authors[0].Words <= b.Authors[1].Words || b.Words != b.Authors[0].Words+b.Authors[1].Words {
			t.Errorf("words: %d total, authors %+v", b.Words, b.Authors)
		}
		if a := b.Authors[1]; a.First != 1 || a.Last != 3 {
			t.Errorf("ana's revisions %d to %d, want 1 to 3", a.First, a.Last)
		}
		// The vandalized version is all dimitri's.
		v, err := read.New(w.store).Blame(w.ctx, sh, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Authors) != 1 || v.Authors[0].User.Username != "dimitri" {
			t.Errorf("revision 5's authors %+v, want dimitri alone", v.Authors)
		}
	})
}

// checkConcatenates fails unless the passages give back the body exactly.
func checkConcatenates(t *testing.T, b *read.Blame) {
	t.Helper()
	var all strings.Builder
	for _, p := range b.Passages {
		if p.Text == "" {
			t.Errorf("empty passage of revision %d", p.Revision)
		}
		all.WriteString(p.Text)
	}
	if all.String() != b.Revision.Body {
		t.Errorf("passages give %q, want the body %q", all.String(), b.Revision.Body)
	}
}

// Every way a revision is made stores its attribution: a save, a merge,
// a restore, an amendment, an import.
func TestEveryPathAttributesItsRevision(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		sh, _, err := w.sheets.Create(w.ctx, w.author, sheet.CreateInput{Title: "Chemins", Body: "## Un\n\nPremier.\n\n## Deux\n\nSecond.\n"})
		if err != nil {
			t.Fatal(err)
		}
		save := func(base int, body string) sheet.SaveResult {
			t.Helper()
			res, err := w.sheets.Save(w.ctx, w.author, sh.Slug, sheet.SaveInput{Base: base, Title: "Chemins", Body: body})
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		save(1, "## Un\n\nPremier, revu.\n\n## Deux\n\nSecond.\n")
		if res := save(1, "## Un\n\nPremier.\n\n## Deux\n\nSecond, revu aussi.\n"); !res.Merged || res.Revision.Origin != model.OriginMerge {
			t.Fatalf("want a merge, got %+v", res)
		}
		if _, err := w.sheets.Restore(w.ctx, w.author, sh.Slug, 1, ""); err != nil {
			t.Fatal(err)
		}
		names := make([]string, len(w.board))
		for i, u := range w.board {
			names[i] = u.Username
		}
		if _, err := w.reviews.SetBoard(w.ctx, w.admin, sh.Slug, names); err != nil {
			t.Fatal(err)
		}
		r, err := w.reviews.Submit(w.ctx, w.author, sh.Slug, 4, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.reviews.Amend(w.ctx, w.board[0], r.ID, review.AmendInput{Base: 4, Title: "Chemins", Body: "## Un\n\nPremier amendé.\n\n## Deux\n\nSecond.\n"}); err != nil {
			t.Fatal(err)
		}
		imported, _, err := w.sheets.Create(w.ctx, w.author, sheet.CreateInput{Title: "Importée", Body: "Texte importé.\n", Origin: model.OriginImport})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []struct {
			id   int64
			want int
		}{{sh.ID, 5}, {imported.ID, 1}} {
			with, without, err := w.store.AuthorshipRows(w.ctx, s.id)
			if err != nil || with != s.want || without != 0 {
				t.Errorf("sheet %d: %d attributed, %d not (%v); want %d and 0", s.id, with, without, err, s.want)
			}
		}
	})
}

// forgetAuthorship empties revision_authorship, as in an atlas whose
// revisions were saved before it existed: the append-only guard is lifted
// for the test alone.
func forgetAuthorship(t *testing.T, d *db.DB) {
	t.Helper()
	g := d.Conn(context.Background())
	var stmts []string
	if d.Dialect == db.Postgres {
		stmts = []string{`ALTER TABLE revision_authorship DISABLE TRIGGER USER`, `DELETE FROM revision_authorship`,
			`ALTER TABLE revision_authorship ENABLE TRIGGER USER`}
	} else {
		stmts = []string{`DROP TRIGGER revision_authorship_no_delete`, `DELETE FROM revision_authorship`}
	}
	for _, s := range stmts {
		if err := g.Exec(s).Error; err != nil {
			t.Fatal(err)
		}
	}
}

// An atlas whose revisions have no attribution: a save then stores none
// (its parent has none), a blame computes the missing chain up to its
// revision (two at once store each row once), and the fill `atlas
// reindex` runs completes the rest, giving the same answers as saves do.
func TestAuthorshipFilledForAnOldAtlas(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		other := testutil.User(t, w.store, "autre", model.RoleContributor)
		sh, _, err := w.sheets.Create(w.ctx, w.author, sheet.CreateInput{Title: "Ancienne", Body: "Un premier paragraphe écrit par l’autrice du début.\n"})
		if err != nil {
			t.Fatal(err)
		}
		body := "Un premier paragraphe écrit par l’autrice du début.\n"
		for i := 1; i < 12; i++ {
			who := w.author
			if i%2 == 1 {
				who = other
			}
			body += fmt.Sprintf("\nParagraphe numéro %d ajouté plus tard par quelqu’un d’autre.\n", i)
			if _, err := w.sheets.Save(w.ctx, who, sh.Slug, sheet.SaveInput{Base: i, Title: "Ancienne", Body: body}); err != nil {
				t.Fatal(err)
			}
		}
		r := read.New(w.store)
		sh, _ = w.store.SheetBySlug(w.ctx, sh.Slug)
		want, err := r.Blame(w.ctx, sh, 8)
		if err != nil {
			t.Fatal(err)
		}
		forgetAuthorship(t, d)
		if with, _, _ := w.store.AuthorshipRows(w.ctx, sh.ID); with != 0 {
			t.Fatalf("%d rows left", with)
		}
		body += "\nEncore un paragraphe, sur un historique sans attribution.\n"
		if _, err := w.sheets.Save(w.ctx, w.author, sh.Slug, sheet.SaveInput{Base: 12, Title: "Ancienne", Body: body}); err != nil {
			t.Fatal(err)
		}
		if with, without, _ := w.store.AuthorshipRows(w.ctx, sh.ID); with != 0 || without != 13 {
			t.Fatalf("after a save on an old history: %d with, %d without; want 0 and 13", with, without)
		}
		// Two blames at once fill revisions 1 to 8, each row once.
		errs := make(chan error, 2)
		got := make([]*read.Blame, 2)
		for i := range 2 {
			go func() {
				var err error
				got[i], err = r.Blame(w.ctx, sh, 8)
				errs <- err
			}()
		}
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		for _, b := range got {
			if spansOf(b) != spansOf(want) {
				t.Errorf("filled blame %s, want %s", spansOf(b), spansOf(want))
			}
		}
		if with, without, _ := w.store.AuthorshipRows(w.ctx, sh.ID); with != 8 || without != 5 {
			t.Errorf("after a blame of revision 8: %d with, %d without; want 8 and 5", with, without)
		}
		// What `atlas reindex` runs for each sheet.
		added, err := w.store.FillAuthorship(w.ctx, sh.ID, 13)
		if err != nil || added != 5 {
			t.Errorf("fill stored %d rows (%v), want 5", added, err)
		}
		if with, without, _ := w.store.AuthorshipRows(w.ctx, sh.ID); with != 13 || without != 0 {
			t.Errorf("after the fill: %d with, %d without", with, without)
		}
		if added, err := w.store.FillAuthorship(w.ctx, sh.ID, 13); err != nil || added != 0 {
			t.Errorf("a second fill stored %d rows (%v), want none", added, err)
		}
		head, err := r.Blame(w.ctx, sh, 13)
		if err != nil {
			t.Fatal(err)
		}
		checkConcatenates(t, head)
		if len(head.Authors) != 2 || head.Authors[0].User.Username != "autrice" || head.Authors[1].Last != 12 {
			t.Errorf("authors of the head %+v", head.Authors)
		}
	})
}

// spansOf writes a blame's passages as revision:text pairs.
func spansOf(b *read.Blame) string {
	var sb strings.Builder
	for _, p := range b.Passages {
		fmt.Fprintf(&sb, "%d:%q ", p.Revision, p.Text)
	}
	return sb.String()
}

// An undo gives the words it brings back to those who wrote them, however
// old the change it takes back: the revision names its source (reverts),
// beyond the few recent versions every save compares with.
func TestUndoGivesWordsBack(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ana := testutil.User(t, w.store, "ana", model.RoleContributor)
		bruno := testutil.User(t, w.store, "bruno", model.RoleContributor)
		chloe := testutil.User(t, w.store, "chloe", model.RoleContributor)
		emma := testutil.User(t, w.store, "emma", model.RoleContributor)
		kept := "La ressourcerie répare les vélos donnés par les habitants et les prête aux étudiants du campus."
		sh, _, err := w.sheets.Create(w.ctx, ana, sheet.CreateInput{Title: "Vélos", Body: "Les vélos\n\n" + kept + "\n\nHoraires\n", Summary: "début"})
		if err != nil {
			t.Fatal(err)
		}
		body := "Les vélos\n\nHoraires\n"
		if _, err := w.sheets.Save(w.ctx, bruno, sh.Slug, sheet.SaveInput{Base: 1, Title: "Vélos", Body: body, Summary: "efface"}); err != nil {
			t.Fatal(err)
		}
		for i := range 7 {
			body += fmt.Sprintf("\nAtelier numéro %d le mardi soir.\n", i+1)
			if _, err := w.sheets.Save(w.ctx, chloe, sh.Slug, sheet.SaveInput{Base: i + 2, Title: "Vélos", Body: body, Summary: "atelier"}); err != nil {
				t.Fatal(err)
			}
		}
		rev, err := w.sheets.Undo(w.ctx, emma, sh.Slug, sheet.UndoInput{Revision: 2})
		if err != nil {
			t.Fatal(err)
		}
		b, err := read.New(w.store).Blame(w.ctx, sh, rev.Number)
		if err != nil {
			t.Fatal(err)
		}
		checkConcatenates(t, b)
		if !strings.Contains(spansOf(b), "ressourcerie") {
			t.Fatalf("the undo did not bring the text back: %s", spansOf(b))
		}
		for _, p := range b.Passages {
			if strings.Contains(p.Text, "ressourcerie") || strings.Contains(p.Text, "étudiants") {
				if p.Author.Username != "ana" {
					t.Errorf("%q attributed to %s, want ana", p.Text, p.Author.Username)
				}
			}
			if p.Author.Username == "emma" {
				t.Errorf("passage %q attributed to emma, who only undid a change", p.Text)
			}
		}
	})
}

// A version written together credits every co-writer with its words in
// the list of authors (its passages name the one who saved it).
func TestBlameCreditsCoauthors(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ana := testutil.User(t, w.store, "ana", model.RoleContributor)
		bruno := testutil.User(t, w.store, "bruno", model.RoleContributor)
		chloe := testutil.User(t, w.store, "chloe", model.RoleContributor)
		sh, _, err := w.sheets.Create(w.ctx, ana, sheet.CreateInput{Title: "Fête", Body: "Une fête de quartier.\n", Summary: "début"})
		if err != nil {
			t.Fatal(err)
		}
		res, err := w.sheets.Save(w.ctx, bruno, sh.Slug, sheet.SaveInput{Base: 1, Title: "Fête", Body: "Une fête de quartier.\n\nLes voisins apportent à manger et de la musique.\n", Summary: "ensemble"})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.store.AddCoauthors(w.ctx, res.Revision.ID, []int64{bruno.ID, chloe.ID}); err != nil {
			t.Fatal(err)
		}
		b, err := read.New(w.store).Blame(w.ctx, sh, 2)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, a := range b.Authors {
			got[a.User.Username] = a.Words
		}
		if got["chloe"] == 0 || got["chloe"] != got["bruno"] || got["ana"] == 0 {
			t.Fatalf("authors %v: chloe co-wrote revision 2 and counts as bruno does", got)
		}
		if b.Words != got["ana"]+got["bruno"] {
			t.Errorf("the text's words %d counted a co-written revision twice (%v)", b.Words, got)
		}
	})
}
