package main_test

import (
	"os"
	"path/filepath"
	"testing"
)

// TestImportRefusesAHugeFile: a 300 MB file is refused from its size, with
// a one-line reason, before it is read (it used to be read whole first).
func TestImportRefusesAHugeFile(t *testing.T) {
	a := newAtlas(t)
	a.ok(t, "motdepasse-cli-1\n", "user", "create", "--username", "admin", "--email", "admin@example.org", "--role", "admin", "--password-stdin")
	huge := filepath.Join(t.TempDir(), "huge.md")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(300 << 20); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	_ = f.Close()
	a.fails(t, "", "over the 1280 KiB an import reads", "import", huge)
	a.fails(t, "", "over the 32768 KiB an import reads", "import", "--geojson", huge)
}
