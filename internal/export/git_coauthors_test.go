package export_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/export"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
)

// TestGitExportNamesCoauthors: a version written together in a live
// session gets one Co-authored-by trailer per writer other than its
// author, which git reads back as trailers; a version of one writer gets
// none; nobody's private e-mail goes in, every writer being
// username@noreply.HOST of the atlas's base URL.
func TestGitExportNamesCoauthors(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		testutil.SkipSuite(t, "atlas export --git test (internal/export)", "git is not installed")
	}
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newServices(t, d)
		marie := testutil.User(t, s.store, "marie", model.RoleContributor)
		yann := testutil.User(t, s.store, "yann", model.RoleContributor)
		anne := testutil.User(t, s.store, "anne", model.RoleContributor)
		if err := s.store.DB().Conn(ctx).Exec(`UPDATE users SET display_name = ? WHERE id = ?`, "Yann Le Gall", yann.ID).Error; err != nil {
			t.Fatal(err)
		}
		sh, _, err := s.sheets.Create(ctx, marie, sheet.CreateInput{Title: "Jardin des Lilas", Body: "Un jardin.\n"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.sheets.Save(ctx, marie, sh.Slug, sheet.SaveInput{Base: 1, Title: "Jardin des Lilas", Body: "Un jardin partagé.\n",
			Summary: "écrit ensemble", Coauthors: []int64{yann.ID, marie.ID, anne.ID}}); err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), "atlas.git")
		if n, err := export.WriteGit(ctx, s.store, dir, export.GitOptions{BaseURL: "https://Atlas.Example.org/communs"}); err != nil || n != 2 {
			t.Fatalf("WriteGit = %d, %v; want 2 commits", n, err)
		}
		log := func(format string) []string {
			out, err := exec.Command("git", "-C", dir, "log", "--format="+format+"%x00").CombinedOutput()
			if err != nil {
				t.Fatalf("git log: %v: %s", err, out)
			}
			list := strings.Split(string(out), "\x00")
			for i := range list {
				list[i] = strings.TrimSpace(list[i])
			}
			return list[:len(list)-1]
		}
		trailers := log("%(trailers:key=Co-authored-by,valueonly)")
		want := []string{"anne <anne@noreply.atlas.example.org>\nYann Le Gall <yann@noreply.atlas.example.org>", ""}
		if strings.Join(trailers, "|") != strings.Join(want, "|") {
			t.Errorf("Co-authored-by trailers, newest first = %q, want %q", trailers, want)
		}
		if authors := log("%an <%ae>"); strings.Join(authors, "|") != "marie <marie@noreply.atlas.example.org>|marie <marie@noreply.atlas.example.org>" {
			t.Errorf("authors = %q", authors)
		}
		if body := log("%B")[0]; !strings.HasPrefix(body, "jardin-des-lilas: version 2 (edit)\n\nécrit ensemble\n\nCo-authored-by: anne <") {
			t.Errorf("message of the version written together:\n%s", body)
		}
		if all := strings.Join(log("%ae %ce %B"), "\n"); strings.Contains(all, "@example.org") {
			t.Errorf("a private e-mail in the history:\n%s", all)
		}
	})
}
