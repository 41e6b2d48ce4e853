package export_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"atlas/internal/app/apptest"
	"atlas/internal/db"
	"atlas/internal/export"
	"atlas/internal/model"
	"atlas/internal/review"
	"atlas/internal/sheet"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

type services struct {
	store   *store.Store
	sheets  *sheet.Service
	reviews *review.Service
}

func newServices(t testing.TB, d *db.DB) services {
	a := apptest.New(t, d)
	return services{store: a.Store, sheets: a.Sheets, reviews: a.Reviews}
}

// fill writes a small living atlas: two sheets, several revisions, a board,
// a validated review with an amendment, votes and comments.
func fill(t *testing.T, s services) {
	ctx := context.Background()
	admin := testutil.User(t, s.store, "admin", model.RoleAdmin)
	marie := testutil.User(t, s.store, "marie", model.RoleContributor)
	var board []*model.User
	for _, n := range []string{"anne", "bleuenn", "corentin"} {
		board = append(board, testutil.User(t, s.store, n, model.RoleContributor))
	}
	sh, _, err := s.sheets.Create(ctx, marie, sheet.CreateInput{Title: "Grainothèque", Body: "## La communauté\r\n\r\nDes jardinières 🌱.\n",
		Meta: &model.Meta{Categories: []string{"semences"}, Place: &model.Place{Name: "Médiathèque", Lat: 48.4, Lon: -4.39}}})
	if err != nil {
		t.Fatal(err)
	}
	for i, body := range []string{"## La communauté\r\n\r\nDes jardinières et des jardiniers 🌱.\n", "## La communauté\r\n\r\nUne trentaine de personnes.\n"} {
		if _, err := s.sheets.Save(ctx, marie, sh.Slug, sheet.SaveInput{Base: i + 1, Title: "Grainothèque", Body: body, Summary: "précision"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.sheets.Create(ctx, admin, sheet.CreateInput{Title: "Repair café", Body: "x"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.reviews.SetBoard(ctx, admin, sh.Slug, []string{"anne", "bleuenn", "corentin"}); err != nil {
		t.Fatal(err)
	}
	r, err := s.reviews.Submit(ctx, marie, sh.Slug, 3, "à valider")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.reviews.Vote(ctx, board[0], r.ID, review.ChoiceApprove, 3, ""); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.reviews.Amend(ctx, board[1], r.ID, review.AmendInput{Base: 3, Title: "Grainothèque", Body: "## La communauté\r\n\r\nUne trentaine de personnes, ouverte à tous.\n"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.reviews.Vote(ctx, board[0], r.ID, review.ChoiceApprove, 4, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.reviews.Vote(ctx, board[2], r.ID, review.ChoiceApprove, 4, "oui"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.sheets.Comment(ctx, marie, sh.Slug, sheet.CommentInput{Body: "Merci !"}); err != nil {
		t.Fatal(err)
	}
}

// snapshot reads what must survive a round trip, table by table.
func snapshot(t *testing.T, s services) map[string]any {
	ctx := context.Background()
	out := map[string]any{}
	grab := func(name string, fn func() (any, error)) {
		v, err := fn()
		if err != nil {
			t.Fatal(err)
		}
		out[name] = v
	}
	grab("users", func() (any, error) {
		var list []model.User
		err := store.Each(ctx, s.store, func(b []model.User) error {
			for _, u := range b {
				u.PasswordHash = ""
				list = append(list, u)
			}
			return nil
		})
		return list, err
	})
	grab("atlas_id", func() (any, error) { return s.store.AtlasID(ctx) })
	grab("sheets", func() (any, error) { return collect[model.Sheet](ctx, s.store) })
	grab("revisions", func() (any, error) { return collect[model.Revision](ctx, s.store) })
	grab("reviews", func() (any, error) { return collect[model.Review](ctx, s.store) })
	grab("votes", func() (any, error) { return collect[model.Vote](ctx, s.store) })
	grab("audit", func() (any, error) { return collect[model.AuditEntry](ctx, s.store) })
	grab("comments", func() (any, error) { return collect[model.Comment](ctx, s.store) })
	grab("board", func() (any, error) { return collect[model.BoardMember](ctx, s.store) })
	grab("redirects", func() (any, error) { return collect[model.SheetRedirect](ctx, s.store) })
	grab("coauthors", func() (any, error) { return collect[model.RevisionCoauthor](ctx, s.store) })
	return out
}

func collect[T any](ctx context.Context, st *store.Store) ([]T, error) {
	var all []T
	err := store.Each(ctx, st, func(b []T) error { all = append(all, b...); return nil })
	return all, err
}

func TestArchiveRestoresExactly(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		src := newServices(t, d)
		fill(t, src)
		// A rename leaves a redirect, and a duplicate merged into a sheet
		// that comes after it must come back merged.
		admin, _ := src.store.UserByUsername(ctx, "admin")
		moved := "repair-cafe-du-port"
		if _, err := src.sheets.Rename(ctx, admin, "repair-cafe", sheet.RenameInput{Slug: &moved}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := src.sheets.Create(ctx, admin, sheet.CreateInput{Title: "Atelier de réparation", Body: "x"}); err != nil {
			t.Fatal(err)
		}
		if _, err := src.sheets.Merge(ctx, admin, moved, "atelier-de-reparation", "doublon"); err != nil {
			t.Fatal(err)
		}
		// An undo and what it reverts come back too.
		four, _, err := src.sheets.Create(ctx, admin, sheet.CreateInput{Title: "Four à pain", Body: "Le samedi.\n"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := src.sheets.Save(ctx, admin, four.Slug, sheet.SaveInput{Base: 1, Title: "Four à pain", Body: "Le dimanche.\n"}); err != nil {
			t.Fatal(err)
		}
		if rev, err := src.sheets.Undo(ctx, admin, four.Slug, sheet.UndoInput{Revision: 2}); err != nil || rev.Reverts == nil {
			t.Fatalf("undo: %+v %v", rev, err)
		}
		// So do the co-writers of a version written together.
		marie, _ := src.store.UserByUsername(ctx, "marie")
		together, err := src.store.Revision(ctx, four.ID, 2)
		if err != nil {
			t.Fatal(err)
		}
		if err := src.store.AddCoauthors(ctx, together.ID, []int64{admin.ID, marie.ID}); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		m, err := export.WriteArchive(ctx, src.store, &buf)
		if err != nil {
			t.Fatal(err)
		}
		if m.Counts["revisions"] != 9 || m.Counts["revision_coauthors"] != 2 || m.Counts["users"] != 5 || m.Counts["votes"] != 3 || m.Counts["sheet_redirects"] != 1 {
			t.Errorf("counts = %v", m.Counts)
		}
		if bytes.Contains(buf.Bytes(), []byte("$argon2id$")) {
			t.Error("the archive holds password hashes")
		}
		var fresh *db.DB
		if d.Dialect == db.Postgres {
			fresh = testutil.NewPostgres(t)
		} else {
			fresh = testutil.NewSQLite(t)
		}
		dst := newServices(t, fresh)
		if _, err := export.RestoreArchive(ctx, dst.store, dst.sheets, bytes.NewReader(buf.Bytes()), int64(buf.Len())); err != nil {
			t.Fatal(err)
		}
		want, got := snapshot(t, src), snapshot(t, dst)
		for name := range want {
			if w, g := normalize(want[name]), normalize(got[name]); w != g {
				t.Errorf("%s differ after restore:\nwant %s\ngot  %s", name, w, g)
			}
		}
		// Restoring twice is refused: the database is no longer empty.
		if _, err := export.RestoreArchive(ctx, dst.store, dst.sheets, bytes.NewReader(buf.Bytes()), int64(buf.Len())); err == nil {
			t.Error("restore over data accepted")
		}
		// Life goes on: the next save is revision 6, the readers' version is
		// the validated one, search works, new rows get fresh ids.
		marie, _ = dst.store.UserByUsername(ctx, "marie")
		res, err := dst.sheets.Save(ctx, marie, "grainotheque", sheet.SaveInput{Base: 4, Title: "Grainothèque", Body: "suite"})
		if err != nil || res.Revision.Number != 5 && res.Revision.Number != 6 {
			t.Fatalf("save after restore: %+v %v", res, err)
		}
		sh, _ := dst.store.SheetBySlug(ctx, "grainotheque")
		if sh.PublishedNumber == nil || *sh.PublishedNumber != 4 || sh.HeadNumber != res.Revision.Number {
			t.Errorf("sheet after restore = %+v", sh)
		}
		if _, err := dst.sheets.Comment(ctx, marie, "grainotheque", sheet.CommentInput{Body: "après"}); err != nil {
			t.Errorf("new comment after restore: %v", err)
		}
		cards, _ := dst.store.Cards(ctx, store.CardFilter{Category: "semences"})
		if len(cards) != 1 || cards[0].RevisionNumber != 4 {
			t.Errorf("cards after restore = %+v", cards)
		}
	})
}

// normalize compares rows by value, pointers followed.
func normalize(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(data)
}

func TestGitExportKeepsEveryRevision(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		testutil.SkipSuite(t, "atlas export --git test (internal/export)", "git is not installed")
	}
	s := newServices(t, testutil.NewSQLite(t))
	fill(t, s)
	dir := filepath.Join(t.TempDir(), "atlas.git")
	n, err := export.WriteGit(context.Background(), s.store, dir, export.GitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n != 5 {
		t.Errorf("%d commits, want 5", n)
	}
	out, err := exec.Command("git", "-C", dir, "log", "--format=%an|%ae|%s", "--", "grainotheque.md").CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "bleuenn|bleuenn@atlas.invalid|grainotheque: version 4 (amendment)") {
		t.Errorf("git log = %q", lines)
	}
	body, err := exec.Command("git", "-C", dir, "show", "HEAD:grainotheque.md").CombinedOutput()
	if err != nil || !strings.Contains(string(body), "ouverte à tous") || !strings.Contains(string(body), "revision: 4") {
		t.Errorf("file at a revision: %v %s", err, body)
	}
	if _, err := export.WriteGit(context.Background(), s.store, dir, export.GitOptions{}); err == nil {
		t.Error("export into a non-empty directory accepted")
	}
}
