package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"atlas/internal/testutil"
)

// pageCacheCounter reads one of the page cache's counters from /metrics.
func pageCacheCounter(t *testing.T, a *testAtlas, name string) int {
	t.Helper()
	return cacheCounter(t, a, "pages", name)
}

// cacheCounter reads a cache's counter from /metrics.
func cacheCounter(t *testing.T, a *testAtlas, cache, name string) int {
	t.Helper()
	m := a.metrics(t)
	re := regexp.MustCompile(`atlas_cache_` + name + `\{cache="` + cache + `"\} (\d+)`)
	got := re.FindStringSubmatch(m)
	if got == nil {
		t.Fatalf("/metrics lacks atlas_cache_%s for %s", name, cache)
	}
	n, _ := strconv.Atoi(got[1])
	return n
}

// TestForgedFlashCookieIsServedFromTheCache: any atlas_flash cookie used to
// make an anonymous page skip the page cache, so a client sending one made
// every read of an expensive page render it again. Only a message this
// process issued shows, once; anything else is served from the cache.
func TestForgedFlashCookieIsServedFromTheCache(t *testing.T) {
	a := newTestAtlas(t, testutil.NewSQLite(t))
	slug := createSheet(t, a, "Jardin", body1)
	path := "/sheets/" + slug
	anon := a.browser()
	anon.get(path) // built and kept
	misses := pageCacheCounter(t, a, "misses_total")
	for _, forged := range []string{"success:saved", "info:logged_out:made-up", "x", "success:saved:"} {
		req, _ := http.NewRequest(http.MethodGet, path, nil)
		req.AddCookie(&http.Cookie{Name: "atlas_flash", Value: forged})
		r := a.do(req)
		if r.status != http.StatusOK || strings.Contains(string(r.body), `class="flash`) {
			t.Errorf("forged %q: status %d, or a message shown", forged, r.status)
		}
		// A page from the cache, which proxies may keep, sets no cookie.
		if c := r.header.Get("Set-Cookie"); c != "" {
			t.Errorf("forged %q: the cached page sets %q", forged, c)
		}
	}
	if got := pageCacheCounter(t, a, "misses_total"); got != misses {
		t.Errorf("forged cookies rendered the page %d times, want 0", got-misses)
	}

	// A real message: logging out leaves one, shown once.
	b := a.browser()
	b.login("marie")
	token := b.csrf(path)
	if r := b.post("/logout", url.Values{"_csrf": {token}}); r.status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.status)
	}
	kept := b.cookies["atlas_flash"]
	if kept == "" {
		t.Fatal("logout left no message")
	}
	if r := b.get(path); !strings.Contains(string(r.body), "Vous êtes déconnecté·e.") {
		t.Error("the page after logging out lacks its message")
	}
	// The same cookie again (a replay) shows nothing and renders nothing.
	misses = pageCacheCounter(t, a, "misses_total")
	req, _ := http.NewRequest(http.MethodGet, path, nil)
	req.AddCookie(&http.Cookie{Name: "atlas_flash", Value: kept})
	if r := a.do(req); strings.Contains(string(r.body), "déconnecté") {
		t.Error("a replayed message showed again")
	}
	if got := pageCacheCounter(t, a, "misses_total"); got != misses {
		t.Errorf("a replayed message rendered the page %d times, want 0", got-misses)
	}
}
