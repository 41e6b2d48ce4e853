package export_test

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"atlas/internal/export"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
)

// TestGitExportCannotBeInjected: a sheet stored by other means than the
// service (an old bug, a hand-edited database) with a newline in its
// slug, and control characters in its title, summary and author, gives
// the same commits and files, no more.
func TestGitExportCannotBeInjected(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		testutil.SkipSuite(t, "atlas export --git test (internal/export)", "git is not installed")
	}
	ctx := context.Background()
	s := newServices(t, testutil.NewSQLite(t))
	author := testutil.User(t, s.store, "marie", model.RoleContributor)
	if err := s.store.DB().Conn(ctx).Exec(`UPDATE users SET display_name = ?, email = ?, username = ? WHERE id = ?`,
		"Marie\nM 100644 inline name.md\x00", "marie@example.org>\ncommit refs/heads/evil", "marie>\ncommit", author.ID).Error; err != nil {
		t.Fatal(err)
	}
	evil := "x.md\ndata 1\nx\nM 100644 inline injected" // before: a file injected.md
	sh := &model.Sheet{Slug: evil, Title: "Evil", HeadNumber: 1, CreatedBy: author.ID}
	if err := s.store.CreateSheet(ctx, sh); err != nil {
		t.Fatal(err)
	}
	body := "texte\n"
	rev := &model.Revision{SheetID: sh.ID, Number: 1, AuthorID: author.ID, Origin: model.OriginEdit,
		Summary: "résumé\n\ncommit refs/heads/evil\x00", Title: "Evil\n---\ninjected: true", Body: body, SHA256: sum(body), Size: len(body)}
	if err := s.store.CreateRevision(ctx, rev); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.sheets.Create(ctx, author, sheet.CreateInput{Title: "Repair café", Body: "x"}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "atlas.git")
	n, err := export.WriteGit(ctx, s.store, dir, export.GitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("%d commits, want 2", n)
	}
	git := func(args ...string) string {
		out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v: %s", args, err, out)
		}
		return string(out)
	}
	if files := git("ls-tree", "-r", "--name-only", "HEAD"); files != fmt.Sprintf("repair-cafe.md\nsheet_%d.md\n", sh.ID) {
		t.Errorf("files = %q", files)
	}
	if refs := git("for-each-ref", "--format=%(refname)"); refs != "refs/heads/main\n" {
		t.Errorf("refs = %q", refs)
	}
	if count := git("rev-list", "--count", "--all"); count != "2\n" {
		t.Errorf("%s commits in the repository, want 2", count)
	}
	first := git("log", "--format=%an|%ae|%B", "--", fmt.Sprintf("sheet_%d.md", sh.ID))
	if strings.ContainsRune(first, 0) || !strings.HasPrefix(first, "Marie M 100644 inline name.md|marie__commit@atlas.invalid|sheet_") {
		t.Errorf("first commit = %q", first)
	}
}
