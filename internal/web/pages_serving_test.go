package web_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

	"atlas/internal/testutil"
	"atlas/internal/web"
)

func TestHealthAndMetrics(t *testing.T) {
	a := newTestAtlasWith(t, testutil.NewSQLite(t), func(d *web.Deps) { d.Config.MetricsToken = testMetricsToken })
	b := a.browser()
	if r := b.get("/healthz"); r.status != http.StatusOK || string(r.body) != "ok" {
		t.Errorf("healthz: %d %s", r.status, r.body)
	}
	createSheet(t, a, "Mesurée", body1)
	a.api(http.MethodPut, "/sheets/mesuree", "marie", map[string]any{"base": 1, "title": "Mesurée", "body": "v2"})
	// The same text from the same base edited otherwise: a conflict.
	if r := a.api(http.MethodPut, "/sheets/mesuree", "admin", map[string]any{"base": 1, "title": "Mesurée", "body": "v2 bis"}); r.status != http.StatusConflict {
		t.Fatalf("conflicting save: %d", r.status)
	}
	// A restore counts as a save; restoring the head changes nothing.
	if r := a.api(http.MethodPost, "/sheets/mesuree/restore", "marie", map[string]any{"revision": 1}); r.status != http.StatusCreated {
		t.Fatalf("restore: %d", r.status)
	}
	a.api(http.MethodPost, "/sheets/mesuree/restore", "marie", map[string]any{"revision": 3})
	b.get("/sheets/absente")
	b.get("/sheets/mesuree") // built and kept
	b.get("/sheets/mesuree") // from the page cache
	m := a.metrics(t)
	for _, want := range []string{
		`atlas_http_requests_total{method="GET",route="/sheets/:slug",status="404"} 1`,
		`atlas_saves_total{outcome="saved"} 2`,
		`atlas_saves_total{outcome="conflict"} 1`,
		`atlas_saves_total{outcome="unchanged"} 1`,
		"atlas_http_request_duration_seconds_bucket",
		`go_sql_max_open_connections{db_name="atlas"}`,
		"go_goroutines",
		`atlas_cache_hits_total{cache="pages"} 1`,
		`atlas_cache_misses_total{cache="pages"} 1`,
		`atlas_cache_entries{cache="pages"} 1`,
		`atlas_cache_evictions_total{cache="revision_bodies"} 0`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

func TestLoginIsThrottled(t *testing.T) {
	a := newTestAtlas(t, testutil.NewSQLite(t))
	b := a.browser()
	token := b.csrf("/login")
	for i := range 3 {
		req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(url.Values{"_csrf": {token}, "username": {"marie"}, "password": {"faux"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.0.0.%d", i)) // rotating it gains nothing
		if r := b.send(req); r.status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d", i, r.status)
		}
	}
	// Now even the right password waits, for this account from here.
	r := b.post("/login", url.Values{"_csrf": {token}, "username": {"marie"}, "password": {testutil.FixturePassword}})
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" || !strings.Contains(string(r.body), "réessayez dans") {
		t.Errorf("after 3 failures: %d", r.status)
	}
	// An unknown account is throttled the same way.
	for range 4 {
		r = b.post("/login", url.Values{"_csrf": {token}, "username": {"personne"}, "password": {"faux"}})
	}
	if r.status != http.StatusTooManyRequests {
		t.Errorf("unknown account after 3 failures: %d", r.status)
	}
	// Another account is not blocked by them.
	b.login("admin")
}

// TestPageCacheKeysOnThePagesOwnParameters: a made-up query string is the
// same page (same ETag, no new cache entry), a real parameter another.
func TestPageCacheKeysOnThePagesOwnParameters(t *testing.T) {
	a := newTestAtlas(t, testutil.NewSQLite(t))
	slug := createSheet(t, a, "Cache", body1)
	a.api(http.MethodPut, "/sheets/"+slug, "marie", map[string]any{"base": 1, "title": "Cache", "body": "v2"})
	b := a.browser()
	etag := func(path string) string {
		r := b.get(path)
		if r.status != http.StatusOK || r.header.Get("ETag") == "" {
			t.Fatalf("%s: %d, ETag %q", path, r.status, r.header.Get("ETag"))
		}
		return r.header.Get("ETag")
	}
	for _, p := range []string{"/sheets/" + slug, "/sheets/" + slug + "/history", "/sheets/" + slug + "/diff?from=1&to=2"} {
		sep := "?"
		if strings.Contains(p, "?") {
			sep = "&"
		}
		if etag(p) != etag(p+sep+"n=1&junk=x") {
			t.Errorf("%s: a made-up parameter changed the cached page", p)
		}
	}
	if etag("/sheets/"+slug+"/diff?from=1&to=2") == etag("/sheets/"+slug+"/diff?from=1&to=2&view=side") {
		t.Error("inline and side-by-side diffs share a cache entry")
	}
	if etag("/sheets/"+slug+"/diff") != etag("/sheets/"+slug+"/diff?from=1&to=2") {
		t.Error("the default range and the same range spelt out differ")
	}
	if etag("/sheets/"+slug+"/history") == etag("/sheets/"+slug+"/history?before=2") {
		t.Error("two history pages share a cache entry")
	}
}

// TestCachedPagesComeCompressedOnce: a cached page is served in the
// encoding the reader accepts, decodes to the very same page, and carries
// an ETag of its own per encoding, so a 304 never hands one encoding's
// validator to another.
func TestCachedPagesComeCompressedOnce(t *testing.T) {
	a := newTestAtlas(t, testutil.NewSQLite(t))
	slug := createSheet(t, a, "Compression", strings.Repeat("Un paragraphe assez long pour valoir la peine. ", 40))
	for i := range 6 { // points enough for a map worth compressing
		a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": fmt.Sprintf("Lieu %d", i), "body": "## Présentation\n\nUn lieu.\n",
			"meta": map[string]any{"place": map[string]any{"name": "Brest", "lat": 48.39, "lon": -4.49 + float64(i)/100}}})
	}
	fetch := func(path, encoding, etag string) response {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if encoding != "" {
			req.Header.Set("Accept-Encoding", encoding)
		}
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		return a.do(req)
	}
	for _, path := range []string{"/sheets/" + slug, "/map.geojson", a.cssURL()} {
		plain := fetch(path, "", "")
		if plain.status != http.StatusOK || plain.header.Get("Content-Encoding") != "" {
			t.Fatalf("%s without Accept-Encoding: %d %q", path, plain.status, plain.header.Get("Content-Encoding"))
		}
		if len(plain.body) < 512 {
			t.Fatalf("%s: %d bytes, too short to be compressed", path, len(plain.body))
		}
		// A proxy must not hand one reader's language to another.
		if !strings.HasPrefix(path, "/static/") && plain.header.Get("Vary") != "Cookie, Accept-Language, Accept-Encoding" {
			t.Fatalf("%s: Vary %q", path, plain.header.Get("Vary"))
		}
		tags := map[string]string{}
		for _, enc := range []string{"gzip", "br"} {
			r := fetch(path, enc, "")
			if r.header.Get("Content-Encoding") != enc || !strings.Contains(r.header.Get("Vary"), "Accept-Encoding") {
				t.Fatalf("%s with %s: Content-Encoding %q, Vary %q", path, enc, r.header.Get("Content-Encoding"), r.header.Get("Vary"))
			}
			var rd io.Reader
			if enc == "gzip" {
				zr, err := gzip.NewReader(bytes.NewReader(r.body))
				if err != nil {
					t.Fatal(err)
				}
				rd = zr
			} else {
				rd = brotli.NewReader(bytes.NewReader(r.body))
			}
			got, err := io.ReadAll(rd)
			if err != nil || !bytes.Equal(got, plain.body) {
				t.Fatalf("%s in %s does not decode to the page (%v)", path, enc, err)
			}
			tags[enc] = r.header.Get("ETag")
		}
		if plain.header.Get("ETag") == "" || strings.HasPrefix(path, "/static/") {
			continue // static files are cached a year by their URL instead
		}
		if tags["gzip"] == tags["br"] || tags["gzip"] == plain.header.Get("ETag") {
			t.Errorf("%s: encodings share an ETag: %v, %s", path, tags, plain.header.Get("ETag"))
		}
		if r := fetch(path, "gzip", tags["gzip"]); r.status != http.StatusNotModified {
			t.Errorf("%s: revalidation in gzip: %d", path, r.status)
		}
		if r := fetch(path, "br", tags["gzip"]); r.status != http.StatusOK {
			t.Errorf("%s: gzip's ETag revalidated a brotli answer: %d", path, r.status)
		}
	}
}

// cssURL finds the stylesheet's fingerprinted address on the home page.
func (a *testAtlas) cssURL() string {
	home := a.do(httptest.NewRequest(http.MethodGet, "/", nil))
	m := regexp.MustCompile(`href="(/static/[^"]+/css/atlas\.css)"`).FindSubmatch(home.body)
	if m == nil {
		a.t.Fatal("no stylesheet link on the home page")
	}
	return string(m[1])
}
