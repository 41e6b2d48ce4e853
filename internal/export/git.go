package export

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"atlas/internal/model"
	"atlas/internal/store"
)

// WriteGit makes dir a git repository holding every sheet's history: one
// commit per revision, in the order they were saved, each changing
// <slug>.md, with the revision's author and date. It feeds git fast-import,
// so a large atlas is written in one pass without a commit process per
// revision.
func WriteGit(ctx context.Context, st *store.Store, dir string) (int, error) {
	if _, err := os.Stat(dir); err == nil {
		if entries, _ := os.ReadDir(dir); len(entries) > 0 {
			return 0, fmt.Errorf("export: %s is not empty", dir)
		}
	}
	if out, err := git(ctx, "init", "-q", "-b", "main", "--", dir).CombinedOutput(); err != nil {
		return 0, fmt.Errorf("export: git init: %v: %s", err, out)
	}
	cmd := git(ctx, "-C", dir, "fast-import", "--quiet", "--done")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return 0, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("export: git fast-import: %w", err)
	}
	n, writeErr := writeFastImport(ctx, st, stdin)
	if err := stdin.Close(); writeErr == nil { // the end of the stream for git
		writeErr = err
	}
	if err := cmd.Wait(); err != nil {
		return n, fmt.Errorf("export: git fast-import: %v: %s", err, stderr.String())
	}
	if writeErr != nil {
		return n, writeErr
	}
	if n > 0 {
		if out, err := git(ctx, "-C", dir, "checkout", "-q", "main").CombinedOutput(); err != nil {
			return n, fmt.Errorf("export: git checkout: %v: %s", err, out)
		}
	}
	return n, nil
}

// git runs the git command; its arguments are the export's own, the
// directory being the one the user named.
func git(ctx context.Context, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "git", args...) //nolint:gosec // G204: the program is always git, see above
}

func writeFastImport(ctx context.Context, st *store.Store, out io.Writer) (int, error) {
	w := bufio.NewWriter(out)
	users := map[int64]*model.User{}
	if err := store.Each(ctx, st, func(list []model.User) error {
		for i := range list {
			users[list[i].ID] = &list[i]
		}
		return nil
	}); err != nil {
		return 0, err
	}
	// Each sheet's file: <slug>.md. A slug is checked again here, though
	// the API and a restore only store valid ones, because the path is a
	// line of the fast-import stream: a newline in it would write commands
	// of its own. A sheet whose slug is not one gets sheet_<id>.md, a name
	// no valid slug makes; its front matter keeps the slug, quoted.
	slugs, files := map[int64]string{}, map[int64]string{}
	if err := store.Each(ctx, st, func(list []model.Sheet) error {
		for _, sh := range list {
			slugs[sh.ID], files[sh.ID] = sh.Slug, gitName(sh.ID, sh.Slug)
		}
		return nil
	}); err != nil {
		return 0, err
	}
	n := 0
	err := st.EachRevision(ctx, store.ByID, func(revs []model.Revision) error {
		for _, r := range revs {
			name := files[r.SheetID]
			var file bytes.Buffer
			if err := WriteMarkdown(&file, SheetFile{Slug: slugs[r.SheetID], Title: r.Title, Body: r.Body, Meta: r.Meta,
				Revision: r.Number, SHA256: r.SHA256, Updated: r.CreatedAt}); err != nil {
				return err
			}
			who := "inconnu <inconnu@atlas.invalid>"
			if u := users[r.AuthorID]; u != nil {
				who = signature(u.Name(), u.Email)
			}
			// The message goes as counted data, which nothing in it can end
			// early; control characters are still dropped, for the tools
			// that later print it.
			msg := fmt.Sprintf("%s: version %d (%s)", name, r.Number, messageText(r.Origin))
			if summary := messageText(r.Summary); summary != "" {
				msg += "\n\n" + summary
			}
			when := fmt.Sprintf("%d +0000", r.CreatedAt.Unix())
			if err := writeCommit(w, n+1, who+" "+when, msg, name+".md", file.Bytes()); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	if _, err := w.WriteString("done\n"); err != nil {
		return n, err
	}
	return n, w.Flush()
}

// writeCommit writes one revision as the fast-import commit numbered mark,
// on top of the one before it; signature is "name <email> time zone".
func writeCommit(w io.Writer, mark int, signature, msg, path string, file []byte) error {
	if _, err := fmt.Fprintf(w, "commit refs/heads/main\nmark :%d\nauthor %s\ncommitter %s\ndata %d\n%s\n",
		mark, signature, signature, len(msg), msg); err != nil {
		return err
	}
	if mark > 1 {
		if _, err := fmt.Fprintf(w, "from :%d\n", mark-1); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "M 100644 inline %s\ndata %d\n%s\n", path, len(file), file)
	return err
}

// gitSafeName is what a file name of the stream may be: a slug's shape.
var gitSafeName = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// gitName is the name of a sheet's file, without ".md".
func gitName(id int64, slug string) string {
	if len(slug) <= 80 && gitSafeName.MatchString(slug) {
		return slug
	}
	return fmt.Sprintf("sheet_%d", id)
}

// signature is "name <email>" as a fast-import author line takes it: no
// control character (a newline would end the line), and no angle bracket
// but the two around the address.
func signature(name, email string) string {
	clean := func(s string, space rune) string {
		return strings.Map(func(r rune) rune {
			switch {
			case r == '<' || r == '>':
				return -1
			case unicode.IsControl(r) || r == utf8.RuneError:
				return space
			}
			return r
		}, s)
	}
	name = strings.TrimSpace(clean(name, ' '))
	if name == "" {
		name = "inconnu"
	}
	return fmt.Sprintf("%s <%s>", name, clean(email, -1))
}

// messageText drops control characters from a line of a commit message.
func messageText(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, s))
}
