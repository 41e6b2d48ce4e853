package view

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"sort"
	"strings"

	"atlas/public"
)

// Assets is the table of the public files (embedded, or read from disk in
// dev mode) and their content hashes: pages link them under hashed URLs,
// so they can be cached for a year and still change the moment they change.
type Assets struct {
	fsys   fs.FS
	hashes map[string]string // path → short content hash
	dev    bool
}

// NewAssets hashes every public file.
func NewAssets(dev bool) (*Assets, error) {
	var fsys fs.FS = public.FS
	if dev {
		fsys = os.DirFS("public")
	}
	a := &Assets{fsys: fsys, hashes: map[string]string{}, dev: dev}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".go") {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		a.hashes[p] = hex.EncodeToString(sum[:6])
		return nil
	})
	return a, err
}

// URL is the template function "asset".
func (a *Assets) URL(p string) string {
	h, ok := a.hashes[p]
	if !ok || a.dev {
		h = "dev"
	}
	return "/static/" + h + "/" + p
}

// Dev reports whether files are read from disk at each request.
func (a *Assets) Dev() bool { return a.dev }

// Hash is a public file's content hash; false for an unknown file.
func (a *Assets) Hash(p string) (string, bool) {
	h, ok := a.hashes[p]
	return h, ok
}

// Paths lists every public file, sorted.
func (a *Assets) Paths() []string {
	paths := make([]string, 0, len(a.hashes))
	for p := range a.hashes {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}

// ReadFile reads a public file.
func (a *Assets) ReadFile(p string) ([]byte, error) { return fs.ReadFile(a.fsys, p) }

// Has reports whether a public file exists (vendor files exist only after
// `make assets`).
func (a *Assets) Has(p string) bool {
	_, ok := a.hashes[p]
	return ok
}

// Fingerprint hashes the content hashes of every public file.
func (a *Assets) Fingerprint() string {
	keys := make([]string, 0, len(a.hashes))
	for p, h := range a.hashes {
		keys = append(keys, p+"="+h)
	}
	sort.Strings(keys)
	sum := sha256.Sum256([]byte(strings.Join(keys, ";")))
	return hex.EncodeToString(sum[:8])
}
