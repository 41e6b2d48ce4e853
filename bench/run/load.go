package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// result is one scenario's measure.
type result struct {
	Name     string
	Requests int
	Errors   int
	Status   map[int]int
	RPS      float64
	P50, P95 time.Duration
	P99      time.Duration
	Tool     string // "wrk", or "" for the Go generator
}

// request builds the next request of a connection; n counts its answers so
// far with status 200 (saves use it as their base revision).
type request func(conn, n int) *http.Request

// drive runs conns keep-alive connections against the server for d and
// measures every answer. Only the loopback is ever targeted: callers build
// URLs from the servers this program started.
func drive(name string, conns int, d time.Duration, next request) result {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}}
	var mu sync.Mutex
	var lat []time.Duration
	status := map[int]int{}
	errors := 0
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for w := 0; w < conns; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			local := make([]time.Duration, 0, 8192)
			ls := map[int]int{}
			le, ok := 0, 0
			for time.Now().Before(deadline) {
				req := next(w, ok)
				start := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					le++
					continue
				}
				if discard(resp) != nil {
					le++
					continue
				}
				local = append(local, time.Since(start))
				ls[resp.StatusCode]++
				if resp.StatusCode == http.StatusOK {
					ok++
				}
			}
			mu.Lock()
			lat = append(lat, local...)
			for k, v := range ls {
				status[k] += v
			}
			errors += le
			mu.Unlock()
		}(w)
	}
	wg.Wait()
	client.CloseIdleConnections()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[int(float64(len(lat)-1)*p)]
	}
	return result{Name: name, Requests: len(lat), Errors: errors, Status: status, RPS: float64(len(lat)) / d.Seconds(),
		P50: pct(0.5), P95: pct(0.95), P99: pct(0.99)}
}

func get(url string, headers map[string]string) request {
	return func(int, int) *http.Request {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		return req
	}
}

// apiCall sends one JSON request during setup.
func apiCall(method, url, token string, body any, out any) error {
	var r io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		r = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, url, r)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, url, err)
	}
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// discard reads an answer to its end, so that its connection is reused,
// and closes it.
func discard(resp *http.Response) error {
	_, err := io.Copy(io.Discard, resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	return err
}

// wrkScript makes wrk print what the report needs on one line.
const wrkScript = `done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
`

// driveGet measures a fixed GET. With wrk installed (Debian's package) it
// is the load tool: written in C, it leaves the server as the bottleneck,
// where the Go generator saturates its own core first and so flattens
// every ratio toward 1. Without wrk, the Go generator.
func driveGet(name string, conns int, d time.Duration, url string, headers map[string]string) result {
	path, err := exec.LookPath("wrk")
	if err != nil {
		return drive(name, conns, d, get(url, headers))
	}
	script := filepath.Join(os.TempDir(), "atlas-bench-wrk.lua")
	if err := os.WriteFile(script, []byte(wrkScript), 0o600); err != nil {
		log.Fatal(err)
	}
	args := []string{"-t1", "-c" + strconv.Itoa(conns), "-d" + strconv.Itoa(int(d.Seconds())) + "s", "-s", script}
	for k, v := range headers {
		args = append(args, "-H", k+": "+v)
	}
	out, err := exec.Command(path, append(args, url)...).CombinedOutput()
	if err != nil {
		log.Fatalf("wrk: %v\n%s", err, out)
	}
	var n, micros, p50, p95, p99, transport, non2xx int64
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "WRK ") {
			if _, err := fmt.Sscanf(line, "WRK %d %d %d %d %d %d %d", &n, &micros, &p50, &p95, &p99, &transport, &non2xx); err != nil {
				log.Fatalf("wrk summary %q: %v", line, err)
			}
		}
	}
	if micros == 0 {
		log.Fatalf("wrk printed no summary:\n%s", out)
	}
	// wrk counts answers, not statuses: the answers a GET scenario expects
	// are all of one kind, and any other is counted apart.
	status := map[int]int{0: int(n - non2xx)}
	if non2xx > 0 {
		status[-1] = int(non2xx)
	}
	return result{Name: name, Requests: int(n), Errors: int(transport), Status: status,
		RPS: float64(n) / (float64(micros) / 1e6), P50: time.Duration(p50) * time.Microsecond,
		P95: time.Duration(p95) * time.Microsecond, P99: time.Duration(p99) * time.Microsecond, Tool: "wrk"}
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// sessionCookie logs in through the login form, as a person does, and
// returns the Cookie header that carries the session.
func sessionCookie(base, username, password string) (string, error) {
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(base + "/login")
	if err != nil {
		return "", err
	}
	page, err := io.ReadAll(resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	m := csrfField.FindSubmatch(page)
	if m == nil {
		return "", fmt.Errorf("no login form at %s/login", base)
	}
	form := url.Values{"_csrf": {html.UnescapeString(string(m[1]))}, "username": {username}, "password": {password}}
	req, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range resp.Cookies() {
		req.AddCookie(c)
	}
	resp, err = noRedirect.Do(req)
	if err != nil {
		return "", err
	}
	if err := discard(resp); err != nil {
		return "", err
	}
	for _, c := range resp.Cookies() {
		if c.Name == "atlas_session" && c.Value != "" && resp.StatusCode == http.StatusSeeOther {
			return c.Name + "=" + c.Value, nil
		}
	}
	return "", fmt.Errorf("login as %s: %d, no session", username, resp.StatusCode)
}
