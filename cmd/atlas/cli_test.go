package main_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"atlas/internal/testutil"
)

// These tests run the atlas command as people do, through the binary
// (built once per run by testutil.AtlasBinary), on a fresh data directory.

func TestMain(m *testing.M) {
	code := m.Run()
	testutil.RemoveBinary()
	os.Exit(code)
}

// atlas is one atlas's command line: the binary and the environment that
// points it at its own database.
type atlas struct {
	bin string
	env []string
}

// newAtlas starts from the test's environment without any ATLAS_ setting
// (an outer ATLAS_DATABASE_URL must not leak in), on SQLite in a fresh
// directory; extra settings, added last, override that.
func newAtlas(t *testing.T, extra ...string) *atlas {
	t.Helper()
	a := &atlas{bin: testutil.AtlasBinary(t)}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ATLAS_") || strings.HasPrefix(kv, "ATLAS_TEST_") {
			a.env = append(a.env, kv)
		}
	}
	a.env = append(a.env, "ATLAS_DATA_DIR="+t.TempDir(), "ATLAS_LANG=fr")
	a.env = append(a.env, extra...)
	return a
}

// onBothDatabases runs fn on SQLite, then on PostgreSQL in a throwaway
// schema (skipped when no server answers, a failure in CI), migrated first
// as a PostgreSQL deployment is.
func onBothDatabases(t *testing.T, fn func(t *testing.T, a *atlas)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, newAtlas(t)) })
	t.Run("postgres", func(t *testing.T) {
		a := newAtlas(t, "ATLAS_DATABASE_URL="+testutil.PostgresSchemaURL(t))
		a.ok(t, "", "migrate")
		fn(t, a)
	})
}

func (a *atlas) command(stdin string, args ...string) (stdout, stderr string, err error) {
	cmd := exec.Command(a.bin, args...)
	cmd.Env = a.env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// ok runs a command that must succeed and returns its standard output.
func (a *atlas) ok(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	out, errOut, err := a.command(stdin, args...)
	if err != nil {
		t.Fatalf("atlas %s: %v\n%s%s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}

// fails runs a command that must exit 1 with a one-line reason containing
// want, as the contract promises for every bad input.
func (a *atlas) fails(t *testing.T, stdin, want string, args ...string) {
	t.Helper()
	_, errOut, err := a.command(stdin, args...)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("atlas %s: want exit status 1, got %v\n%s", strings.Join(args, " "), err, errOut)
	}
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "atlas: ") || !strings.Contains(last, want) {
		t.Errorf("atlas %s: the reason should be one line with %q, got:\n%s", strings.Join(args, " "), want, errOut)
	}
}

func TestHelpAndUnknownCommands(t *testing.T) {
	a := newAtlas(t)
	if out := a.ok(t, "", "help"); !strings.Contains(out, "atlas user create --username U") {
		t.Errorf("atlas help does not list its commands:\n%s", out)
	}
	a.fails(t, "", `unknown command "frobnicate"`, "frobnicate")
	a.fails(t, "", "usage: atlas export", "export")
	a.fails(t, "", "usage: atlas import", "import")
}

func TestMigrateIsNeededOnPostgreSQL(t *testing.T) {
	a := newAtlas(t, "ATLAS_DATABASE_URL="+testutil.PostgresSchemaURL(t))
	a.fails(t, "", "migrat", "user", "create", "--username", "admin", "--email", "admin@example.org", "--role", "admin")
	a.ok(t, "", "migrate")
	a.ok(t, "", "migrate") // a second run has nothing to do and says nothing wrong
	if out := a.ok(t, "motdepasse-cli-1\n", "user", "create", "--username", "admin", "--email", "admin@example.org", "--role", "admin", "--password-stdin"); out != "created admin (admin)\n" {
		t.Errorf("user create after migrate printed %q", out)
	}
}

func TestAccountsAndTokens(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, a *atlas) {
		if out := a.ok(t, "motdepasse-cli-1\n", "user", "create", "--username", "admin", "--email", "admin@example.org", "--role", "admin", "--password-stdin"); out != "created admin (admin)\n" {
			t.Errorf("user create --password-stdin printed %q", out)
		}
		out := a.ok(t, "", "user", "create", "--username", "marie", "--email", "marie@example.org")
		if !regexp.MustCompile(`^created marie \(contributor\); password: \S{20}\n$`).MatchString(out) {
			t.Errorf("user create without a password should print a generated one, printed %q", out)
		}
		a.fails(t, "", "already in use", "user", "create", "--username", "marie", "--email", "autre@example.org")
		a.fails(t, "", "role", "user", "create", "--username", "paul", "--email", "paul@example.org", "--role", "chef")
		a.fails(t, "court\n", "password", "user", "create", "--username", "paul", "--email", "paul@example.org", "--password-stdin")

		token := a.ok(t, "", "token", "create", "--username", "marie", "--name", "script")
		if !regexp.MustCompile(`^\S{20,}\n$`).MatchString(token) {
			t.Errorf("token create should print the token alone on a line, printed %q", token)
		}
		a.fails(t, "", `no user "personne"`, "token", "create", "--username", "personne")

		// A new password ends the account's tokens too: a thief's token
		// must not outlive the owner's recovery.
		if out := a.ok(t, "un-nouveau-mot-de-passe\n", "user", "password", "--username", "marie"); out != "password of marie changed; its sessions and 1 API token(s) ended\n" {
			t.Errorf("user password printed %q", out)
		}
		a.fails(t, "court\n", "at least", "user", "password", "--username", "marie")
		a.fails(t, "         a\n", "at least", "user", "password", "--username", "marie")
		a.fails(t, "Azerty1234!\n", "most common", "user", "password", "--username", "marie")
		a.fails(t, "motdepasse2026\n", "most common", "user", "create", "--username", "paul", "--email", "paul@example.org", "--password-stdin")
		a.fails(t, "un-nouveau-mot-de-passe\n", `no account "personne"`, "user", "password", "--username", "personne")
	})
}

// sheetFile names its slug, so importing it again updates that sheet.
const sheetFile = `---
slug: grainotheque-de-bellevue
categories: [semences]
---
# Grainothèque de Bellevue

## La communauté

Des voisins qui échangent leurs graines.
`

func TestImportExportAndRestore(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, a *atlas) {
		dir := t.TempDir()
		md := filepath.Join(dir, "grainotheque.md")
		if err := os.WriteFile(md, []byte(sheetFile), 0o600); err != nil {
			t.Fatal(err)
		}
		a.fails(t, "", "no admin account", "import", md)
		a.ok(t, "motdepasse-cli-1\n", "user", "create", "--username", "admin", "--email", "admin@example.org", "--role", "admin", "--password-stdin")
		if out := a.ok(t, "", "import", md); out != md+": created grainotheque-de-bellevue (revision 1)\n" {
			t.Errorf("first import printed %q", out)
		}
		if out := a.ok(t, "", "import", md); out != md+": unchanged grainotheque-de-bellevue (revision 1)\n" {
			t.Errorf("importing the same file again printed %q", out)
		}
		if out := a.ok(t, "", "reindex"); out != "1 sheets reindexed, 0 revisions attributed\n" {
			t.Errorf("reindex printed %q", out)
		}

		archive := filepath.Join(dir, "atlas.zip")
		if out := a.ok(t, "", "export", "--out", archive); !strings.Contains(out, ": 1 sheets, 1 revisions, 0 reviews, 1 accounts") {
			t.Errorf("export printed %q", out)
		}
		restored := newAtlas(t) // a fresh SQLite atlas receives it, whatever the source database
		if out := restored.ok(t, "", "import-archive", archive); !strings.HasPrefix(out, "restored 1 sheets, 1 revisions, 0 reviews, 1 accounts") {
			t.Errorf("import-archive printed %q", out)
		}
		restored.fails(t, "", "", "import-archive", archive) // only into an empty database
		if out := restored.ok(t, "", "import", md); !strings.Contains(out, "unchanged grainotheque-de-bellevue") {
			t.Errorf("the restored atlas does not hold the sheet as imported: %q", out)
		}

		if _, err := exec.LookPath("git"); err == nil {
			repo := filepath.Join(dir, "history")
			if out := a.ok(t, "", "export", "--git", repo); out != "1 revisions written to "+repo+"\n" {
				t.Errorf("export --git printed %q", out)
			}
		}
	})
}

func TestDemoAndBackup(t *testing.T) {
	a := newAtlas(t)
	out := a.ok(t, "", "demo")
	if !strings.HasPrefix(out, "demo atlas loaded; accounts:") || strings.Count(out, "password: ") != 5 {
		t.Errorf("demo printed %q", out)
	}
	a.fails(t, "", "already", "demo")
	copyFile := filepath.Join(t.TempDir(), "copie.db")
	if out := a.ok(t, "", "backup", "--out", copyFile); !strings.Contains(out, "integrity check ok") {
		t.Errorf("backup printed %q", out)
	}
	restored := newAtlas(t, "ATLAS_DATA_DIR="+filepath.Dir(copyFile))
	if err := os.Rename(copyFile, filepath.Join(filepath.Dir(copyFile), "atlas.db")); err != nil {
		t.Fatal(err)
	}
	if out := restored.ok(t, "", "reindex"); out != "4 sheets reindexed, 0 revisions attributed\n" {
		t.Errorf("the backup does not hold the demo's sheets: reindex printed %q", out)
	}
}

func TestConfigHidesSecrets(t *testing.T) {
	a := newAtlas(t, "ATLAS_DATABASE_URL=postgres://atlas:s3cret-pass@db.example.org/atlas?sslmode=require",
		"ATLAS_SMTP_URL=smtps://atlas:mail-s3cret@mail.example.org:465?from=atlas@example.org",
		"ATLAS_METRICS_TOKEN=un-jeton-de-metriques-secret", "ATLAS_ADDR=:9000")
	out := a.ok(t, "", "config")
	for _, secret := range []string{"s3cret-pass", "mail-s3cret", "un-jeton-de-metriques-secret"} {
		if strings.Contains(out, secret) {
			t.Errorf("atlas config shows a secret (%s):\n%s", secret, out)
		}
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, line := range lines {
		if !regexp.MustCompile(`^ATLAS_[A-Z_]+=`).MatchString(line) {
			t.Errorf("atlas config line %q is not ATLAS_*=value", line)
		}
	}
	for _, want := range []string{
		"ATLAS_ADDR=:9000",
		"ATLAS_DATABASE_URL=postgres://atlas:xxxxx@db.example.org/atlas?sslmode=require",
		"ATLAS_SMTP_URL=smtps://atlas:xxxxx@mail.example.org:465?from=atlas@example.org",
		"ATLAS_METRICS_TOKEN=xxxxx",
		"ATLAS_LANG=fr",
		"ATLAS_AUTO_MIGRATE=false",
	} {
		if !slices.Contains(lines, want) {
			t.Errorf("atlas config lacks %q:\n%s", want, out)
		}
	}
}

// TestSetupLinkCommand: a new atlas prints a setup link on demand; once an
// account exists, it refuses.
func TestSetupLinkCommand(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, a *atlas) {
		a.env = append(a.env, "ATLAS_BASE_URL=https://atlas.example.org")
		out := a.ok(t, "", "setup-link")
		if !regexp.MustCompile(`^https://atlas\.example\.org/setup/[A-Za-z0-9_-]{43}\n$`).MatchString(out) {
			t.Errorf("setup-link printed %q", out)
		}
		a.ok(t, "", "user", "create", "--username", "camille", "--email", "camille@example.org", "--role", "admin")
		a.fails(t, "", "has accounts already", "setup-link")
	})
}

// TestServeAnnouncesItsAddressAndStopsCleanly starts the server as `make
// run` does: it must say which address to open, answer there, and on
// Ctrl-C (SIGINT) stop gracefully and exit 0.
func TestServeAnnouncesItsAddressAndStopsCleanly(t *testing.T) {
	addr := freeAddr(t)
	a := newAtlas(t, "ATLAS_ADDR="+addr)
	cmd := exec.Command(a.bin, "serve")
	cmd.Env = a.env
	var logs bytes.Buffer
	cmd.Stderr = &logs
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	announced := make(chan string, 2)
	go func() {
		r := bufio.NewReader(stdout)
		line, _ := r.ReadString('\n')
		announced <- line
		line, _ = r.ReadString('\n')
		announced <- line
		_, _ = io.Copy(io.Discard, stdout)
	}()
	want := "Atlas des communs : ouvrez http://" + addr
	select {
	case line := <-announced:
		if !strings.HasPrefix(line, want) {
			t.Fatalf("serve's first line is %q, want it to start with %q", line, want)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("serve announced no address within 30s:\n%s", logs.String())
	}
	// A new atlas has no account: the next line is the setup link.
	setup := regexp.MustCompile(`http://` + regexp.QuoteMeta(addr) + `/setup/[A-Za-z0-9_-]{43}`)
	select {
	case line := <-announced:
		link := setup.FindString(line)
		if link == "" {
			t.Fatalf("serve's second line has no setup link: %q", line)
		}
		resp, err := http.Get(link) //nolint:gosec // G107: the link the server under test printed
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET the setup link = %d", resp.StatusCode)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("serve printed no setup link:\n%s", logs.String())
	}
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	if err := resp.Body.Close(); err != nil {
		t.Error(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz = %d", resp.StatusCode)
	}
	healthy := newAtlas(t, "ATLAS_ADDR="+addr)
	healthy.ok(t, "", "healthcheck")

	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve should exit 0 after a graceful stop on SIGINT, got %v:\n%s", err, logs.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("serve did not stop within 15s of SIGINT:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "atlas shutting down") {
		t.Errorf("serve did not log its graceful stop:\n%s", logs.String())
	}
	healthy.fails(t, "", "healthcheck", "healthcheck")
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", l.Addr().(*net.TCPAddr).Port)
	if err := l.Close(); err != nil { // free it for the server
		t.Fatal(err)
	}
	return addr
}
