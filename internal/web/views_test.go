package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"atlas/internal/i18n"
	atlasviews "atlas/views"
)

// TestEveryPageIsRegistered fails when a template in views/pages is not in
// the registry (it would never be parsed) or a registered page has no file.
func TestEveryPageIsRegistered(t *testing.T) {
	files, err := fs.Glob(atlasviews.FS, "pages/*.html")
	if err != nil {
		t.Fatal(err)
	}
	var onDisk []string
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "pages/"), ".html")
		onDisk = append(onDisk, name)
		if !slices.Contains(pageNames, name) {
			t.Errorf("views/pages/%s.html is not registered in pageNames", name)
		}
	}
	for _, name := range pageNames {
		if !slices.Contains(onDisk, name) {
			t.Errorf("page %q has no file in views/pages", name)
		}
	}
	a, err := newAssets(false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := newViews(false, a); err != nil {
		t.Fatalf("templates do not parse: %v", err)
	}
}

// TestTemplatesUseKnownMessages fails on a literal message key, in a
// template or a handler, that a catalogue lacks: it would show as [key].
func TestTemplatesUseKnownMessages(t *testing.T) {
	keyPattern := regexp.MustCompile(`(?:\.T|i18n\.T\([a-zA-Z.]+,|\bT\() ?"([a-z_]+\.[a-z_.]+)"`)
	check := func(name string, data []byte) {
		for _, m := range keyPattern.FindAllSubmatch(data, -1) {
			key := string(m[1])
			if strings.HasSuffix(key, ".") || strings.HasSuffix(key, "_") {
				continue // a prefix completed at run time, checked below
			}
			for _, lang := range i18n.Languages {
				if !i18n.Has(lang, key) {
					t.Errorf("%s: %s lacks %q", name, lang, key)
				}
			}
		}
	}
	_ = fs.WalkDir(atlasviews.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := fs.ReadFile(atlasviews.FS, p)
			check(p, data)
		}
		return nil
	})
	goFiles, _ := filepath.Glob("*.go")
	for _, f := range goFiles {
		data, _ := os.ReadFile(f)
		check(f, data)
	}
	// Keys built at run time from a fixed set of values.
	dynamic := map[string][]string{
		"origin.":       {"edit", "merge", "restore", "amendment", "import"},
		"state.":        {"draft", "submitted", "validated", "rejected", "superseded"},
		"review.state.": {"submitted", "validated", "rejected", "withdrawn"},
		"vote.":         {"approve", "reject", "abstain"},
		"diff.status_":  {"same", "changed", "added", "removed"},
		"role.":         {"contributor", "admin"},
		"audit.action.": {"submit", "vote", "amend", "validate", "reject", "withdraw", "board_change", "role_change"},
		"meta.":         {"subtitle", "categories", "tags", "place", "website", "contact", "legal_status", "licence"},
		"flash.":        {"created", "saved", "merged", "unchanged", "restored", "restore_unchanged", "logged_in", "logged_out", "password_changed", "token_deleted", "user_created", "user_updated", "submitted", "voted", "withdrawn", "amended", "commented", "board_updated"},
		"notify.":       {"review_requested.subject", "review_requested.body", "amended.subject", "amended.body", "decided.subject", "decided.body", "new_revision.subject", "new_revision.body"},
	}
	for prefix, values := range dynamic {
		for _, v := range values {
			for _, lang := range i18n.Languages {
				if !i18n.Has(lang, prefix+v) {
					t.Errorf("%s lacks %q", lang, prefix+v)
				}
			}
		}
	}
}
