package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"atlas/internal/testutil"
	"atlas/internal/web"
)

const testMetricsToken = "jeton-des-metriques-de-test"

// metrics reads /metrics with the atlas's metrics token.
func (a *testAtlas) metrics(t *testing.T) string {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+testMetricsToken)
	r := a.do(req)
	if r.status != http.StatusOK {
		t.Fatalf("/metrics with its token: %d %s", r.status, r.body)
	}
	return string(r.body)
}

// TestMetricsAreNotPublic: without ATLAS_METRICS_TOKEN, the public
// listener has no /metrics (ATLAS_METRICS_ADDR serves it apart); with one,
// only a request carrying it reads them.
func TestMetricsAreNotPublic(t *testing.T) {
	a := newTestAtlasWith(t, testutil.NewSQLite(t), func(d *web.Deps) { d.Config.MetricsToken = "" })
	if r := a.browser().get("/metrics"); r.status != http.StatusNotFound || strings.Contains(string(r.body), "go_goroutines") {
		t.Errorf("/metrics without a token configured: %d", r.status)
	}
	a = newTestAtlasWith(t, testutil.NewSQLite(t), func(d *web.Deps) { d.Config.MetricsToken = testMetricsToken })
	for _, header := range []string{"", "Bearer ", "Bearer mauvais-jeton-de-metriques", "Basic " + testMetricsToken, testMetricsToken} {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		if header != "" {
			req.Header.Set("Authorization", header)
		}
		if r := a.do(req); r.status != http.StatusUnauthorized || strings.Contains(string(r.body), "go_goroutines") {
			t.Errorf("/metrics with Authorization %q: %d", header, r.status)
		}
	}
	if m := a.metrics(t); !strings.Contains(m, "go_goroutines") {
		t.Errorf("/metrics with its token:\n%.300s", m)
	}
}
