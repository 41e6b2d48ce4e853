package review_test

import (
	"context"
	"testing"

	"atlas/internal/app/apptest"
	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/review"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
)

// indexEnv is an atlas with an author, a one-member board and a sheet
// the board validated; it needs nothing of setup, so it stays whatever
// the other tests' setup becomes.
type indexEnv struct {
	ctx     context.Context
	sheets  *sheet.Service
	reviews *review.Service
	author  *model.User
	member  *model.User
	slug    string
}

func newIndexEnv(t *testing.T, d *db.DB) *indexEnv {
	t.Helper()
	a := apptest.New(t, d)
	e := &indexEnv{ctx: context.Background(), sheets: a.Sheets, reviews: a.Reviews}
	admin := testutil.User(t, a.Store, "admin", model.RoleAdmin)
	e.author = testutil.User(t, a.Store, "autrice", model.RoleContributor)
	e.member = testutil.User(t, a.Store, "membre", model.RoleContributor)
	sh, _, err := e.sheets.Create(e.ctx, e.author, sheet.CreateInput{Title: "Grainothèque", Body: "Des voisins.\n"})
	if err != nil {
		t.Fatal(err)
	}
	e.slug = sh.Slug
	if _, err := e.reviews.SetBoard(e.ctx, admin, e.slug, []string{"membre"}); err != nil {
		t.Fatal(err)
	}
	e.decide(t, 1)
	return e
}

// decide submits revision number and has the board approve it.
func (e *indexEnv) decide(t *testing.T, number int) {
	t.Helper()
	r, err := e.reviews.Submit(e.ctx, e.author, e.slug, number, "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.reviews.Vote(e.ctx, e.member, r.ID, review.ChoiceApprove, number, "")
	if err != nil {
		t.Fatalf("deciding vote on revision %d: %v", number, err)
	}
	if got.State != review.StateValidated {
		t.Fatalf("revision %d: review %s", number, got.State)
	}
}

// A body of about 900 KB whose words are all different saves, on a new
// sheet and on a validated one, and the board decides its review: the
// search index holds a bounded vector of it (PostgreSQL refused one past
// 1 MB, and the save or the deciding vote failed with it, for ever).
func TestLargeBodyOfDistinctWordsIsDecided(t *testing.T) {
	body := testutil.DistinctWords(2, 900<<10)
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := newIndexEnv(t, d)
		if _, _, err := e.sheets.Create(e.ctx, e.author, sheet.CreateInput{Title: "Fiche hostile", Body: body}); err != nil {
			t.Fatalf("new sheet of distinct words: %v", err)
		}
		if _, err := e.sheets.Save(e.ctx, e.author, e.slug, sheet.SaveInput{Base: 1, Title: "Grainothèque", Body: body}); err != nil {
			t.Fatal(err)
		}
		e.decide(t, 2)
	})
}

// The search index is derived data (atlas reindex rebuilds it): a failure
// to write it loses no save and blocks no decision.
func TestIndexFailureBlocksNeitherSaveNorVote(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		e := newIndexEnv(t, d)
		if _, err := e.sheets.Save(e.ctx, e.author, e.slug, sheet.SaveInput{Base: 1, Title: "Grainothèque", Body: "Des voisins et un composteur.\n"}); err != nil {
			t.Fatal(err)
		}
		table := "search_docs"
		if d.Dialect == db.SQLite {
			table = "search_fts"
		}
		if err := d.Conn(e.ctx).Exec("DROP TABLE " + table).Error; err != nil {
			t.Fatal(err)
		}
		e.decide(t, 2)
		if _, _, err := e.sheets.Create(e.ctx, e.author, sheet.CreateInput{Title: "Nouvelle fiche", Body: "Un atelier.\n"}); err != nil {
			t.Errorf("new sheet without an index: %v", err)
		}
	})
}
