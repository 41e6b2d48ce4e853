package app

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"atlas/internal/config"
)

// freeAddr is a loopback address nothing listens on at the moment.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	return ln.Addr().String()
}

func getStatus(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url) //nolint:gosec,noctx // a loopback URL the test built
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestMetricsOnTheirOwnListener: with ATLAS_METRICS_ADDR, /metrics is
// served there, and only there: the public listener has none.
func TestMetricsOnTheirOwnListener(t *testing.T) {
	cfg := config.Defaults
	cfg.DataDir, cfg.Addr, cfg.AutoMigrate, cfg.AccessLog = t.TempDir(), "127.0.0.1:0", true, false
	cfg.MetricsAddr = freeAddr(t)
	ctx := context.Background()
	a, err := Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = a.Close() }()
	if err := a.PrepareSchema(ctx); err != nil {
		t.Fatal(err)
	}
	public := make(chan string, 1)
	a.Ready = func(openURL string) { public <- openURL }
	serveCtx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- a.Serve(serveCtx) }()
	var site string
	select {
	case site = <-public:
	case err := <-served:
		t.Fatal(err)
	case <-time.After(10 * time.Second):
		t.Fatal("the atlas never listened")
	}
	if status, body := getStatus(t, "http://"+cfg.MetricsAddr+"/metrics"); status != http.StatusOK || !strings.Contains(body, "atlas_http_requests_total") && !strings.Contains(body, "go_goroutines") {
		t.Errorf("metrics listener: %d %.200s", status, body)
	}
	if status, _ := getStatus(t, "http://"+cfg.MetricsAddr+"/"); status != http.StatusNotFound {
		t.Errorf("metrics listener serves / too: %d", status)
	}
	if status, body := getStatus(t, site+"/metrics"); status != http.StatusNotFound || strings.Contains(body, "go_goroutines") {
		t.Errorf("public listener /metrics: %d", status)
	}
	stop()
	if err := <-served; err != nil {
		t.Fatal(err)
	}
}
