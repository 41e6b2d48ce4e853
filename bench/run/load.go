package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
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
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
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
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}
