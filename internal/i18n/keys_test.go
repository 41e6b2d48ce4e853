package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Where the code names a message: {{.T "key"}} and {{.N "key" n}} in
// templates; T(lang, "key"), b.T("key") and their N twins in Go; and the
// "error.…" keys that errors carry until they are shown.
var (
	plainUse   = regexp.MustCompile(`(?:\.T|\bT\((?:[a-zA-Z0-9_.]+(?:\(\))?, ?)?) ?"([a-z_]+\.[a-z0-9_.]+)"`)
	countedUse = regexp.MustCompile(`(?:\.N|\bN\((?:[a-zA-Z0-9_.]+(?:\(\))?, ?)?) ?"([a-z_]+\.[a-z0-9_.]+)"`)
	errorKey   = regexp.MustCompile(`"(error\.[a-z0-9_.]+)"`)
)

// TestUsedKeysExist fails on a key that a template or a Go file names and
// a catalogue lacks: it would show as [key]. Keys completed at run time
// ("state." + s) are left to the packages that build them.
func TestUsedKeysExist(t *testing.T) {
	root, err := os.OpenRoot(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = root.Close() }) // read only
	tree := root.FS()
	scanned := 0
	for _, dir := range []string{"views", "internal", "cmd"} {
		err := fs.WalkDir(tree, dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !isScannedSource(path) {
				return err
			}
			data, err := fs.ReadFile(tree, path)
			if err != nil {
				return err
			}
			scanned++
			checkKeys(t, path, data)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if scanned < 50 {
		t.Fatalf("scanned only %d files: is the module root at %s?", scanned, root.Name())
	}
}

// isScannedSource tells the Go and template files that may name keys; tests
// name keys of their own making.
func isScannedSource(path string) bool {
	if strings.HasSuffix(path, "_test.go") {
		return false
	}
	return strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".html")
}

func checkKeys(t *testing.T, path string, data []byte) {
	t.Helper()
	check := func(pattern *regexp.Regexp, has func(lang, key string) bool, kind string) {
		for _, m := range pattern.FindAllSubmatch(data, -1) {
			key := string(m[1])
			if strings.HasSuffix(key, ".") || strings.HasSuffix(key, "_") {
				continue
			}
			for _, lang := range Languages {
				if !has(lang, key) {
					t.Errorf("%s: %s lacks the %s %q", path, lang, kind, key)
				}
			}
		}
	}
	check(plainUse, Has, "message")
	check(countedUse, HasN, "counted message")
	check(errorKey, Has, "message")
}

// The scan must see the ways keys are written, or it would pass on
// anything.
func TestKeyPatterns(t *testing.T) {
	for _, tc := range []struct {
		src     string
		pattern *regexp.Regexp
		want    string
	}{
		{`{{.T "nav.skip"}}`, plainUse, "nav.skip"},
		{`{{$.T "sheet.by"}}`, plainUse, "sheet.by"},
		{`i18n.T(lang, "review.tally", 1)`, plainUse, "review.tally"},
		{`b.T("sheet.new")`, plainUse, "sheet.new"},
		{`i18n.T(i18n.Default, "home.title")`, plainUse, "home.title"},
		{`{{.N "diff.words_added" .Added}}`, countedUse, "diff.words_added"},
		{`i18n.N(b.Lang, "sheet.revisions", n)`, countedUse, "sheet.revisions"},
		{`newError(400, "bad_request", "error.form_unreadable")`, errorKey, "error.form_unreadable"},
	} {
		m := tc.pattern.FindStringSubmatch(tc.src)
		if m == nil || m[1] != tc.want {
			t.Errorf("%s: found %v, want %q", tc.src, m, tc.want)
		}
	}
}
