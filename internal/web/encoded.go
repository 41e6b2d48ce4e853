package web

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"atlas/internal/cache"
)

// Compression levels for bodies compressed once and served many times:
// worth more effort than the per-response middleware spends.
const (
	cachedGzipLevel   = fasthttp.CompressDefaultCompression
	cachedBrotliLevel = fasthttp.CompressBrotliDefaultCompression
)

// minCompressBytes is the size under which compressing is not worth a
// header.
const minCompressBytes = 512

// encodedBody is a cached response body kept in each encoding browsers
// ask for, so a cache hit costs a copy, not a compression, with the ETag
// of each.
type encodedBody struct {
	identity, gzip, brotli []byte
	etags                  [3]string // identity, gzip, brotli: see taggedETag
}

func newEncodedBody(b []byte, tag string) *encodedBody {
	e := &encodedBody{identity: b, etags: [3]string{taggedETag(tag, ""), taggedETag(tag, "gzip"), taggedETag(tag, "br")}}
	if len(b) >= minCompressBytes {
		e.gzip = fasthttp.AppendGzipBytesLevel(nil, b, cachedGzipLevel)
		e.brotli = fasthttp.AppendBrotliBytesLevel(nil, b, cachedBrotliLevel)
	}
	return e
}

// etag is the ETag of the body in an encoding.
func (e *encodedBody) etag(encoding string) string {
	switch encoding {
	case "gzip":
		return e.etags[1]
	case "br":
		return e.etags[2]
	}
	return e.etags[0]
}

// keyTag is the tag of a cache key: its ETag without the encoding.
func keyTag(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:12])
}

// size is the memory the body holds.
func (e *encodedBody) size() int { return len(e.identity) + len(e.gzip) + len(e.brotli) }

// encodingFor picks what the request accepts, brotli first, as the
// compression middleware would.
func encodingFor(c *fiber.Ctx) string {
	h := &c.Request().Header
	switch {
	case h.HasAcceptEncoding("br"):
		return "br"
	case h.HasAcceptEncoding("gzip"):
		return "gzip"
	}
	return ""
}

// taggedETag makes one strong ETag per encoding: the representations
// differ byte for byte, so they must not share a tag.
func taggedETag(tag, encoding string) string {
	if encoding == "" {
		return `"` + tag + `"`
	}
	return `"` + tag + "-" + encoding + `"`
}

// send writes the body in the chosen encoding. The compression middleware
// leaves a response that already has a Content-Encoding alone.
func (e *encodedBody) send(c *fiber.Ctx, encoding string) error {
	switch {
	case encoding == "br" && e.brotli != nil:
		c.Set(fiber.HeaderContentEncoding, "br")
		return c.Send(e.brotli)
	case encoding == "gzip" && e.gzip != nil:
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(e.gzip)
	}
	return c.Send(e.identity)
}

// Vary values of cached answers: every one varies by encoding; pages and
// the map also by language, which the cookie or Accept-Language chooses
// (pages also by the session cookie: readers with an account get theirs).
const (
	varyEncoding = "Accept-Encoding"
	varyLanguage = "Cookie, Accept-Language, Accept-Encoding"
)

// sendCached answers a cacheable GET from a body built at most once per
// key: a 304 when the reader's ETag matches, else the body in the encoding
// it accepts. The ETag is the key's (keyTag), kept with the body, so a hit
// hashes nothing; a reader revalidating a body no longer kept still gets
// its 304. vary is the answer's whole Vary header. build runs on a cache
// miss only.
func sendCached(c *fiber.Ctx, kept *cache.LRU[string, *encodedBody], key, vary string, build func() ([]byte, error)) error {
	encoding := encodingFor(c)
	body, ok := kept.Get(key)
	var tag, etag string
	if ok {
		etag = body.etag(encoding)
	} else {
		tag = keyTag(key)
		etag = taggedETag(tag, encoding)
	}
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderVary, vary)
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	if !ok {
		b, err := build()
		if err != nil {
			return err
		}
		body = newEncodedBody(b, tag)
		kept.Put(key, body)
	}
	return body.send(c, encoding)
}

// etagMatches reports whether an If-None-Match header names etag. The
// header may list several tags (a cache that holds several versions) or
// weaken them with W/ (proxies that compress do); If-None-Match compares
// weakly, so W/"x" names "x". "*" names any.
func etagMatches(header, etag string) bool {
	if header == etag {
		return true // what browsers send back: the fast path
	}
	for tag := range strings.SplitSeq(header, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" || strings.TrimPrefix(tag, "W/") == etag {
			return true
		}
	}
	return false
}
