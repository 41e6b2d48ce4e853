package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"atlas/internal/app/apptest"
	"atlas/internal/db"
	"atlas/internal/testutil"
	"atlas/internal/web"
)

// healthAtlas is the web app over d seeing free bytes under its data
// directory; nothing is added to d.
func healthAtlas(t *testing.T, d *db.DB, free uint64) *testAtlas {
	deps := apptest.New(t, d).WebDeps()
	deps.DiskFree = func(string) (uint64, error) { return free, nil }
	app, err := web.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	return &testAtlas{t: t, app: app}
}

// healthz reads /healthz: its status and each check's verdict.
func healthz(t *testing.T, a *testAtlas) (int, map[string]string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	req.Header.Set("Accept", "application/json")
	r := a.do(req)
	checks := map[string]string{}
	m := r.json(t)
	for k, v := range m["checks"].(map[string]any) {
		checks[k], _ = v.(string)
	}
	if (r.status == http.StatusOK) != (m["status"] == "ok") {
		t.Errorf("healthz: status %d but says %v", r.status, m["status"])
	}
	return r.status, checks
}

// TestHealthSaysWhatIsWrong: /healthz is 503 when the disk under the data
// directory is nearly full, when the schema is behind the binary, or when
// the database does not answer, and says which; on both databases.
func TestHealthSaysWhatIsWrong(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		const free = 10 << 30
		a := healthAtlas(t, d, free)
		if status, checks := healthz(t, a); status != http.StatusOK || checks["database"] != "ok" || checks["disk"] != "ok" || checks["migrations"] != "ok" {
			t.Fatalf("healthy atlas: %d %v", status, checks)
		}

		// A full disk: a fresh atlas, since the verdict is kept a few
		// seconds.
		full := healthAtlas(t, d, 10<<20)
		if status, checks := healthz(t, full); status != http.StatusServiceUnavailable || !strings.Contains(checks["disk"], "10 MiB free") || checks["database"] != "ok" {
			t.Errorf("full disk: %d %v", status, checks)
		}

		// A schema behind the binary (a deploy that skipped `atlas migrate`).
		if err := d.Conn(t.Context()).Exec("DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)").Error; err != nil {
			t.Fatal(err)
		}
		behind := healthAtlas(t, d, free)
		if status, checks := healthz(t, behind); status != http.StatusServiceUnavailable || !strings.Contains(checks["migrations"], "pending") || checks["disk"] != "ok" {
			t.Errorf("schema behind: %d %v", status, checks)
		}
	})
}

// TestHealthWithoutDatabase: a database that does not answer is named.
func TestHealthWithoutDatabase(t *testing.T) {
	d := testutil.NewSQLite(t)
	a := newTestAtlas(t, d)
	sqlDB, err := d.SQL()
	if err != nil {
		t.Fatal(err)
	}
	_ = sqlDB.Close()
	if status, checks := healthz(t, a); status != http.StatusServiceUnavailable || !strings.HasPrefix(checks["database"], "unreachable") {
		t.Errorf("closed database: %d %v", status, checks)
	}
}

// TestHealthLooksAtTheDiskEveryFewSeconds: probes in a row reuse the disk
// verdict rather than asking the file system each time.
func TestHealthLooksAtTheDiskEveryFewSeconds(t *testing.T) {
	d := testutil.NewSQLite(t)
	looks := 0
	deps := apptest.New(t, d).WebDeps()
	deps.DiskFree = func(string) (uint64, error) { looks++; return 10 << 30, nil }
	app, err := web.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	a := &testAtlas{t: t, app: app}
	for range 20 {
		if status, _ := healthz(t, a); status != http.StatusOK {
			t.Fatalf("healthz: %d", status)
		}
	}
	if looks != 1 {
		t.Errorf("20 probes looked at the disk %d times, want 1", looks)
	}
}

// TestHealthPlainAnswer: without asking for JSON, /healthz answers the
// contract's plain "ok", or "failing" and a line per check.
func TestHealthPlainAnswer(t *testing.T) {
	d := testutil.NewSQLite(t)
	if r := healthAtlas(t, d, 10<<30).do(httptest.NewRequest(http.MethodGet, "/healthz", nil)); r.status != http.StatusOK || string(r.body) != "ok" {
		t.Errorf("healthy: %d %q", r.status, r.body)
	}
	r := healthAtlas(t, d, 10<<20).do(httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if r.status != http.StatusServiceUnavailable || !strings.HasPrefix(string(r.body), "failing\ndatabase: ok\ndisk: ") {
		t.Errorf("full disk: %d %q", r.status, r.body)
	}
}
