package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"atlas/internal/testutil"
)

const (
	chromiumPath = "/usr/bin/chromium"
	password     = "motdepasse-e2e-1"
	testTimeout  = 90 * time.Second
)

// TestMain removes the binary built for the tests, so the temp dir does not
// grow with every run.
func TestMain(m *testing.M) {
	code := m.Run()
	testutil.RemoveBinary()
	os.Exit(code)
}

// needChromium skips the test when no browser is installed, except in CI
// where ATLAS_E2E_REQUIRED=1 turns a missing browser into a failure.
func needChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("ATLAS_E2E_REQUIRED") == "1" {
			t.Fatalf("ATLAS_E2E_REQUIRED=1 but Chromium is missing at %s: %v", chromiumPath, err)
		}
		testutil.SkipSuite(t, "browser tests (test/e2e)", fmt.Sprintf("Chromium not found at %s (install the Debian package chromium, or set ATLAS_E2E_REQUIRED=1 to make this a failure)", chromiumPath))
	}
}

// moduleRoot asks the go tool, so the tests work from any working directory.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := findModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func findModuleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %v", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("go env GOMOD: not inside the atlas module")
	}
	return filepath.Dir(gomod), nil
}

// server is one running `atlas serve` on SQLite in a fresh data dir.
type server struct {
	url string
	bin string
	env []string
	// kill stops the process at once (SIGKILL), as a crash would.
	kill func()
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil { // free it for the server
		t.Fatal(err)
	}
	return port
}

// readAndClose reads an answer to its end and closes it.
func readAndClose(resp *http.Response) ([]byte, error) {
	data, err := io.ReadAll(resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	return data, err
}

// startServer runs the binary and waits for /healthz. The empty database
// URL and base URL keep an outer environment from pointing the test at
// PostgreSQL or turning on Secure cookies over plain HTTP; extraEnv, added
// last, overrides them (ATLAS_DATABASE_URL=… runs it on PostgreSQL).
func startServer(t *testing.T, extraEnv ...string) *server {
	t.Helper()
	bin := testutil.AtlasBinary(t)
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	for _, kv := range extraEnv { // a restarted server keeps its address
		if a, ok := strings.CutPrefix(kv, "ATLAS_ADDR="); ok {
			addr = a
		}
	}
	s := &server{url: "http://" + addr, bin: bin}
	s.env = append(os.Environ(),
		"ATLAS_ADDR="+addr,
		"ATLAS_DATA_DIR="+t.TempDir(),
		"ATLAS_DATABASE_URL=",
		"ATLAS_BASE_URL=",
		"ATLAS_LANG=fr",
		"ATLAS_DEV=false",
	)
	s.env = append(s.env, extraEnv...)
	var logs syncBuffer
	cmd := exec.Command(bin, "serve")
	cmd.Env = s.env
	cmd.Stdout, cmd.Stderr = &logs, &logs
	dieWithTest(cmd)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	s.kill = func() {
		_ = cmd.Process.Kill()
		<-exited
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})

	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case <-exited:
			t.Fatalf("atlas serve exited early:\n%s", logs.String())
		default:
		}
		resp, err := http.Get(s.url + "/healthz")
		if err == nil {
			body, err := readAndClose(resp)
			if err == nil && resp.StatusCode == http.StatusOK && string(body) == "ok" {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("atlas serve did not answer /healthz within 20s (last error %v):\n%s", err, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// onEachDatabase runs a browser journey twice, as subtests: on SQLite, then
// on PostgreSQL in a throwaway schema (skipped when no server answers, a
// failure under ATLAS_TEST_REQUIRE_POSTGRES=1, as in CI). Pages must behave
// alike on both, so every journey is walked on both.
func onEachDatabase(t *testing.T, journey func(t *testing.T, srv *server)) {
	needChromium(t)
	t.Run("sqlite", func(t *testing.T) { journey(t, startServer(t)) })
	t.Run("postgres", func(t *testing.T) {
		url := testutil.PostgresSchemaURL(t)
		journey(t, startServer(t, "ATLAS_DATABASE_URL="+url, "ATLAS_AUTO_MIGRATE=true"))
	})
}

// acceptLeaving answers yes to every "leave this page?" question the
// browser asks from now on (an editor holding unsaved text asks one), and
// counts them, so a test can both move on and check that it was asked.
func (b *browser) acceptLeaving(t *testing.T) *atomic.Int32 {
	t.Helper()
	var asked atomic.Int32
	if err := chromedp.Listen(b.ctx, func(ev any) {
		if e, ok := ev.(*page.EventJavascriptDialogOpening); ok && e.Type == page.DialogTypeBeforeunload {
			asked.Add(1)
			go func() {
				_, _ = chromedp.Call(b.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
			}()
		}
	}); err != nil {
		t.Fatal(err)
	}
	return &asked
}

// databaseOf names the database a journey run by onEachDatabase is on.
func databaseOf(t *testing.T) string {
	if strings.Contains(t.Name(), "/postgres") {
		return "postgres"
	}
	return "sqlite"
}

// run runs an atlas subcommand against the server's database.
func (s *server) run(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	out, err := s.runErr(stdin, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func (s *server) runErr(stdin string, args ...string) (string, error) {
	cmd := exec.Command(s.bin, args...)
	cmd.Env = s.env
	cmd.Stdin = strings.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("atlas %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(string(out)), nil
}

// createUsers makes accounts the documented way, password on stdin, all at
// once: each one hashes a password with argon2id, which takes a while.
func (s *server) createUsers(t *testing.T, roles map[string]string) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(roles))
	for username, role := range roles {
		wg.Go(func() {
			_, err := s.runErr(password+"\n", "user", "create", "--username", username,
				"--email", username+"@example.org", "--role", role, "--password-stdin")
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// api calls the JSON API with a bearer token, to prepare data fast.
func (s *server) api(t *testing.T, token, method, path string, in any, want int) map[string]any {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.url+"/api/v1"+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := readAndClose(resp)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, raw)
	}
	out := map[string]any{}
	_ = json.Unmarshal(raw, &out)
	return out
}

// syncBuffer collects the server's output from its two pipes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// startChromium launches one headless Chromium for a test. Each person of
// a scenario then gets their own browser context in it (newBrowser), with
// its own cookie jar: as separate as separate profiles, and a fraction of a
// second to create instead of seconds. The language flags make it a French
// visitor, since the atlas follows Accept-Language before ATLAS_LANG.
func startChromium(t *testing.T, parent context.Context) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("lang", "fr-FR"),
		chromedp.Flag("accept-lang", "fr-FR,fr"),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(parent, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// browser is one person's browser context: own cookies, own tab.
type browser struct {
	name  string
	ctx   context.Context
	srv   *server
	close func()
}

func newBrowser(t *testing.T, chromium context.Context, srv *server, name string) *browser {
	t.Helper()
	ctx, cancel := chromedp.NewContext(chromium, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	b := &browser{name: name, ctx: ctx, srv: srv}
	b.close = func() {
		defer b.trace(t, "close", time.Now())
		cancel()
	}
	defer b.trace(t, "new browser context", time.Now())
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("%s: new browser context: %v", name, err)
	}
	return b
}

// trace logs how long a browser step took when ATLAS_E2E_TRACE=1, to find
// what is slow on a loaded machine.
func (b *browser) trace(t *testing.T, what string, since time.Time) {
	t.Helper()
	if os.Getenv("ATLAS_E2E_TRACE") == "1" {
		t.Logf("%s: %s took %v", b.name, what, time.Since(since).Round(time.Millisecond))
	}
}

func (b *browser) fatalf(t *testing.T, format string, args ...any) {
	t.Helper()
	t.Fatalf("%s: %s", b.name, fmt.Sprintf(format, args...))
}

// open navigates to a path of the atlas and returns the HTTP status.
func (b *browser) open(t *testing.T, path string) int64 {
	t.Helper()
	defer b.trace(t, "open "+path, time.Now())
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.srv.url+path))
	if err != nil {
		b.fatalf(t, "open %s: %v", path, err)
	}
	return resp.Status
}

// submit clicks a control that navigates (a submit button or a link) and
// waits for the resulting page, redirects followed.
func (b *browser) submit(t *testing.T, sel string) *network.Response {
	t.Helper()
	defer b.trace(t, "submit "+sel, time.Now())
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.fatalf(t, "click %s: %v", sel, err)
	}
	if resp == nil {
		b.fatalf(t, "click %s: no navigation", sel)
	}
	return resp
}

func (b *browser) do(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	defer b.trace(t, what, time.Now())
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.fatalf(t, "%s: %v", what, err)
	}
}

func (b *browser) typeInto(t *testing.T, sel, text string) {
	t.Helper()
	b.do(t, "type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
}

func (b *browser) click(t *testing.T, sel string) {
	t.Helper()
	b.do(t, "click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// setValue replaces a field's whole value: typing a 2 KB sheet key by key
// would only slow the test down.
func (b *browser) setValue(t *testing.T, sel, v string) {
	t.Helper()
	b.do(t, "set value of "+sel, chromedp.SetValue(chromedp.CSS(sel), v))
}

func (b *browser) value(t *testing.T, sel string) string {
	t.Helper()
	defer b.trace(t, "value of "+sel, time.Now())
	v, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.fatalf(t, "value of %s: %v", sel, err)
	}
	return v
}

func (b *browser) text(t *testing.T, sel string) string {
	t.Helper()
	defer b.trace(t, "text of "+sel, time.Now())
	v, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.fatalf(t, "text of %s: %v", sel, err)
	}
	return strings.TrimSpace(v)
}

// eval runs JavaScript in the page through DevTools, which the page's CSP
// does not restrict.
func eval[T any](t *testing.T, b *browser, js string) T {
	t.Helper()
	defer b.trace(t, fmt.Sprintf("evaluate %.40q", js), time.Now())
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		b.fatalf(t, "evaluate %.60q: %v", js, err)
	}
	return v
}

// has reports whether a selector matches now, without waiting for it.
func (b *browser) has(t *testing.T, sel string) bool {
	t.Helper()
	q, _ := json.Marshal(sel)
	return eval[bool](t, b, fmt.Sprintf("document.querySelector(%s) !== null", q))
}

func (b *browser) pageText(t *testing.T) string {
	t.Helper()
	return eval[string](t, b, "document.body.innerText")
}

// path is the current location without the origin.
func (b *browser) path(t *testing.T) string {
	t.Helper()
	return eval[string](t, b, "location.pathname + location.search")
}

// login fills the login form as a person would and checks the redirect.
func (b *browser) login(t *testing.T, username string) {
	t.Helper()
	if st := b.open(t, "/login"); st != http.StatusOK {
		b.fatalf(t, "GET /login: status %d", st)
	}
	b.typeInto(t, "#username", username)
	b.typeInto(t, "#password", password)
	resp := b.submit(t, `form[action="/login"] button[type=submit]`)
	// The 303 itself is not visible to the page; the navigation entry counts it.
	redirects := eval[int](t, b, "performance.getEntriesByType('navigation')[0].redirectCount")
	if resp.Status != http.StatusOK || redirects < 1 || strings.HasPrefix(b.path(t), "/login") {
		b.fatalf(t, "login as %s: status %d, %d redirects, now at %s:\n%s", username, resp.Status, redirects, b.path(t), b.pageText(t))
	}
	if !b.has(t, `form[action="/logout"]`) {
		b.fatalf(t, "login as %s: no logout button afterwards", username)
	}
}

// shots saves full-page screenshots, numbered in the order taken.
type shots struct {
	dir string
	n   int
}

func newShots(t *testing.T) *shots {
	t.Helper()
	dir := os.Getenv("ATLAS_E2E_SHOTS")
	if dir == "" {
		dir = filepath.Join(moduleRoot(t), "test-output", "e2e")
	}
	// The PostgreSQL walk of a journey keeps its own pictures beside the
	// SQLite one's instead of overwriting them.
	if databaseOf(t) == "postgres" {
		dir = filepath.Join(dir, "postgres")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil { //nolint:gosec // G703: the tests' own output directory
		t.Fatal(err)
	}
	return &shots{dir: dir}
}

// take numbers the picture; save keeps the name as given.
func (s *shots) take(t *testing.T, b *browser, name string) {
	t.Helper()
	s.n++
	s.save(t, b, fmt.Sprintf("%02d-%s", s.n, name))
}

func (s *shots) save(t *testing.T, b *browser, name string) {
	t.Helper()
	defer b.trace(t, "screenshot "+name, time.Now())
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.fatalf(t, "screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(s.dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
