package web

import (
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/web/view"
)

// staticFiles serves the public files of the asset table under their
// content-hashed URLs (/static/:hash/*).
type staticFiles struct {
	table *view.Assets
	// files holds each file read and compressed once (not in dev mode,
	// where files are read from disk at every request).
	files map[string]*encodedBody
}

// compressible names the public files worth compressing: text. Images and
// fonts are compressed already.
var compressible = map[string]bool{".css": true, ".js": true, ".svg": true, ".json": true, ".txt": true, ".map": true}

func newStaticFiles(table *view.Assets) (*staticFiles, error) {
	s := &staticFiles{table: table, files: map[string]*encodedBody{}}
	if table.Dev() {
		return s, nil
	}
	for _, p := range table.Paths() {
		data, err := table.ReadFile(p)
		if err != nil {
			return nil, err
		}
		if compressible[path.Ext(p)] {
			hash, _ := table.Hash(p)
			s.files[p] = newEncodedBody(data, hash)
		} else {
			s.files[p] = &encodedBody{identity: data}
		}
	}
	return s, nil
}

// serve answers /static/:hash/*. A stale hash (a page cached before a
// deploy) still gets the current file, just not cached for long.
func (s *staticFiles) serve(c *fiber.Ctx) error {
	p := path.Clean(c.Params("*"))
	if strings.HasPrefix(p, ".") || strings.HasPrefix(p, "/") {
		return fiber.ErrNotFound
	}
	dev := s.table.Dev()
	want, known := s.table.Hash(p)
	if !known && !dev {
		return fiber.ErrNotFound
	}
	file := s.files[p]
	if dev {
		data, err := s.table.ReadFile(p)
		if err != nil {
			return fiber.ErrNotFound
		}
		file = &encodedBody{identity: data}
	}
	if ct := mime.TypeByExtension(path.Ext(p)); ct != "" {
		c.Set(fiber.HeaderContentType, ct)
	}
	if c.Params("hash") == want && !dev {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "no-cache")
	}
	c.Set(fiber.HeaderVary, varyEncoding)
	return file.send(c, encodingFor(c))
}
