package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"atlas/internal/testutil"
	"atlas/internal/web"
)

// hostileForwarding are headers anyone may send, hoping the atlas writes
// them into links that a proxy or the map cache then serves to others.
var hostileForwarding = map[string]string{
	"X-Forwarded-Host":  "evil.example",
	"X-Url-Scheme":      "javascript",
	"X-Forwarded-Proto": "javascript",
	"X-Forwarded-Ssl":   "on",
}

func getWith(a *testAtlas, path, host string, headers map[string]string) string {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Host = host
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	r := a.do(req)
	if r.status != http.StatusOK {
		a.t.Fatalf("%s: %d", path, r.status)
	}
	return string(r.body)
}

// TestForwardedHeadersNeedTheTrustedProxy: X-Forwarded-Host and the
// scheme headers are believed only from ATLAS_TRUSTED_PROXY; the map's
// links are absolute only from ATLAS_BASE_URL (the map is cached), else
// relative; a feed's links come from ATLAS_BASE_URL, else the Host.
func TestForwardedHeadersNeedTheTrustedProxy(t *testing.T) {
	withPlace := func(a *testAtlas) *testAtlas {
		a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": "Jardin", "body": "x",
			"meta": map[string]any{"place": map[string]any{"name": "Kerinou", "lat": 48.4, "lon": -4.48}}})
		return a
	}
	a := withPlace(newTestAtlas(t, testutil.NewSQLite(t)))

	for _, path := range []string{"/map.geojson", "/feed.atom"} {
		body := getWith(a, path, "atlas.example", hostileForwarding)
		if strings.Contains(body, "evil.example") || strings.Contains(body, "javascript") {
			t.Errorf("%s believed anyone's forwarding headers:\n%.600s", path, body)
		}
	}
	if body := getWith(a, "/feed.atom", "atlas.example", nil); !strings.Contains(body, `href="http://atlas.example/changes"`) {
		t.Errorf("feed without a base URL does not link to its Host:\n%.600s", body)
	}
	if body := getWith(a, "/feed.atom", `atlas.example"><script>`, nil); strings.Contains(body, "<script>") || strings.Contains(body, "script") {
		t.Errorf("a Host that is no host name went into the feed:\n%.600s", body)
	}
	if body := getWith(a, "/map.geojson", "atlas.example", nil); strings.Contains(body, "atlas.example") {
		t.Errorf("map without a base URL carries the Host:\n%.600s", body)
	}

	// From the trusted proxy (app.Test's peer is 0.0.0.0), the forwarded
	// host and an http(s) scheme are believed; any other scheme is not.
	proxied := newTestAtlasWith(t, testutil.NewSQLite(t), func(deps *web.Deps) { deps.Config.TrustedProxy = "0.0.0.0" })
	body := getWith(proxied, "/feed.atom", "10.0.0.2:8080", map[string]string{"X-Forwarded-Host": "atlas.example", "X-Forwarded-Proto": "https"})
	if !strings.Contains(body, `href="https://atlas.example/changes"`) {
		t.Errorf("feed behind the trusted proxy:\n%.600s", body)
	}
	body = getWith(proxied, "/feed.atom", "10.0.0.2:8080", map[string]string{"X-Forwarded-Host": "atlas.example", "X-Forwarded-Proto": "javascript"})
	if !strings.Contains(body, `href="http://atlas.example/changes"`) {
		t.Errorf("feed behind the trusted proxy, odd scheme:\n%.600s", body)
	}

	// ATLAS_BASE_URL wins over everything.
	based := withPlace(newTestAtlasWith(t, testutil.NewSQLite(t), func(deps *web.Deps) { deps.Config.BaseURL = "https://communs.example/" }))
	for _, path := range []string{"/map.geojson", "/feed.atom"} {
		if body := getWith(based, path, "atlas.example", hostileForwarding); !strings.Contains(body, "https://communs.example/") || strings.Contains(body, "evil") {
			t.Errorf("%s with a base URL:\n%.600s", path, body)
		}
	}
}
