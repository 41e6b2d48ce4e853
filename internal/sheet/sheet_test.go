package sheet_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

type env struct {
	ctx   context.Context
	store *store.Store
	svc   *sheet.Service
	marie *model.User
	yann  *model.User
}

func setup(t *testing.T, d *db.DB) env {
	st := store.New(d)
	return env{
		ctx: context.Background(), store: st, svc: sheet.NewService(st, nil),
		marie: testutil.User(t, st, "marie", model.RoleContributor),
		yann:  testutil.User(t, st, "yann", model.RoleContributor),
	}
}

const jardin = "## La communauté\n\nUne vingtaine de voisins.\n\n## Les ressources\n\nDes parcelles et un composteur.\n\n## La gouvernance\n\nUne réunion par mois.\n"

func TestCreateKeepsBytesAndMakesSlugs(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		body := "## Préambule\r\n\r\nÉcrit à Brest\u00a0: café ☕, 🌱 et «\u202fguillemets\u202f».\r\n"
		sh, rev, err := e.svc.Create(e.ctx, e.marie, sheet.CreateInput{Title: "  Le Jardin partagé  ", Body: body, Summary: "création"})
		if err != nil {
			t.Fatal(err)
		}
		if sh.Slug != "le-jardin-partage" || rev.Number != 1 || rev.Parent != nil || rev.Origin != model.OriginEdit {
			t.Errorf("sheet %+v revision %+v", sh, rev)
		}
		stored, err := e.store.Revision(e.ctx, sh.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(body))
		if stored.Body != body || stored.SHA256 != hex.EncodeToString(sum[:]) || stored.Size != len(body) {
			t.Errorf("stored body %q sha %s size %d", stored.Body, stored.SHA256, stored.Size)
		}
		if stored.Title != "Le Jardin partagé" || stored.Meta.Licence != model.DefaultLicence {
			t.Errorf("title %q licence %q", stored.Title, stored.Meta.Licence)
		}
		for _, want := range []string{"le-jardin-partage-2", "le-jardin-partage-3"} {
			sh, _, err := e.svc.Create(e.ctx, e.yann, sheet.CreateInput{Title: "Le jardin partagé", Body: "x"})
			if err != nil || sh.Slug != want {
				t.Errorf("slug = %v (%v), want %s", sh, err, want)
			}
		}
		if sh, _, err := e.svc.Create(e.ctx, e.yann, sheet.CreateInput{Title: "🌱", Body: "x"}); err != nil || sh.Slug != "fiche" {
			t.Errorf("title without letters: %v %v", sh, err)
		}
	})
}

func TestCreateRefusesBadInput(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		lat := model.Meta{Place: &model.Place{Lat: 91, Lon: 0}}
		cases := map[string]sheet.CreateInput{
			"title":           {Title: "   ", Body: "x"},
			"title_newline":   {Title: "a\nb", Body: "x"},
			"body_nul":        {Title: "t", Body: "a\x00b"},
			"body_utf8":       {Title: "t", Body: "a\xffb"},
			"body_too_large":  {Title: "t", Body: strings.Repeat("a", sheet.MaxBodyBytes+1)},
			"meta.categories": {Title: "t", Meta: &model.Meta{Categories: []string{"inconnue"}}},
			"meta.place.lat":  {Title: "t", Meta: &lat},
			"slug":            {Title: "t", Slug: "Pas Bon"},
			"summary":         {Title: "t", Summary: "deux\nlignes"},
		}
		for name, in := range cases {
			_, _, err := e.svc.Create(e.ctx, e.marie, in)
			var invalid *sheet.InvalidError
			if !errors.As(err, &invalid) {
				t.Errorf("%s: err = %v, want InvalidError", name, err)
			}
		}
		page, _ := e.store.ListSheets(e.ctx, store.SheetListOptions{Limit: 10})
		if len(page) != 0 {
			t.Errorf("refused creations stored %d sheets", len(page))
		}
	})
}

func TestSaveMergesOrConflicts(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		sh, _, err := e.svc.Create(e.ctx, e.marie, sheet.CreateInput{Title: "Jardin", Body: jardin})
		if err != nil {
			t.Fatal(err)
		}
		save := func(u *model.User, base int, body string) (sheet.SaveResult, error) {
			return e.svc.Save(e.ctx, u, sh.Slug, sheet.SaveInput{Base: base, Title: "Jardin", Body: body, Summary: "modif"})
		}

		// A straight save from the head.
		marie := strings.Replace(jardin, "Une vingtaine", "Une trentaine", 1)
		res, err := save(e.marie, 1, marie)
		if err != nil || res.Merged || res.Unchanged || res.Revision.Number != 2 || *res.Revision.Parent != 1 {
			t.Fatalf("save from head: %+v %v", res, err)
		}

		// Yann started from 1 too, and edited another section: merged.
		yann := strings.Replace(jardin, "une réunion par mois", "une réunion par semaine", 1)
		yann = strings.Replace(yann, "Une réunion", "Deux réunions", 1)
		res, err = save(e.yann, 1, yann)
		if err != nil || !res.Merged || res.Revision.Number != 3 || res.Revision.Origin != model.OriginMerge {
			t.Fatalf("merge: %+v %v", res, err)
		}
		if !strings.Contains(res.Revision.Body, "Une trentaine") || !strings.Contains(res.Revision.Body, "Deux réunions") {
			t.Errorf("merged body lost an edit:\n%s", res.Revision.Body)
		}

		// Both changed the same line: conflict, the user's text handed back, nothing stored.
		clash := strings.Replace(jardin, "Une vingtaine", "Une quarantaine", 1)
		_, err = save(e.yann, 1, clash)
		var conflict *sheet.ConflictError
		if !errors.As(err, &conflict) {
			t.Fatalf("overlap: err = %v", err)
		}
		if conflict.Head != 3 || conflict.Mine.Body != clash || len(conflict.Conflicts) == 0 {
			t.Errorf("conflict = %+v", conflict)
		}
		if head, _ := e.store.SheetBySlug(e.ctx, sh.Slug); head.HeadNumber != 3 {
			t.Errorf("conflict stored something: head = %d", head.HeadNumber)
		}

		// Saving the head's content again changes nothing.
		head, _ := e.store.Revision(e.ctx, sh.ID, 3)
		res, err = save(e.marie, 3, head.Body)
		if err != nil || !res.Unchanged || res.Revision.Number != 3 {
			t.Errorf("identical save: %+v %v", res, err)
		}

		if _, err := save(e.marie, 0, "x"); !errors.Is(err, sheet.ErrBaseRequired) {
			t.Errorf("no base: %v", err)
		}
		var invalid *sheet.InvalidError
		if _, err := save(e.marie, 99, "x"); !errors.As(err, &invalid) {
			t.Errorf("future base: %v", err)
		}
		if _, err := e.svc.Save(e.ctx, e.marie, "absente", sheet.SaveInput{Base: 1, Title: "x"}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown sheet: %v", err)
		}
	})
}

func TestMetaMergesFieldByField(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		sh, _, err := e.svc.Create(e.ctx, e.marie, sheet.CreateInput{Title: "Jardin", Body: jardin, Meta: &model.Meta{Subtitle: "avant"}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Save(e.ctx, e.marie, sh.Slug, sheet.SaveInput{Base: 1, Title: "Jardin", Body: jardin, Meta: &model.Meta{Subtitle: "après", Categories: []string{"jardins-nature"}}})
		if err != nil {
			t.Fatal(err)
		}
		res, err := e.svc.Save(e.ctx, e.yann, sh.Slug, sheet.SaveInput{Base: 1, Title: "Jardin partagé", Body: jardin, Meta: &model.Meta{Subtitle: "avant", Place: &model.Place{Name: "Recouvrance", Lat: 48.38, Lon: -4.5}}})
		if err != nil {
			t.Fatal(err)
		}
		m := res.Revision.Meta
		if res.Revision.Title != "Jardin partagé" || m.Subtitle != "après" || len(m.Categories) != 1 || m.Place == nil || m.Place.Name != "Recouvrance" {
			t.Errorf("merged title %q meta %+v", res.Revision.Title, m)
		}
	})
}

func TestRestore(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		sh, _, _ := e.svc.Create(e.ctx, e.marie, sheet.CreateInput{Title: "Jardin", Body: jardin})
		if _, err := e.svc.Save(e.ctx, e.yann, sh.Slug, sheet.SaveInput{Base: 1, Title: "Jardin", Body: "vandalisme"}); err != nil {
			t.Fatal(err)
		}
		rev, err := e.svc.Restore(e.ctx, e.marie, sh.Slug, 1, "")
		if err != nil {
			t.Fatal(err)
		}
		if rev.Number != 3 || rev.Origin != model.OriginRestore || rev.Body != jardin || rev.Summary == "" {
			t.Errorf("restore = %+v", rev)
		}
		if _, err := e.svc.Restore(e.ctx, e.marie, sh.Slug, 3, ""); !errors.Is(err, sheet.ErrUnchanged) {
			t.Errorf("restoring the head: %v", err)
		}
		if _, err := e.svc.Restore(e.ctx, e.marie, sh.Slug, 42, ""); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("restoring a missing revision: %v", err)
		}
	})
}

// TestConcurrentEditorsLoseNothing: 16 people each own a paragraph of one
// sheet and save it 8 times, each time from whatever they last read. Every
// acknowledged edit must be in the final text, and revisions must be
// numbered 1..n without a gap.
func TestConcurrentEditorsLoseNothing(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		const editors, saves = 16, 8
		var b strings.Builder
		b.WriteString("## Paragraphes\n")
		for i := 0; i < editors; i++ {
			fmt.Fprintf(&b, "\nparagraphe %d version 0\n", i)
		}
		sh, _, err := e.svc.Create(e.ctx, e.marie, sheet.CreateInput{Title: "Concurrence", Body: b.String()})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, editors)
		acked := make([]int, editors)
		for i := 0; i < editors; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				for v := 1; v <= saves; {
					cur, err := e.store.SheetBySlug(e.ctx, sh.Slug)
					if err != nil {
						errs <- err
						return
					}
					rev, err := e.store.Revision(e.ctx, cur.ID, cur.HeadNumber)
					if err != nil {
						errs <- err
						return
					}
					body := strings.Replace(rev.Body, fmt.Sprintf("paragraphe %d version %d\n", i, v-1), fmt.Sprintf("paragraphe %d version %d\n", i, v), 1)
					_, err = e.svc.Save(e.ctx, e.marie, sh.Slug, sheet.SaveInput{Base: rev.Number, Title: "Concurrence", Body: body, Summary: fmt.Sprintf("%d.%d", i, v)})
					var conflict *sheet.ConflictError
					if errors.As(err, &conflict) {
						continue // not acknowledged: read again and retry
					}
					if err != nil {
						errs <- err
						return
					}
					acked[i] = v
					v++
				}
			}(i)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		final, _ := e.store.SheetBySlug(e.ctx, sh.Slug)
		if final.HeadNumber != 1+editors*saves {
			t.Errorf("head = %d, want %d", final.HeadNumber, 1+editors*saves)
		}
		head, _ := e.store.Revision(e.ctx, sh.ID, final.HeadNumber)
		for i := 0; i < editors; i++ {
			if want := fmt.Sprintf("paragraphe %d version %d\n", i, acked[i]); !strings.Contains(head.Body, want) {
				t.Errorf("final text lost %q", want)
			}
		}
		var numbers []int
		d.Conn(e.ctx).Raw("SELECT number FROM revisions WHERE sheet_id = ? ORDER BY number", sh.ID).Scan(&numbers)
		for i, n := range numbers {
			if n != i+1 {
				t.Fatalf("revision numbers have a gap at %d: %v", i+1, numbers)
			}
		}
	})
}
