package export

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"atlas/internal/model"
	"atlas/internal/store"
)

// GitOptions tunes the git export.
type GitOptions struct {
	// BaseURL is the atlas's public address (ATLAS_BASE_URL); its host
	// makes the writers' addresses (see gitAddress). Empty: atlas.invalid.
	BaseURL string
}

// WriteGit makes dir a git repository holding every sheet's history: one
// commit per revision, in the order they were saved, each changing
// <slug>.md, with the revision's author and date, and a Co-authored-by
// trailer for each other writer of a revision written together (a live
// session). It feeds git fast-import, so a large atlas is written in one
// pass without a commit process per revision.
func WriteGit(ctx context.Context, st *store.Store, dir string, opts GitOptions) (int, error) {
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
	n, writeErr := writeFastImport(ctx, st, stdin, gitMailHost(opts.BaseURL))
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

func writeFastImport(ctx context.Context, st *store.Store, out io.Writer, host string) (int, error) {
	w := bufio.NewWriter(out)
	users, byUsername := map[int64]*model.User{}, map[string]*model.User{}
	if err := store.Each(ctx, st, func(list []model.User) error {
		for i := range list {
			users[list[i].ID] = &list[i]
			byUsername[list[i].Username] = &list[i]
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
		ids := make([]int64, len(revs))
		for i := range revs {
			ids[i] = revs[i].ID
		}
		together, err := st.Coauthors(ctx, ids)
		if err != nil {
			return err
		}
		for _, r := range revs {
			name := files[r.SheetID]
			var file bytes.Buffer
			if err := WriteMarkdown(&file, SheetFile{Slug: slugs[r.SheetID], Title: r.Title, Body: r.Body, Meta: r.Meta,
				Revision: r.Number, SHA256: r.SHA256, Updated: r.CreatedAt}); err != nil {
				return err
			}
			who := "inconnu <inconnu@atlas.invalid>"
			if u := users[r.AuthorID]; u != nil {
				who = signature(u.Name(), gitAddress(u.Username, host))
			}
			// The message goes as counted data, which nothing in it can end
			// early; control characters are still dropped, for the tools
			// that later print it.
			msg := fmt.Sprintf("%s: version %d (%s)", name, r.Number, messageText(r.Origin))
			if summary := messageText(r.Summary); summary != "" {
				msg += "\n\n" + summary
			}
			msg += coauthorTrailers(together[r.ID], r.AuthorID, byUsername, host)
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

// coauthorTrailers is the last paragraph of a commit message naming the
// other writers of a revision written together, one "Co-authored-by:
// Name <address>" trailer each (the convention git forges read), in
// username order; "" for a revision of one writer. The author, counted
// among the writers, is left out.
func coauthorTrailers(writers []model.User, authorID int64, byUsername map[string]*model.User, host string) string {
	var b strings.Builder
	for _, c := range writers {
		u := byUsername[c.Username]
		if u == nil || u.ID == authorID {
			continue
		}
		if b.Len() == 0 {
			b.WriteString("\n")
		}
		b.WriteString("\nCo-authored-by: " + signature(u.Name(), gitAddress(u.Username, host)))
	}
	return b.String()
}

// gitAddress is the address that stands for an account in the git
// history: username@noreply.HOST, HOST being the atlas's public host. An
// account's e-mail is private (only its owner and the admins see it) and
// a git repository is made to be copied and published, so no real address
// goes in; this one is stable across exports and names the atlas the
// writer belongs to, so the same person is the same address in every
// commit. Without a base URL the host is atlas.invalid, a name that can
// never receive mail (RFC 2606).
func gitAddress(username, host string) string {
	name := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			return r
		}
		return '_'
	}, username)
	if name == "" {
		name = "inconnu"
	}
	return name + "@" + host
}

// gitMailHost is the domain of the writers' addresses: noreply.HOST for
// the base URL's host name, atlas.invalid without one (or for an IP
// address, which makes no domain).
func gitMailHost(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil || u.Hostname() == "" || net.ParseIP(u.Hostname()) != nil {
		return "atlas.invalid"
	}
	host := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-':
			return r
		}
		return -1
	}, u.Hostname())
	if host == "" {
		return "atlas.invalid"
	}
	return "noreply." + strings.ToLower(host)
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
