package web

import (
	"io/fs"
	"slices"
	"strings"
	"testing"

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
