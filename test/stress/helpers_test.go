package stress_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"atlas/internal/testutil"
)

// database is where one subtest's server keeps its data.
type database struct {
	name    string // "sqlite" or "postgres"
	dataDir string // always set: SQLite file, or unused scratch on PostgreSQL
	url     string // PostgreSQL URL with its throwaway schema, else ""
}

// eachDatabase runs fn on SQLite and on PostgreSQL as subtests.
func eachDatabase(t *testing.T, fn func(t *testing.T, d database)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		fn(t, database{name: "sqlite", dataDir: t.TempDir()})
	})
	t.Run("postgres", func(t *testing.T) {
		d := database{name: "postgres", dataDir: t.TempDir(), url: testutil.PostgresSchemaURL(t)}
		// The server does not migrate PostgreSQL by itself: a deploy step.
		d.run(t, "", "migrate")
		fn(t, d)
	})
}

// env is the child's environment: the parent's minus every ATLAS_*
// variable, so a developer's own settings (or a _FILE variant) never
// point a test server at a real database.
func (d database) env(addr string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ATLAS_") {
			env = append(env, kv)
		}
	}
	env = append(env, "ATLAS_DATA_DIR="+d.dataDir, "ATLAS_LOG_FORMAT=text", "ATLAS_LANG=fr")
	if addr != "" {
		env = append(env, "ATLAS_ADDR="+addr)
	}
	if d.url != "" {
		env = append(env, "ATLAS_DATABASE_URL="+d.url, "ATLAS_AUTO_MIGRATE=false")
	}
	return env
}

// run executes an administration command and returns its standard output.
func (d database) run(t testing.TB, stdin string, args ...string) string {
	t.Helper()
	return d.runWithin(t, time.Minute, stdin, args...)
}

// runWithin is run with another time limit (a large import).
func (d database) runWithin(t testing.TB, limit time.Duration, stdin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, atlasBinary(t), args...)
	cmd.Env = d.env("")
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("atlas %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// account creates a contributor and returns an API token for it.
// accountPassword is the password of every account the suites create.
const accountPassword = "phrase de passe stress 1"

func (d database) account(t testing.TB, username string) string {
	t.Helper()
	d.run(t, accountPassword+"\n", "user", "create", "--username", username,
		"--email", username+"@example.org", "--role", "contributor", "--password-stdin")
	token := strings.TrimSpace(d.run(t, "", "token", "create", "--username", username))
	if token == "" || strings.ContainsAny(token, " \n") {
		t.Fatalf("token create printed %q", token)
	}
	return token
}

// freeAddr picks a free port on 127.0.0.1. The listener is closed at once;
// the server binds the port right after, a race we accept in tests.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// logBuffer collects a server's output; written by exec's copying
// goroutine and read by the test, hence the lock. It stops growing at
// maxLog so a chatty server cannot eat the machine's memory.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

const maxLog = 32 << 20

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() < maxLog {
		b.buf.Write(p)
	}
	return len(p), nil
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// server is one running `atlas serve` process.
type server struct {
	base string
	log  *logBuffer
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	exit error         // how it exited, once done is closed
}

// startServer starts the binary and waits until /healthz answers. The
// process is always killed when the test ends, whatever happens.
func startServer(t testing.TB, d database) *server {
	t.Helper()
	return startServerEnv(t, d)
}

// startServerEnv is startServer with more KEY=value settings in the
// server's environment (a memory limit, a trusted proxy).
func startServerEnv(t testing.TB, d database, extra ...string) *server {
	t.Helper()
	addr := freeAddr(t)
	s := &server{base: "http://" + addr, log: &logBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(atlasBinary(t), "serve")
	s.cmd.Env = append(d.env(addr), extra...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		s.exit = s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(s.kill)

	hc := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			t.Fatalf("server exited before answering /healthz:\n%s", s.log.String())
		default:
		}
		resp, err := hc.Get(s.base + "/healthz")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK && string(body) == "ok" {
				return s
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.kill()
	t.Fatalf("server did not answer /healthz within 20 s:\n%s", s.log.String())
	return nil
}

// kill sends SIGKILL (no graceful shutdown, no deferred close) and waits
// until the process is gone. Safe to call twice.
func (s *server) kill() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Kill()
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
	}
}

// stop asks for a graceful shutdown (SIGTERM, as a container runtime or
// systemd sends) and falls back to SIGKILL after 15 s. It reports whether the
// fallback was needed. Callers close their client's idle connections
// first: fasthttp marks a connection that has not sent its first request
// as active, and the server's shutdown then waits its whole grace (8 s) for it.
func (s *server) stop() (forced bool) {
	s.terminate()
	return s.waitExit()
}

// terminate sends SIGTERM, unless the process is gone already.
func (s *server) terminate() {
	select {
	case <-s.done:
	default:
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
	}
}

// waitExit waits for the process to end, at most 15 s before killing it,
// and reports whether it had to.
func (s *server) waitExit() (forced bool) {
	select {
	case <-s.done:
		return false
	case <-time.After(15 * time.Second):
		s.kill()
		return true
	}
}

// stopClean stops the server gracefully and fails the test if it had to
// be killed: with no client connected a shutdown has nothing to wait for.
func (s *server) stopClean(t testing.TB, c *client) {
	t.Helper()
	c.close()
	if s.stop() {
		t.Errorf("graceful shutdown did not finish within 15 s; killed")
	}
}

// client talks to the JSON API and pages with a bearer token.
type client struct {
	base  string
	token string
	hc    *http.Client
}

func newClient(base, token string) *client {
	tr := &http.Transport{
		// Enough idle connections for every goroutine of a test, so load
		// reuses connections instead of churning through ephemeral ports.
		MaxIdleConns:        512,
		MaxIdleConnsPerHost: 512,
		IdleConnTimeout:     30 * time.Second,
		DisableCompression:  true,
	}
	return &client{base: base, token: token, hc: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

// close drops idle connections, e.g. to a server that was killed.
func (c *client) close() { c.hc.CloseIdleConnections() }

// do sends one request. A non-nil error means no HTTP answer at all
// (connection refused or reset, timeout); any status is returned as is.
func (c *client) do(ctx context.Context, method, path string, auth bool, in any) (int, []byte, error) {
	status, _, data, err := c.doHeader(ctx, method, path, auth, in)
	return status, data, err
}

// doHeader is do that also returns the answer's headers (Retry-After).
func (c *client) doHeader(ctx context.Context, method, path string, auth bool, in any) (int, http.Header, []byte, error) {
	var body io.Reader
	if in != nil {
		data, err := json.Marshal(in)
		if err != nil {
			return 0, nil, nil, err
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return 0, nil, nil, err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	data, err := readAndClose(resp)
	if err != nil {
		return resp.StatusCode, resp.Header, nil, fmt.Errorf("read answer: %w", err)
	}
	return resp.StatusCode, resp.Header, data, nil
}

// statusError is an answer with an unexpected status.
type statusError struct {
	method, path string
	status       int
	body         string
}

func (e *statusError) Error() string {
	b := e.body
	if len(b) > 300 {
		b = b[:300] + "…"
	}
	return fmt.Sprintf("%s %s: status %d: %s", e.method, e.path, e.status, b)
}

func is5xx(err error) bool {
	var se *statusError
	return errors.As(err, &se) && se.status >= 500
}

// getJSON expects a 200 and decodes it.
func (c *client) getJSON(ctx context.Context, path string, out any) error {
	status, data, err := c.do(ctx, http.MethodGet, path, true, nil)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return &statusError{http.MethodGet, path, status, string(data)}
	}
	return json.Unmarshal(data, out)
}

// revision is the API's revision summary, plus the body when asked for.
type revision struct {
	Number int    `json:"number"`
	Parent *int   `json:"parent"`
	SHA256 string `json:"sha256"`
	Size   int    `json:"size"`
	Origin string `json:"origin"`
	Body   string `json:"body"`
}

// sheetView is GET /api/v1/sheets/{slug}; with a token, Body is the head's.
type sheetView struct {
	Slug     string `json:"slug"`
	Title    string `json:"title"`
	Body     string `json:"body"`
	Head     int    `json:"head"`
	Revision int    `json:"revision"`
}

func (c *client) createSheet(ctx context.Context, title, body string) (string, revision, error) {
	in := map[string]any{"title": title, "body": body, "summary": "création"}
	status, data, err := c.do(ctx, http.MethodPost, "/api/v1/sheets", true, in)
	if err != nil {
		return "", revision{}, err
	}
	if status != http.StatusCreated {
		return "", revision{}, &statusError{http.MethodPost, "/api/v1/sheets", status, string(data)}
	}
	var out struct {
		Slug     string   `json:"slug"`
		Revision revision `json:"revision"`
	}
	err = json.Unmarshal(data, &out)
	return out.Slug, out.Revision, err
}

func (c *client) sheet(ctx context.Context, slug string) (sheetView, error) {
	var v sheetView
	err := c.getJSON(ctx, "/api/v1/sheets/"+slug, &v)
	return v, err
}

func (c *client) revision(ctx context.Context, slug string, n int) (revision, error) {
	var r revision
	err := c.getJSON(ctx, fmt.Sprintf("/api/v1/sheets/%s/revisions/%d", slug, n), &r)
	return r, err
}

// revisions walks the whole history, newest first, page by page. The page
// count is bounded so a broken cursor cannot loop forever.
func (c *client) revisions(ctx context.Context, slug string) ([]revision, error) {
	var all []revision
	path := "/api/v1/sheets/" + slug + "/revisions?limit=200"
	for page := 0; page < 1000; page++ {
		var out struct {
			Revisions []revision `json:"revisions"`
			Next      *int       `json:"next"`
		}
		if err := c.getJSON(ctx, path, &out); err != nil {
			return nil, err
		}
		all = append(all, out.Revisions...)
		if out.Next == nil {
			return all, nil
		}
		path = fmt.Sprintf("/api/v1/sheets/%s/revisions?limit=200&before=%d", slug, *out.Next)
	}
	return nil, fmt.Errorf("revisions of %s: more than 1000 pages", slug)
}

// saveAnswer is what a PUT got back. Status 0 means no answer (err set).
type saveAnswer struct {
	Status    int
	Revision  revision
	Merged    bool
	Unchanged bool
	Head      int // on 409
	Raw       string
	// RetryAfter is the Retry-After header of a 429 or 503, as sent.
	RetryAfter string
}

func (c *client) save(ctx context.Context, slug string, base int, title, body string) (saveAnswer, error) {
	in := map[string]any{"base": base, "title": title, "body": body, "summary": "charge"}
	status, header, data, err := c.doHeader(ctx, http.MethodPut, "/api/v1/sheets/"+slug, true, in)
	ans := saveAnswer{Status: status, Raw: string(data), RetryAfter: header.Get("Retry-After")}
	if err != nil {
		return ans, err
	}
	switch status {
	case http.StatusOK:
		var out struct {
			Revision  revision `json:"revision"`
			Merged    bool     `json:"merged"`
			Unchanged bool     `json:"unchanged"`
		}
		if err := json.Unmarshal(data, &out); err != nil {
			return ans, fmt.Errorf("decode 200 answer %q: %w", data, err)
		}
		if out.Revision.Number < 1 || len(out.Revision.SHA256) != 64 {
			return ans, fmt.Errorf("200 answer without a proper revision: %s", data)
		}
		ans.Revision, ans.Merged, ans.Unchanged = out.Revision, out.Merged, out.Unchanged
	case http.StatusConflict:
		var out struct {
			Error string `json:"error"`
			Head  int    `json:"head"`
		}
		if err := json.Unmarshal(data, &out); err != nil || out.Error != "conflict" {
			return ans, fmt.Errorf("409 answer is not a conflict: %s", data)
		}
		ans.Head = out.Head
	}
	return ans, nil
}

// readAndClose reads an answer to its end and closes it.
func readAndClose(resp *http.Response) ([]byte, error) {
	data, err := io.ReadAll(resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	return data, err
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// setLine replaces the one line starting with prefix by prefix+text. A
// missing line means someone's edit wiped another's paragraph.
func setLine(body, prefix, text string) (string, error) {
	lines := strings.Split(body, "\n")
	found := -1
	for i, l := range lines {
		if strings.HasPrefix(l, prefix) {
			if found >= 0 {
				return "", fmt.Errorf("line %q appears twice", prefix)
			}
			found = i
		}
	}
	if found < 0 {
		return "", fmt.Errorf("line %q is missing from the body", prefix)
	}
	lines[found] = prefix + text
	return strings.Join(lines, "\n"), nil
}

// lineOf returns the text after prefix on the line that starts with it.
func lineOf(body, prefix string) (string, bool) {
	for _, l := range strings.Split(body, "\n") {
		if rest, ok := strings.CutPrefix(l, prefix); ok {
			return rest, true
		}
	}
	return "", false
}

// paragraphs is a sheet body with one paragraph per owner, separated by
// blank lines so that edits of different owners merge cleanly.
func paragraphs(prefixes []string) string {
	var b strings.Builder
	b.WriteString("## Contributions\n\n")
	for _, p := range prefixes {
		b.WriteString(p + "version initiale\n\n")
	}
	b.WriteString("## Liens\n\nRien encore.\n")
	return b.String()
}

// checkHistory checks a sheet's whole history through the API: numbers
// exactly 1..head, each parent the previous number, the head consistent
// with GET sheet. It returns the revisions by number.
func checkHistory(ctx context.Context, c *client, slug string) (map[int]revision, int, []string) {
	var problems []string
	v, err := c.sheet(ctx, slug)
	if err != nil {
		return nil, 0, []string{fmt.Sprintf("%s: read sheet: %v", slug, err)}
	}
	list, err := c.revisions(ctx, slug)
	if err != nil {
		return nil, 0, []string{fmt.Sprintf("%s: list revisions: %v", slug, err)}
	}
	byNumber := make(map[int]revision, len(list))
	for i, r := range list {
		if want := v.Head - i; r.Number != want {
			problems = append(problems, fmt.Sprintf("%s: revision list position %d holds number %d, want %d (gap or duplicate)", slug, i, r.Number, want))
		}
		if _, dup := byNumber[r.Number]; dup {
			problems = append(problems, fmt.Sprintf("%s: revision %d listed twice", slug, r.Number))
		}
		byNumber[r.Number] = r
		switch {
		case r.Number == 1 && r.Parent != nil:
			problems = append(problems, fmt.Sprintf("%s: revision 1 has parent %d, want null", slug, *r.Parent))
		case r.Number > 1 && (r.Parent == nil || *r.Parent != r.Number-1):
			problems = append(problems, fmt.Sprintf("%s: revision %d has parent %v, want %d", slug, r.Number, fmtParent(r.Parent), r.Number-1))
		}
		if len(r.SHA256) != 64 {
			problems = append(problems, fmt.Sprintf("%s: revision %d has sha256 %q", slug, r.Number, r.SHA256))
		}
	}
	if len(list) != v.Head {
		problems = append(problems, fmt.Sprintf("%s: head is %d but %d revisions are listed", slug, v.Head, len(list)))
	}
	if v.Head >= 1 {
		if head, ok := byNumber[v.Head]; ok && sha(v.Body) != head.SHA256 {
			problems = append(problems, fmt.Sprintf("%s: GET sheet body does not hash to head revision %d's sha256", slug, v.Head))
		}
	}
	return byNumber, v.Head, problems
}

func fmtParent(p *int) string {
	if p == nil {
		return "null"
	}
	return strconv.Itoa(*p)
}

// envInt reads a positive integer setting for longer nightly runs.
func envInt(t testing.TB, name string, def int) int {
	t.Helper()
	raw := os.Getenv(name)
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive integer", name, raw)
	}
	return n
}

// problems gathers failures from many goroutines and reports the first
// ones with a total, so one broken invariant does not flood the output.
type problems struct {
	mu   sync.Mutex
	list []string
}

func (p *problems) add(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.list = append(p.list, fmt.Sprintf(format, args...))
}

func (p *problems) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.list)
}

func (p *problems) report(t testing.TB, what string) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.list) == 0 {
		return
	}
	shown := p.list
	if len(shown) > 20 {
		shown = shown[:20]
	}
	t.Errorf("%s: %d problem(s), first ones:\n  %s", what, len(p.list), strings.Join(shown, "\n  "))
}

// serverTrouble are log fragments that never belong in a healthy run: an
// internal error behind a 5xx, a panic, SQLite's lock timeout, and the
// race detector's report when the server is built with ATLAS_STRESS_RACE=1.
var serverTrouble = []string{"request failed", "panic", "database is locked", "sqlite_busy", "data race"}

// logLines returns the lines of a server log that contain any needle,
// case-insensitively.
func logLines(log string, needles ...string) []string {
	var out []string
	for _, l := range strings.Split(log, "\n") {
		low := strings.ToLower(l)
		for _, n := range needles {
			if strings.Contains(low, strings.ToLower(n)) {
				out = append(out, l)
				break
			}
		}
	}
	return out
}
