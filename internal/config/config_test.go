package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.DataDir != "./data" || c.Lang != "fr" || c.IsPostgres() || !c.AutoMigrate {
		t.Errorf("defaults = %+v", c)
	}
}

func TestLoadPostgresDoesNotAutoMigrate(t *testing.T) {
	c, err := Load(env(map[string]string{"ATLAS_DATABASE_URL": "postgres://u:secret@127.0.0.1/atlas"}))
	if err != nil {
		t.Fatal(err)
	}
	if !c.IsPostgres() || c.AutoMigrate {
		t.Errorf("postgres config = %+v", c)
	}
	if strings.Contains(c.Redacted().DatabaseURL, "secret") {
		t.Errorf("redacted URL shows the password: %s", c.Redacted().DatabaseURL)
	}
	c, _ = Load(env(map[string]string{"ATLAS_DATABASE_URL": "postgres://x", "ATLAS_AUTO_MIGRATE": "true"}))
	if !c.AutoMigrate {
		t.Error("ATLAS_AUTO_MIGRATE=true ignored")
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	_, err := Load(env(map[string]string{
		"ATLAS_DATABASE_URL": "mysql://x",
		"ATLAS_LANG":         "de",
		"ATLAS_AUTO_MIGRATE": "peut-être",
		"ATLAS_BASE_URL":     "ftp://x",
		"ATLAS_SMTP_URL":     "smtp://relay?starttls=maybe",
	}))
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"ATLAS_DATABASE_URL", "ATLAS_LANG", "ATLAS_AUTO_MIGRATE", "ATLAS_BASE_URL", "ATLAS_SMTP_URL"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}

func TestSecretFromFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "url")
	if err := os.WriteFile(path, []byte("postgres://from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(env(map[string]string{"ATLAS_DATABASE_URL_FILE": path}))
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != "postgres://from-file" {
		t.Errorf("DatabaseURL = %q", c.DatabaseURL)
	}
}

// A secret file that is missing or empty stops the start: carrying on
// without it would open a fresh SQLite atlas instead of the real database.
func TestUnreadableSecretFileStopsTheStart(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte(" \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, path := range map[string]string{"missing": filepath.Join(dir, "missing"), "empty": empty, "a directory": dir} {
		_, err := Load(env(map[string]string{"ATLAS_DATABASE_URL_FILE": path}))
		if err == nil || !strings.Contains(err.Error(), "ATLAS_DATABASE_URL_FILE") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s secret file: err = %v, want one line naming ATLAS_DATABASE_URL_FILE", name, err)
		}
	}
	// The variable itself still wins over its file, read or not.
	c, err := Load(env(map[string]string{"ATLAS_DATABASE_URL": "postgres://direct", "ATLAS_DATABASE_URL_FILE": filepath.Join(dir, "missing")}))
	if err != nil || c.DatabaseURL != "postgres://direct" {
		t.Errorf("direct value beside a missing file: %q, %v", c.DatabaseURL, err)
	}
}

func TestHashConcurrency(t *testing.T) {
	for value, want := range map[string]int{"": 0, "0": 0, "6": 6, "256": 256} {
		c, err := Load(env(map[string]string{"ATLAS_HASH_CONCURRENCY": value}))
		if err != nil || c.HashConcurrency != want {
			t.Errorf("ATLAS_HASH_CONCURRENCY=%q: %d, %v; want %d", value, c.HashConcurrency, err, want)
		}
	}
	for _, bad := range []string{"-1", "257", "beaucoup"} {
		if _, err := Load(env(map[string]string{"ATLAS_HASH_CONCURRENCY": bad})); err == nil || !strings.Contains(err.Error(), "ATLAS_HASH_CONCURRENCY") {
			t.Errorf("ATLAS_HASH_CONCURRENCY=%q: %v", bad, err)
		}
	}
}

// The metrics token is a secret: long enough not to be guessed, hidden in
// logs; the metrics listener is not the public one.
func TestMetricsSettings(t *testing.T) {
	_, err := Load(env(map[string]string{"ATLAS_METRICS_TOKEN": "court", "ATLAS_METRICS_ADDR": ":8080"}))
	if err == nil || !strings.Contains(err.Error(), "ATLAS_METRICS_TOKEN") || !strings.Contains(err.Error(), "ATLAS_METRICS_ADDR") {
		t.Errorf("short token on the public address: %v", err)
	}
	c, err := Load(env(map[string]string{"ATLAS_METRICS_TOKEN": "un-jeton-assez-long", "ATLAS_METRICS_ADDR": "127.0.0.1:9090"}))
	if err != nil || c.MetricsAddr != "127.0.0.1:9090" || c.MetricsToken != "un-jeton-assez-long" {
		t.Fatalf("metrics settings: %+v, %v", c, err)
	}
	if strings.Contains(fmt.Sprintf("%+v", c.Redacted()), "un-jeton-assez-long") {
		t.Error("Redacted shows the metrics token")
	}
}

// The geocoder is off unless set, and its origin is what the CSP allows.
func TestGeocoderSetting(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil || c.GeocoderURL != "" || c.GeocoderOrigin() != "" {
		t.Fatalf("default geocoder = %q (origin %q), %v; want none", c.GeocoderURL, c.GeocoderOrigin(), err)
	}
	c, err = Load(env(map[string]string{"ATLAS_GEOCODER_URL": "https://nominatim.example.org/search?format=geojson"}))
	if err != nil || c.GeocoderOrigin() != "https://nominatim.example.org" {
		t.Fatalf("origin = %q, %v", c.GeocoderOrigin(), err)
	}
	for _, bad := range []string{"ftp://x.org/", "/search", "https://user:pw@x.org/", "javascript:alert(1)"} {
		if _, err := Load(env(map[string]string{"ATLAS_GEOCODER_URL": bad})); err == nil || !strings.Contains(err.Error(), "ATLAS_GEOCODER_URL") {
			t.Errorf("%q: error %v does not name ATLAS_GEOCODER_URL", bad, err)
		}
	}
}

// TestLinesMaskSecrets: every setting is one ATLAS_*=value line, and a
// password is masked wherever a URL carries it.
func TestLinesMaskSecrets(t *testing.T) {
	env := map[string]string{
		"ATLAS_DATABASE_URL":  "postgres://atlas@db.example.org/atlas?password=dans-la-requete&sslmode=require",
		"ATLAS_SMTP_URL":      "smtp://atlas:au-courrier@mail.example.org:587?from=atlas@example.org",
		"ATLAS_METRICS_TOKEN": "un-jeton-de-metriques-long",
		"ATLAS_SIGNUP":        "approval",
	}
	c, err := Load(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	out := strings.Join(c.Lines(), "\n") + "\n"
	for _, secret := range []string{"dans-la-requete", "au-courrier", "un-jeton-de-metriques-long"} {
		if strings.Contains(out, secret) {
			t.Errorf("a secret shows: %s\n%s", secret, out)
		}
	}
	for _, want := range []string{"ATLAS_SIGNUP=approval", "ATLAS_DATABASE_URL=postgres://atlas@db.example.org/atlas?password=xxxxx&sslmode=require"} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("missing %q:\n%s", want, out)
		}
	}
	if _, err := Load(func(k string) string { return map[string]string{"ATLAS_SIGNUP": "peut-etre"}[k] }); err == nil {
		t.Error("ATLAS_SIGNUP=peut-etre accepted")
	}
}
