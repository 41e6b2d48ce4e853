package web

import (
	"bytes"
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// browserText normalizes the line endings of the text a page form posts:
// every "\r\n", and any lone "\r", becomes "\n". Browsers send each
// textarea with CRLF line endings, an artifact of form encoding rather
// than the author's intent, while the API, imports and the demo write LF;
// a sheet written in one and edited in the other would otherwise differ on
// every line. It runs once for every page form, before any handler reads a
// field (title, body, summary, comments, review notes, metadata), so no
// handler has to remember it. The JSON API never passes here and keeps
// bytes exact. Passwords are secrets compared byte for byte: left alone.
func (h *handler) browserText(c *fiber.Ctx) error {
	if c.Method() != fiber.MethodPost || !strings.HasPrefix(string(c.Request().Header.ContentType()), fiber.MIMEApplicationForm) {
		return c.Next()
	}
	args := c.Request().PostArgs()
	kept := func(k []byte) bool { return bytes.HasSuffix(k, []byte("password")) }
	found := false
	args.VisitAll(func(k, v []byte) {
		found = found || (bytes.IndexByte(v, '\r') >= 0 && !kept(k))
	})
	if !found {
		return c.Next() // most posts: nothing to copy
	}
	// Rebuilt in order, so that repeated fields (categories) stay; the
	// pairs are copied first since they point into the buffer Reset reuses.
	type field struct{ k, v []byte }
	var all []field
	args.VisitAll(func(k, v []byte) {
		f := field{k: append([]byte(nil), k...), v: append([]byte(nil), v...)}
		if !kept(k) {
			f.v = normalizeNewlines(f.v)
		}
		all = append(all, f)
	})
	args.Reset()
	for _, f := range all {
		args.AddBytesKV(f.k, f.v)
	}
	return c.Next()
}

// normalizeNewlines turns "\r\n" and lone "\r" into "\n".
func normalizeNewlines(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(b, []byte("\r"), []byte("\n"))
}

// keepEndings returns base when typed is base but for its line endings
// (all or some: a section edit puts LF text into a CRLF body), typed
// otherwise. A body sent back unchanged from a revision stored with
// CRLF (as browser saves were before browserText) then leaves those bytes
// as they are: no revision that changes nothing visible, and a save that
// changes nothing is still reported as such.
func keepEndings(base, typed string) string {
	if typed != base && strings.ReplaceAll(base, "\r\n", "\n") == strings.ReplaceAll(typed, "\r\n", "\n") {
		return base
	}
	return typed
}

// bodyOnBase is keepEndings against revision base of the sheet: the body a
// full-form save or an amendment stores when the browser sends typed. A
// base that cannot be read leaves typed as it is; the save then reports
// the unknown base itself.
func (h *handler) bodyOnBase(ctx context.Context, sheetID int64, base int, typed string) string {
	rev, err := h.read.RevisionAt(ctx, sheetID, base)
	if err != nil {
		return typed
	}
	return keepEndings(rev.Body, typed)
}
