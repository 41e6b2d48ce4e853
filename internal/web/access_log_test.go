package web_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"atlas/internal/testutil"
	"atlas/internal/web"
)

// TestAccessLogLinePerRequest: one JSON record per request, with the
// route, status, duration and size, errors included.
func TestAccessLogLinePerRequest(t *testing.T) {
	var out bytes.Buffer
	a := newTestAtlasWith(t, testutil.NewSQLite(t), func(deps *web.Deps) {
		deps.Config.AccessLog = true
		deps.AccessLog = slog.New(slog.NewJSONHandler(&out, nil))
	})
	slug := createSheet(t, a, "Journal des accès", body1)
	out.Reset()
	for _, path := range []string{"/sheets/" + slug, "/sheets/" + slug + "/history", "/sheets/inconnue"} {
		a.do(httptest.NewRequest(http.MethodGet, path, nil))
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines for 3 requests:\n%s", len(lines), out.String())
	}
	wants := []struct {
		path, route string
		status      float64
	}{
		{"/sheets/" + slug, "/sheets/:slug", 200},
		{"/sheets/" + slug + "/history", "/sheets/:slug/history", 200},
		{"/sheets/inconnue", "/sheets/:slug", 404},
	}
	for i, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("line %d is not JSON: %v\n%s", i, err, line)
		}
		w := wants[i]
		if rec["msg"] != "request" || rec["level"] != "INFO" || rec["method"] != "GET" || rec["path"] != w.path ||
			rec["route"] != w.route || rec["status"] != w.status || rec["time"] == nil {
			t.Errorf("line %d: %s", i, line)
		}
		if d, ok := rec["duration_ms"].(float64); !ok || d < 0 {
			t.Errorf("line %d: duration_ms %v", i, rec["duration_ms"])
		}
		if n, ok := rec["bytes"].(float64); !ok || n <= 0 { // the 404 page too
			t.Errorf("line %d: bytes %v", i, rec["bytes"])
		}
	}
}
