// Package config reads the ATLAS_* environment into one Config. Defaults sit
// in a single literal so a reader sees every knob at once.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"atlas/internal/i18n"
)

// Config is the whole configuration of an atlas process.
type Config struct {
	Addr        string // ATLAS_ADDR: where the HTTP server listens
	DataDir     string // ATLAS_DATA_DIR: SQLite file and other local data
	DatabaseURL string // ATLAS_DATABASE_URL: empty for SQLite in DataDir, or postgres://…
	BaseURL     string // ATLAS_BASE_URL: public URL, used for links in feeds and mails and for Secure cookies
	SMTPURL     string // ATLAS_SMTP_URL: optional mail relay
	Lang        string // ATLAS_LANG: default interface language
	// AutoMigrate applies pending migrations at start. It defaults to true on
	// SQLite (one process owns the file) and false on PostgreSQL, where
	// migrating is a deploy step (`atlas migrate`).
	AutoMigrate bool
	Dev         bool // ATLAS_DEV: serve views and public files from disk
	// TrustedProxy is the address of a reverse proxy whose X-Forwarded-For
	// may be believed (ATLAS_TRUSTED_PROXY); empty trusts nobody.
	TrustedProxy string
	LogFormat    string // ATLAS_LOG_FORMAT: "text" or "json"
	// TileURL is the map tile template (ATLAS_TILE_URL); its origin is
	// the only third party pages may load from, and only map images.
	TileURL         string
	TileAttribution string // ATLAS_TILE_ATTRIBUTION
	// GeocoderURL is an address search service the editor's browser may
	// query (ATLAS_GEOCODER_URL). Empty by default: a third party sees
	// what writers search only when the host chose it.
	GeocoderURL string
	AccessLog   bool // ATLAS_ACCESS_LOG: one structured log line per request
	// HashConcurrency bounds the password hashes (19 MiB each) computed at
	// once (ATLAS_HASH_CONCURRENCY); 0 sizes it from memory.
	HashConcurrency int
	// MetricsAddr is where /metrics is served on a listener of its own
	// (ATLAS_METRICS_ADDR, e.g. 127.0.0.1:9090); MetricsToken, when set,
	// also serves it on the public listener to requests carrying it as a
	// bearer token (ATLAS_METRICS_TOKEN). With neither, metrics are not
	// served: they tell the world the atlas's traffic and internals.
	MetricsAddr  string
	MetricsToken string
	// Signup is who may make an account from the login page
	// (ATLAS_SIGNUP): closed (admins only), approval (an admin says yes)
	// or open.
	Signup string
}

// Defaults is every default in one place.
var Defaults = Config{
	Addr:            ":8080",
	DataDir:         "./data",
	Lang:            "fr",
	LogFormat:       "text",
	TileURL:         "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
	TileAttribution: "© les contributeurs et contributrices d'OpenStreetMap",
	AccessLog:       true,
	Signup:          "closed",
}

// maxHashConcurrency keeps a mistyped bound from letting hashing take
// gigabytes: 256 computations at once hold 4.75 GiB.
const maxHashConcurrency = 256

// Load reads the environment through getenv (os.Getenv in production, a map
// in tests) and validates the result.
func Load(getenv func(string) string) (Config, error) {
	c := Defaults
	var problems []string
	read := func(key string) (string, bool) {
		v, ok, err := lookup(getenv, key)
		if err != nil {
			problems = append(problems, err.Error())
		}
		return v, ok
	}
	str := func(key string, dst *string) {
		if v, ok := read(key); ok {
			*dst = v
		}
	}
	str("ATLAS_ADDR", &c.Addr)
	str("ATLAS_DATA_DIR", &c.DataDir)
	str("ATLAS_DATABASE_URL", &c.DatabaseURL)
	str("ATLAS_BASE_URL", &c.BaseURL)
	str("ATLAS_SMTP_URL", &c.SMTPURL)
	str("ATLAS_LANG", &c.Lang)
	str("ATLAS_TRUSTED_PROXY", &c.TrustedProxy)
	str("ATLAS_LOG_FORMAT", &c.LogFormat)
	str("ATLAS_TILE_URL", &c.TileURL)
	str("ATLAS_TILE_ATTRIBUTION", &c.TileAttribution)
	str("ATLAS_GEOCODER_URL", &c.GeocoderURL)
	str("ATLAS_METRICS_ADDR", &c.MetricsAddr)
	str("ATLAS_METRICS_TOKEN", &c.MetricsToken)
	str("ATLAS_SIGNUP", &c.Signup)

	c.AutoMigrate = !c.IsPostgres()
	boolean := func(key string, dst *bool) {
		v, ok := read(key)
		if !ok {
			return
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %q is not true or false", key, v))
			return
		}
		*dst = b
	}
	boolean("ATLAS_AUTO_MIGRATE", &c.AutoMigrate)
	boolean("ATLAS_DEV", &c.Dev)
	boolean("ATLAS_ACCESS_LOG", &c.AccessLog)
	if v, ok := read("ATLAS_HASH_CONCURRENCY"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > maxHashConcurrency {
			problems = append(problems, fmt.Sprintf("ATLAS_HASH_CONCURRENCY: %q is not a number from 0 (sized from memory) to %d", v, maxHashConcurrency))
		} else {
			c.HashConcurrency = n
		}
	}

	if err := c.validate(); err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return c, fmt.Errorf("config: %s", strings.Join(problems, "; "))
	}
	return c, nil
}

// lookup reads KEY, or the contents of the file named by KEY_FILE, so secrets
// such as a database password need not sit in the environment. A KEY_FILE
// that cannot be read, or holds nothing, is an error: starting without the
// secret (a fresh SQLite atlas instead of the PostgreSQL one) would be worse
// than not starting.
func lookup(getenv func(string) string, key string) (string, bool, error) {
	if v := getenv(key); v != "" {
		return v, true, nil
	}
	path := getenv(key + "_FILE")
	if path == "" {
		return "", false, nil
	}
	data, err := os.ReadFile(path) //nolint:gosec // G304: the secret file is the one the operator named
	if err != nil {
		return "", false, fmt.Errorf("%s_FILE: %v", key, err)
	}
	v := strings.TrimSpace(string(data))
	if v == "" {
		return "", false, fmt.Errorf("%s_FILE: %s is empty", key, path)
	}
	return v, true, nil
}

func (c Config) validate() error {
	var problems []string
	if c.Addr == "" {
		problems = append(problems, "ATLAS_ADDR is empty")
	}
	if c.DatabaseURL != "" && !c.IsPostgres() {
		problems = append(problems, "ATLAS_DATABASE_URL must be empty (SQLite) or start with postgres://")
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			problems = append(problems, "ATLAS_BASE_URL must be an http(s) URL")
		}
	}
	if c.SMTPURL != "" {
		u, err := url.Parse(c.SMTPURL)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Host == "" {
			problems = append(problems, "ATLAS_SMTP_URL must look like smtps://user:pass@host:465?from=atlas@example.org or smtp://host:587?from=atlas@example.org&starttls=required")
		} else if p := u.Query().Get("starttls"); p != "" && p != "auto" && p != "required" && p != "off" {
			problems = append(problems, "ATLAS_SMTP_URL: starttls must be auto, required or off")
		}
	}
	if u, err := url.Parse(strings.ReplaceAll(c.TileURL, "{", "")); c.TileURL != "" && (err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "") {
		problems = append(problems, "ATLAS_TILE_URL must be an http(s) URL template such as https://tile.openstreetmap.org/{z}/{x}/{y}.png")
	}
	if u, err := url.Parse(c.GeocoderURL); c.GeocoderURL != "" && (err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.Fragment != "") {
		problems = append(problems, "ATLAS_GEOCODER_URL must be an http(s) URL such as https://api-adresse.data.gouv.fr/search/")
	}
	if c.MetricsAddr != "" && c.MetricsAddr == c.Addr {
		problems = append(problems, "ATLAS_METRICS_ADDR must differ from ATLAS_ADDR: metrics are served on a listener of their own")
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < minMetricsToken {
		problems = append(problems, fmt.Sprintf("ATLAS_METRICS_TOKEN must be at least %d characters", minMetricsToken))
	}
	if !i18n.Supported(c.Lang) {
		problems = append(problems, "ATLAS_LANG must be one of "+strings.Join(i18n.Languages, ", "))
	}
	if c.Signup != "closed" && c.Signup != "approval" && c.Signup != "open" {
		problems = append(problems, "ATLAS_SIGNUP must be closed, approval or open")
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		problems = append(problems, "ATLAS_LOG_FORMAT must be text or json")
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// minMetricsToken is the shortest metrics token accepted: anyone may try
// tokens against the public listener.
const minMetricsToken = 16

// IsPostgres reports whether the atlas runs on PostgreSQL.
func (c Config) IsPostgres() bool {
	return strings.HasPrefix(c.DatabaseURL, "postgres://") || strings.HasPrefix(c.DatabaseURL, "postgresql://")
}

// SQLitePath is where the embedded database lives.
func (c Config) SQLitePath() string {
	return filepath.Join(c.DataDir, "atlas.db")
}

// SecureCookies reports whether cookies must carry the Secure flag: only
// when the atlas is served over https, else browsers would drop them.
func (c Config) SecureCookies() bool {
	return strings.HasPrefix(c.BaseURL, "https://")
}

// Redacted returns the config with secrets hidden, for logs.
func (c Config) Redacted() Config {
	c.DatabaseURL = redactURL(c.DatabaseURL)
	c.SMTPURL = redactURL(c.SMTPURL)
	if c.MetricsToken != "" {
		c.MetricsToken = "xxxxx"
	}
	return c
}

// redactURL masks a URL's password, in its user part or in a password
// query parameter (libpq accepts both); a value that does not parse is
// masked whole, since it may hold anything.
func redactURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "xxxxx"
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// TileOrigin is the scheme and host of the tile server, for the CSP.
func (c Config) TileOrigin() string {
	u, err := url.Parse(strings.NewReplacer("{", "", "}", "").Replace(c.TileURL))
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// GeocoderOrigin is the scheme and host of the address search service, for
// the CSP's connect-src; empty when none is set.
func (c Config) GeocoderOrigin() string {
	u, err := url.Parse(c.GeocoderURL)
	if c.GeocoderURL == "" || err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// Lines is the configuration as the environment that gives it, one
// ATLAS_*=value line per setting in the order of Config, secrets masked:
// what `atlas config` prints, ready to compare or to paste.
func (c Config) Lines() []string {
	r := c.Redacted()
	pairs := [][2]string{
		{"ATLAS_ADDR", r.Addr},
		{"ATLAS_DATA_DIR", r.DataDir},
		{"ATLAS_DATABASE_URL", r.DatabaseURL},
		{"ATLAS_BASE_URL", r.BaseURL},
		{"ATLAS_SMTP_URL", r.SMTPURL},
		{"ATLAS_LANG", r.Lang},
		{"ATLAS_AUTO_MIGRATE", strconv.FormatBool(r.AutoMigrate)},
		{"ATLAS_DEV", strconv.FormatBool(r.Dev)},
		{"ATLAS_TRUSTED_PROXY", r.TrustedProxy},
		{"ATLAS_LOG_FORMAT", r.LogFormat},
		{"ATLAS_TILE_URL", r.TileURL},
		{"ATLAS_TILE_ATTRIBUTION", r.TileAttribution},
		{"ATLAS_ACCESS_LOG", strconv.FormatBool(r.AccessLog)},
		{"ATLAS_HASH_CONCURRENCY", strconv.Itoa(r.HashConcurrency)},
		{"ATLAS_METRICS_ADDR", r.MetricsAddr},
		{"ATLAS_METRICS_TOKEN", r.MetricsToken},
		{"ATLAS_SIGNUP", r.Signup},
		{"ATLAS_GEOCODER_URL", r.GeocoderURL},
	}
	lines := make([]string, len(pairs))
	for i, p := range pairs {
		// One line each: a value holding a newline cannot forge another.
		lines[i] = p[0] + "=" + strings.NewReplacer("\n", `\n`, "\r", `\r`).Replace(p[1])
	}
	return lines
}
