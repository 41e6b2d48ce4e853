package stress_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The attacks of issue 13. Each keeps going until its context ends, counts
// every answer it gets, and takes any refusal (413, 429, 503, a closed
// connection) as the server's right: only the readers, the writers and
// /healthz are judged.
const (
	loginAttackers  = 200
	bodyAttackers   = 100
	bodyBytes       = 8 << 20
	searchAttackers = 20
	flashAttackers  = 20
	commentPosters  = 8
	commentCount    = 2000
	streamOpeners   = 32
	streamCount     = 3000
)

func hostileAttacks() []hostileAttack {
	return []hostileAttack{
		{
			name: "login-flood",
			what: fmt.Sprintf("%d parallel logins, unknown names, a new address each (X-Forwarded-For from the trusted proxy)", loginAttackers),
			// The server believes X-Forwarded-For from 127.0.0.1 only for
			// this attack, so every attempt comes from a distinct address
			// and no per-address throttle stops it.
			env: []string{"ATLAS_TRUSTED_PROXY=127.0.0.1"},
			run: loginFlood,
		},
		{
			name: "big-bodies",
			what: fmt.Sprintf("%d parallel anonymous POSTs of %d MiB to random URLs", bodyAttackers, bodyBytes>>20),
			run:  bigBodies,
		},
		{
			name: "search-cpu",
			what: fmt.Sprintf("%d anonymous searchers, words found in all %d sheets of %d KB", searchAttackers, searchSheets, searchBytes/1000),
			seed: (*hostileFixture).seedSearch,
			run:  searchFlood,
		},
		{
			name: "flash-bypass",
			what: fmt.Sprintf("%d clients with a forged atlas_flash cookie on the diff of two %d KB revisions", flashAttackers, diffBytes/1000),
			seed: (*hostileFixture).seedDiff,
			run:  flashBypass,
		},
		{
			name:  "comment-flood",
			what:  fmt.Sprintf("one account posting %d comments (%d at a time) on the page the readers read", commentCount, commentPosters),
			reads: func(fx *hostileFixture) []string { return []string{"/sheets/" + fx.commentSlug} },
			run:   commentFlood,
		},
		{
			name: "stream-hoard",
			what: fmt.Sprintf("one account opening %d event streams on a writer's sheet", streamCount),
			run:  streamHoard,
		},
	}
}

// attackClient is an attacker's own HTTP client: as many connections as
// it has goroutines, no time limit but the attack's context.
func attackClient(conns int) *http.Client {
	return &http.Client{
		Transport: &http.Transport{MaxIdleConnsPerHost: conns, DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// send makes one attack request and counts its answer; a request cut
// short by the attack's end is counted apart.
func (at *attackTarget) send(ctx context.Context, hc *http.Client, req *http.Request) (int, []byte) {
	resp, err := hc.Do(req.WithContext(ctx))
	if err != nil {
		at.failed(ctx, err)
		return 0, nil
	}
	body, err := readAndClose(resp)
	if err != nil && ctx.Err() != nil {
		at.tally.mark(unfinished)
		return 0, nil
	}
	at.tally.add(resp.StatusCode, err)
	return resp.StatusCode, body
}

// failed counts a request that got no answer. The attacker then pauses
// 20 ms: a server that drops connections at once (a body limit, say)
// would otherwise be asked for thousands of new ones a second, and the
// ports they churn through are the whole machine's.
func (at *attackTarget) failed(ctx context.Context, err error) {
	if ctx.Err() != nil {
		at.tally.mark(unfinished)
		return
	}
	at.tally.add(0, err)
	time.Sleep(20 * time.Millisecond)
}

// forEach runs n copies of f and waits for them.
func forEach(n int, f func(i int)) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(i)
		}()
	}
	wg.Wait()
}

// loginFlood: each attacker takes the login form once (its session and
// CSRF token), then posts unknown names with wrong passwords, every one
// from a new address.
func loginFlood(ctx context.Context, at *attackTarget) error {
	hc := attackClient(loginAttackers)
	defer hc.CloseIdleConnections()
	var n atomic.Int64
	forEach(loginAttackers, func(int) {
		var form loginForm
		for ctx.Err() == nil {
			if form.csrf == "" {
				var err error
				if form, err = getLoginForm(ctx, hc, at.base); err != nil {
					at.failed(ctx, err)
					continue
				}
			}
			k := n.Add(1)
			values := url.Values{"_csrf": {form.csrf}, "username": {fmt.Sprintf("inconnu-%d", k)}, "password": {fmt.Sprintf("devine-%d", k)}}
			req, _ := http.NewRequest(http.MethodPost, at.base+"/login", strings.NewReader(values.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", k>>16&255, k>>8&255, k&255))
			for _, c := range form.cookies {
				req.AddCookie(c)
			}
			if status, _ := at.send(ctx, hc, req); status == http.StatusForbidden {
				form.csrf = "" // the form's token went stale: take it again
			}
		}
	})
	judged := at.tally.count("401") + at.tally.count("429") + at.tally.count("503")
	if judged == 0 {
		return errors.New("no login attempt was answered 401, 429 or 503: " + at.tally.String())
	}
	return nil
}

type loginForm struct {
	csrf    string
	cookies []*http.Cookie
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func getLoginForm(ctx context.Context, hc *http.Client, base string) (loginForm, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/login", nil)
	if err != nil {
		return loginForm{}, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return loginForm{}, err
	}
	page, err := readAndClose(resp)
	if err != nil {
		return loginForm{}, err
	}
	m := csrfField.FindSubmatch(page)
	if m == nil || len(resp.Cookies()) == 0 {
		return loginForm{}, fmt.Errorf("GET /login: status %d, no form", resp.StatusCode)
	}
	return loginForm{csrf: string(m[1]), cookies: resp.Cookies()}, nil
}

// bigBodies posts bodyBytes of nothing, again and again, to made-up
// addresses: pages, API routes, nothing at all.
func bigBodies(ctx context.Context, at *attackTarget) error {
	hc := attackClient(bodyAttackers)
	defer hc.CloseIdleConnections()
	payload := bytes.Repeat([]byte("A"), bodyBytes)
	forEach(bodyAttackers, func(i int) {
		rng := rand.New(rand.NewPCG(uint64(i), 7)) //nolint:gosec // G115: i counts attackers from 0
		shapes := []string{"/%x", "/sheets/%x/comments", "/api/v1/sheets/%x", "/%x/edit"}
		for ctx.Err() == nil {
			path := fmt.Sprintf(shapes[rng.IntN(len(shapes))], rng.Uint64())
			req, _ := http.NewRequest(http.MethodPost, at.base+path, bytes.NewReader(payload))
			req.Header.Set("Content-Type", "application/octet-stream")
			at.send(ctx, hc, req)
		}
	})
	return nil
}

// searchFlood searches, anonymously, for words every large sheet holds,
// asking for a hundred results.
func searchFlood(ctx context.Context, at *attackTarget) error {
	var probe struct {
		Results []json.RawMessage `json:"results"`
	}
	c := newClient(at.base, "")
	defer c.close()
	status, data, err := c.do(ctx, http.MethodGet, "/api/v1/search?limit=100&q="+url.QueryEscape(commonWords[0]), false, nil)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("status %d: %.200s", status, data)
	}
	if err == nil {
		err = json.Unmarshal(data, &probe)
	}
	if err != nil {
		return fmt.Errorf("probe search: %w", err)
	}
	if len(probe.Results) < searchSheets {
		return fmt.Errorf("a search for %q finds %d sheets, want all %d large ones", commonWords[0], len(probe.Results), searchSheets)
	}
	hc := attackClient(searchAttackers)
	defer hc.CloseIdleConnections()
	forEach(searchAttackers, func(i int) {
		rng := rand.New(rand.NewPCG(uint64(i), 11)) //nolint:gosec // G115: i counts attackers from 0
		for ctx.Err() == nil {
			q := commonWords[rng.IntN(len(commonWords))]
			if rng.IntN(2) == 0 {
				q += " " + commonWords[rng.IntN(len(commonWords))]
			}
			req, _ := http.NewRequest(http.MethodGet, at.base+"/search?limit=100&q="+url.QueryEscape(q), nil)
			at.send(ctx, hc, req)
		}
	})
	return nil
}

// flashBypass asks for the large diff page with a made-up flash message,
// which today makes the page cache step aside.
func flashBypass(ctx context.Context, at *attackTarget) error {
	path := "/sheets/" + at.fx.diffSlug + "/diff?from=1&to=2"
	hc := attackClient(flashAttackers)
	defer hc.CloseIdleConnections()
	forEach(flashAttackers, func(int) {
		for ctx.Err() == nil {
			req, _ := http.NewRequest(http.MethodGet, at.base+path, nil)
			req.AddCookie(&http.Cookie{Name: "atlas_flash", Value: "success:logged_in"})
			at.send(ctx, hc, req)
		}
	})
	if at.tally.count("200") == 0 {
		return errors.New("the diff page never answered 200: " + at.tally.String())
	}
	return nil
}

// commentFlood posts commentCount comments from one account, several at a
// time, on the sheet the readers read.
func commentFlood(ctx context.Context, at *attackTarget) error {
	c := newClient(at.base, at.fx.intruderToken)
	defer c.close()
	var reserved atomic.Int64
	path := "/api/v1/sheets/" + at.fx.commentSlug + "/comments"
	forEach(commentPosters, func(int) {
		for ctx.Err() == nil {
			k := reserved.Add(1)
			if k > commentCount {
				return
			}
			body := fmt.Sprintf("Commentaire %d : %s", k, strings.Repeat("encore un avis sur cette fiche, ", 8))
			status, _, err := c.do(ctx, http.MethodPost, path, true, map[string]any{"body": body})
			if ctx.Err() != nil {
				at.tally.mark(unfinished)
				return
			}
			at.tally.add(status, err)
			if status != http.StatusCreated {
				reserved.Add(-1)
			}
		}
	})
	return nil
}

// streamHoard signs the intruder in once and opens event streams on the
// first writer's sheet until streamCount are open, holding every one and
// reading none. A refused stream is asked for again 100 ms later: a
// hoarder, not a flood of refusals.
func streamHoard(ctx context.Context, at *attackTarget) error {
	session, err := signIn(ctx, at.base, intruderName, accountPassword)
	if err != nil {
		return err
	}
	hc := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	defer hc.CloseIdleConnections()
	var (
		open atomic.Int64
		mu   sync.Mutex
		held []io.Closer
	)
	path := "/sheets/" + at.fx.writers[0].slug + "/events?editing=1"
	forEach(streamOpeners, func(int) {
		for ctx.Err() == nil && open.Load() < streamCount {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, at.base+path, nil)
			req.AddCookie(session)
			resp, err := hc.Do(req)
			if err != nil {
				at.failed(ctx, err)
				continue
			}
			at.tally.add(resp.StatusCode, nil)
			if resp.StatusCode == http.StatusOK {
				open.Add(1)
				mu.Lock()
				held = append(held, resp.Body)
				mu.Unlock()
				continue
			}
			_, _ = readAndClose(resp)
			time.Sleep(100 * time.Millisecond)
		}
	})
	<-ctx.Done()
	mu.Lock()
	for _, b := range held {
		_ = b.Close()
	}
	mu.Unlock()
	if open.Load() == 0 {
		return errors.New("no event stream opened: " + at.tally.String())
	}
	return nil
}

// signIn posts the login form and returns the session cookie.
func signIn(ctx context.Context, base, username, password string) (*http.Cookie, error) {
	hc := attackClient(1)
	defer hc.CloseIdleConnections()
	form, err := getLoginForm(ctx, hc, base)
	if err != nil {
		return nil, err
	}
	values := url.Values{"_csrf": {form.csrf}, "username": {username}, "password": {password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(values.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range form.cookies {
		req.AddCookie(c)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	if _, err := readAndClose(resp); err != nil {
		return nil, err
	}
	for _, c := range resp.Cookies() {
		if c.Name == "atlas_session" && c.Value != "" && resp.StatusCode == http.StatusSeeOther {
			return c, nil
		}
	}
	return nil, fmt.Errorf("login as %s: status %d, no session", username, resp.StatusCode)
}

// forwardedHostStaysOut sends /map.geojson requests with a forged
// X-Forwarded-Host from a peer the server does not trust, then checks
// that the answers plain readers get (the cached map) link only to the
// server itself. Correctness, not load.
func forwardedHostStaysOut(t *testing.T, fx *hostileFixture) {
	srv := startServerEnv(t, fx.d, "GOMEMLIMIT="+hostileMemLimit)
	hc := &http.Client{Timeout: 30 * time.Second}
	defer hc.CloseIdleConnections()
	get := func(path, forged string) string {
		req, _ := http.NewRequest(http.MethodGet, srv.base+path, nil)
		if forged != "" {
			req.Header.Set("X-Forwarded-Host", forged)
			req.Header.Set("X-Forwarded-Proto", "https")
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		body, err := readAndClose(resp)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s (forged host %q): %d %v", path, forged, resp.StatusCode, err)
		}
		return string(body)
	}
	links := regexp.MustCompile(`https?://[^"\s\\]+`)
	for _, path := range []string{"/map.geojson", "/api/v1/map.geojson"} {
		for round := 0; round < 2; round++ {
			// Forged first, so that a cache keyed without the host would
			// keep the forged answer and hand it to the plain reader.
			for i := 0; i < 3; i++ {
				// Forwarded headers are believed only from the trusted
				// proxy: not even the forger's own answer names its host.
				if forged := get(path, fmt.Sprintf("pirate-%d.example", i)); strings.Contains(forged, "pirate-") {
					t.Errorf("%s: the forger's own answer links to the forged host", path)
				}
			}
			plain := get(path, "")
			// Without ATLAS_BASE_URL the links are relative.
			if !strings.Contains(plain, `"/sheets/`+fx.mapSlug+`"`) {
				t.Fatalf("%s does not link the sheet with a place (/sheets/%s): %.300s", path, fx.mapSlug, plain)
			}
			for _, l := range links.FindAllString(plain, -1) {
				if !strings.HasPrefix(l, srv.base+"/") {
					t.Errorf("%s, round %d: a plain reader's answer links off-site: %s", path, round+1, l)
				}
			}
		}
	}
}
