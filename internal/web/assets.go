package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"atlas/public"
)

// assets serves the embedded public files under content-hashed URLs, so
// they can be cached for a year and still change the moment they change.
type assets struct {
	fsys   fs.FS
	hashes map[string]string // path → short content hash
	// files holds each file read and compressed once (not in dev mode,
	// where files are read from disk at every request).
	files map[string]*encodedBody
	dev   bool
}

// compressible names the public files worth compressing: text. Images and
// fonts are compressed already.
var compressible = map[string]bool{".css": true, ".js": true, ".svg": true, ".json": true, ".txt": true, ".map": true}

func newAssets(dev bool) (*assets, error) {
	var fsys fs.FS = public.FS
	if dev {
		fsys = os.DirFS("public")
	}
	a := &assets{fsys: fsys, hashes: map[string]string{}, files: map[string]*encodedBody{}, dev: dev}
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
		if !dev {
			if compressible[path.Ext(p)] {
				a.files[p] = newEncodedBody(data, a.hashes[p])
			} else {
				a.files[p] = &encodedBody{identity: data}
			}
		}
		return nil
	})
	return a, err
}

// URL is the template function "asset".
func (a *assets) URL(p string) string {
	h, ok := a.hashes[p]
	if !ok || a.dev {
		h = "dev"
	}
	return "/static/" + h + "/" + p
}

// serve answers /static/:hash/*. A stale hash (a page cached before a
// deploy) still gets the current file, just not cached for long.
func (a *assets) serve(c *fiber.Ctx) error {
	p := path.Clean(c.Params("*"))
	if strings.HasPrefix(p, ".") || strings.HasPrefix(p, "/") {
		return fiber.ErrNotFound
	}
	want, known := a.hashes[p]
	if !known && !a.dev {
		return fiber.ErrNotFound
	}
	file := a.files[p]
	if a.dev {
		data, err := fs.ReadFile(a.fsys, p)
		if err != nil {
			return fiber.ErrNotFound
		}
		file = &encodedBody{identity: data}
	}
	if ct := mime.TypeByExtension(path.Ext(p)); ct != "" {
		c.Set(fiber.HeaderContentType, ct)
	}
	if c.Params("hash") == want && !a.dev {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	c.Set(fiber.HeaderVary, varyEncoding)
	return file.send(c, encodingFor(c))
}

// has reports whether a public file exists (vendor files exist only after
// `make assets`).
func (a *assets) has(p string) bool {
	_, ok := a.hashes[p]
	return ok
}

// fingerprint hashes the content hashes of every public file.
func (a *assets) fingerprint() string {
	keys := make([]string, 0, len(a.hashes))
	for p, h := range a.hashes {
		keys = append(keys, p+"="+h)
	}
	sort.Strings(keys)
	sum := sha256.Sum256([]byte(strings.Join(keys, ";")))
	return hex.EncodeToString(sum[:8])
}
