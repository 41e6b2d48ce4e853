package stress_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The steady load of the hostile suite, and what watches the server: the
// readers, the writers, the /healthz poll and the memory sampler. Each has
// its own connections, so an attacker's cannot stand in for theirs.

// readSample is one read: when it was due, how long it took from then.
type readSample struct {
	due time.Time
	d   time.Duration
	ok  bool
}

type readerLoad struct {
	wg      sync.WaitGroup
	mu      sync.Mutex
	samples []readSample
	failure string // the first failed read
}

// runReaders starts anonymous readers, each reading one page every
// readerEvery from start to end. A read's time counts from when it was due,
// not when it was sent: a server that stalls holds up every read due
// meanwhile, as it would hold up readers arriving at a steady rate, and
// those reads all count (no coordinated omission).
func runReaders(base string, paths []string, start, end time.Time) *readerLoad {
	l := &readerLoad{}
	hc := &http.Client{Timeout: readerTimeout, Transport: &http.Transport{
		MaxIdleConnsPerHost: hostileReaders, DisableCompression: true,
	}}
	for r := 0; r < hostileReaders; r++ {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			due := start.Add(readerEvery * time.Duration(r) / hostileReaders)
			for i := r; due.Before(end); i++ {
				time.Sleep(time.Until(due))
				path := paths[i%len(paths)]
				err := readPage(hc, base+path)
				l.mu.Lock()
				l.samples = append(l.samples, readSample{due: due, d: time.Since(due), ok: err == nil})
				if err != nil && l.failure == "" {
					l.failure = fmt.Sprintf("GET %s: %v", path, err)
				}
				l.mu.Unlock()
				due = due.Add(readerEvery)
			}
		}()
	}
	return l
}

func readPage(hc *http.Client, url string) error {
	resp, err := hc.Get(url)
	if err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		_ = resp.Body.Close()
		return err
	}
	if err := resp.Body.Close(); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

func (l *readerLoad) wait() { l.wg.Wait() }

// split returns the reads' times before and after the attack began, and
// how many reads failed (their time counts too).
func (l *readerLoad) split(attackAt time.Time) (quiet, attack []time.Duration, fails int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.samples {
		if s.due.Before(attackAt) {
			quiet = append(quiet, s.d)
		} else {
			attack = append(attack, s.d)
		}
		if !s.ok {
			fails++
		}
	}
	return quiet, attack, fails
}

func (l *readerLoad) firstFailure() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.failure
}

// p99 is the 99th percentile (nearest rank); 0 for no samples.
func p99(list []time.Duration) time.Duration {
	if len(list) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), list...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[(len(s)*99+99)/100-1]
}

// warmPages reads each page once, so the quiet phase measures the page
// cache rather than its first fill.
func warmPages(t *testing.T, base string, paths []string) {
	t.Helper()
	hc := &http.Client{Timeout: time.Minute}
	for _, p := range paths {
		if err := readPage(hc, base+p); err != nil {
			t.Fatalf("warming %s: %v", p, err)
		}
	}
	hc.CloseIdleConnections()
}

// writerAccount is a signed-in writer: its token, and its own sheet and
// line, so writers never conflict with each other (a 409 would still be
// retried).
type writerAccount struct {
	name, token, slug, prefix string
}

type writerAck struct {
	writer int
	slug   string
	number int
	sha    string
	at     time.Time
}

type writerResult struct {
	acks                    []writerAck
	refused, other, unknown int
	firstFailure            string
}

type writerLoad struct {
	wg  sync.WaitGroup
	mu  sync.Mutex
	res writerResult
}

// runWriters starts one writer per account, each saving its line through
// the API every writerEvery until end: read the head, save on it. A 409 is
// read and saved again; a 429 or 503 waits as long as Retry-After says (at
// most 5 s) and tries again, as a careful client does; a save with no
// answer has an unknown fate and is not counted as acknowledged.
func runWriters(base string, accounts []writerAccount, end time.Time) *writerLoad {
	l := &writerLoad{}
	for w, acc := range accounts {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			c := newClient(base, acc.token)
			defer c.close()
			for n := 1; time.Now().Before(end); n++ {
				next := time.Now().Add(writerEvery)
				l.saveOnce(c, w, acc, fmt.Sprintf("save %d at %s", n, time.Now().Format("15:04:05.000")), end)
				time.Sleep(time.Until(next))
			}
		}()
	}
	return l
}

// saveOnce tries one save until it is acknowledged or end has passed.
func (l *writerLoad) saveOnce(c *client, w int, acc writerAccount, text string, end time.Time) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for time.Now().Before(end) {
		v, err := c.sheet(ctx, acc.slug)
		if err != nil {
			var se *statusError
			if errors.As(err, &se) && (se.status == http.StatusTooManyRequests || se.status == http.StatusServiceUnavailable) {
				l.count(func(r *writerResult) { r.refused++ })
				waitRetry("", end)
				continue
			}
			l.fail(fmt.Sprintf("writer %d: read: %v", w, err), false)
			return
		}
		body, err := setLine(v.Body, acc.prefix, text)
		if err != nil {
			l.fail(fmt.Sprintf("writer %d: %v", w, err), false)
			return
		}
		ans, err := c.save(ctx, acc.slug, v.Head, v.Title, body)
		switch {
		case err != nil:
			l.fail(fmt.Sprintf("writer %d: save: %v (status %d)", w, err, ans.Status), ans.Status == 0)
			return
		case ans.Status == http.StatusOK && !ans.Unchanged:
			l.mu.Lock()
			l.res.acks = append(l.res.acks, writerAck{writer: w, slug: acc.slug, number: ans.Revision.Number, sha: ans.Revision.SHA256, at: time.Now()})
			l.mu.Unlock()
			return
		case ans.Status == http.StatusConflict:
			continue
		case ans.Status == http.StatusTooManyRequests || ans.Status == http.StatusServiceUnavailable:
			l.count(func(r *writerResult) { r.refused++ })
			waitRetry(ans.RetryAfter, end)
		default:
			l.fail(fmt.Sprintf("writer %d: save answered %d: %.200s", w, ans.Status, ans.Raw), false)
			return
		}
	}
}

func (l *writerLoad) count(f func(*writerResult)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f(&l.res)
}

func (l *writerLoad) fail(what string, unanswered bool) {
	l.count(func(r *writerResult) {
		if unanswered {
			r.unknown++
		} else {
			r.other++
		}
		if r.firstFailure == "" {
			r.firstFailure = what
		}
	})
}

// waitRetry sleeps as long as a Retry-After in seconds says, 250 ms when
// it says nothing, never more than 5 s nor past end.
func waitRetry(retryAfter string, end time.Time) {
	wait := 250 * time.Millisecond
	if s, err := strconv.Atoi(strings.TrimSpace(retryAfter)); err == nil && s >= 0 {
		wait = min(time.Duration(s)*time.Second, 5*time.Second)
	}
	time.Sleep(min(wait, time.Until(end)))
}

func (l *writerLoad) wait() { l.wg.Wait() }

func (l *writerLoad) result() writerResult {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.res
	r.acks = append([]writerAck(nil), l.res.acks...)
	return r
}

// verifyWriterAcks looks every acknowledged save up in its sheet's history:
// the revision it was given must be there with the body it acknowledged.
// It returns how many are missing and every problem found.
func verifyWriterAcks(ctx context.Context, base string, accounts []writerAccount, acks []writerAck) (int, []string) {
	var problems []string
	lost := 0
	for w, acc := range accounts {
		c := newClient(base, acc.token)
		byNumber, _, hist := checkHistory(ctx, c, acc.slug)
		c.close()
		problems = append(problems, hist...)
		if byNumber == nil {
			continue
		}
		for _, a := range acks {
			if a.writer != w {
				continue
			}
			switch r, ok := byNumber[a.number]; {
			case !ok:
				lost++
				problems = append(problems, fmt.Sprintf("%s: acknowledged revision %d is not in the history", a.slug, a.number))
			case r.SHA256 != a.sha:
				lost++
				problems = append(problems, fmt.Sprintf("%s: revision %d hashes to %s, the save acknowledged %s", a.slug, a.number, r.SHA256, a.sha))
			}
		}
	}
	return lost, problems
}

// healthPoll asks /healthz every healthEvery on a connection of its own.
type healthPoll struct {
	done    chan struct{}
	mu      sync.Mutex
	polls   int
	fails   int
	slowest time.Duration
	first   string
}

func pollHealth(ctx context.Context, base string) *healthPoll {
	h := &healthPoll{done: make(chan struct{})}
	hc := &http.Client{Timeout: healthTimeout, Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	go func() {
		defer close(h.done)
		defer hc.CloseIdleConnections()
		tick := time.NewTicker(healthEvery)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			began := time.Now()
			err := askHealth(hc, base)
			took := time.Since(began)
			if ctx.Err() != nil && err != nil {
				return // stopped mid-poll: not the server's doing
			}
			h.mu.Lock()
			h.polls++
			h.slowest = max(h.slowest, took)
			if err != nil {
				h.fails++
				if h.first == "" {
					h.first = fmt.Sprintf("%s: %v", began.Format("15:04:05.000"), err)
				}
			}
			h.mu.Unlock()
		}
	}()
	return h
}

func askHealth(hc *http.Client, base string) error {
	resp, err := hc.Get(base + "/healthz")
	if err != nil {
		return err
	}
	body, err := readAndClose(resp)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || string(body) != "ok" {
		return fmt.Errorf("status %d: %.100s", resp.StatusCode, body)
	}
	return nil
}

func (h *healthPoll) result() (polls, fails int, slowest time.Duration) {
	<-h.done
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.polls, h.fails, h.slowest
}

func (h *healthPoll) firstFailure() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.first
}

// memoryWatch samples the server's resident memory from /proc every
// memoryEvery; VmHWM, the kernel's own peak, catches what falls between
// two samples.
type memoryWatch struct {
	done    chan struct{}
	mu      sync.Mutex
	highest int64
}

func watchMemory(ctx context.Context, pid int) *memoryWatch {
	m := &memoryWatch{done: make(chan struct{})}
	path := fmt.Sprintf("/proc/%d/status", pid)
	go func() {
		defer close(m.done)
		tick := time.NewTicker(memoryEvery)
		defer tick.Stop()
		for {
			rss, hwm := readMemory(path)
			m.mu.Lock()
			m.highest = max(m.highest, rss, hwm)
			m.mu.Unlock()
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return m
}

// peak waits for the sampler to stop and returns the highest figure seen.
func (m *memoryWatch) peak() int64 {
	<-m.done
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.highest
}

// readMemory returns VmRSS and VmHWM in bytes (0 once the process is gone).
func readMemory(path string) (rss, hwm int64) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, 0
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), ":")
		if !ok || (key != "VmRSS" && key != "VmHWM") {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			continue
		}
		if key == "VmRSS" {
			rss = kb << 10
		} else {
			hwm = kb << 10
		}
	}
	return rss, hwm
}
