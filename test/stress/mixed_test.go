package stress_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestMixedLoadSQLite reads (80 %) and saves (20 %) at once on SQLite, the
// default deployment, where readers and the single writer share one file:
// no 5xx, and never "database is locked" in the server log.
func TestMixedLoadSQLite(t *testing.T) {
	seconds := 10
	if testing.Short() {
		seconds = 3
	}
	seconds = envInt(t, "ATLAS_MIXED_SECONDS", seconds)
	d := database{name: "sqlite", dataDir: t.TempDir()}
	token := d.account(t, "melange")
	srv := startServer(t, d)
	c := newClient(srv.base, token)
	ctx := context.Background()

	const (
		workers = 24
		sheets  = 4
	)
	prefixes := make([]string, workers)
	for w := range prefixes {
		prefixes[w] = fmt.Sprintf("worker-%02d: ", w)
	}
	slugs := make([]string, sheets)
	for s := range slugs {
		slug, _, err := c.createSheet(ctx, fmt.Sprintf("Fiche lue et écrite %d", s), paragraphs(prefixes))
		if err != nil {
			t.Fatal(err)
		}
		slugs[s] = slug
	}

	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	var (
		bad      problems
		mu       sync.Mutex
		statuses = map[string]int{} // "kind status" → count
		saved    atomic.Int64
		wg       sync.WaitGroup
	)
	count := func(kind string, status int) {
		mu.Lock()
		statuses[fmt.Sprintf("%s %d", kind, status)]++
		mu.Unlock()
	}
	began := time.Now()
	stopAt := began.Add(time.Duration(seconds) * time.Second)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(w))) //nolint:gosec // G115: w counts workers from 0
			for op := 0; op < 1_000_000 && time.Now().Before(stopAt); op++ {
				slug := slugs[rng.IntN(sheets)]
				r := rng.IntN(100)
				if r < 80 {
					var path, kind string
					auth := rng.IntN(2) == 0
					switch r % 4 {
					case 0, 1:
						path, kind = "/api/v1/sheets/"+slug, "api"
					case 2:
						path, kind = "/sheets/"+slug, "page"
					default:
						path, kind = "/sheets/"+slug+"/history", "history"
					}
					// Pages are for people; a token only matters to the API.
					status, body, err := c.do(ctx, http.MethodGet, path, auth && kind == "api", nil)
					if err != nil {
						bad.add("GET %s: %v", path, err)
						continue
					}
					count(kind, status)
					if status != http.StatusOK {
						bad.add("GET %s: status %d: %.200s", path, status, body)
					}
					continue
				}
				v, err := c.sheet(ctx, slug)
				if err != nil {
					bad.add("read before save: %v", err)
					continue
				}
				body, err := setLine(v.Body, prefixes[w], fmt.Sprintf("op %d", op))
				if err != nil {
					bad.add("head %d of %s: %v", v.Head, slug, err)
					continue
				}
				ans, err := c.save(ctx, slug, v.Head, v.Title, body)
				if err != nil {
					bad.add("save: %v (status %d)", err, ans.Status)
					continue
				}
				count("save", ans.Status)
				switch ans.Status {
				case http.StatusOK:
					saved.Add(1)
				case http.StatusConflict:
					// Own lines merge cleanly; tolerated, but counted above.
				default:
					bad.add("save answered %d: %.300s", ans.Status, ans.Raw)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(began)
	if elapsed > time.Duration(seconds)*time.Second+time.Minute {
		bad.add("load of %d s took %v: requests hung", seconds, elapsed)
	}

	for _, slug := range slugs {
		_, _, hist := checkHistory(ctx, c, slug)
		for _, p := range hist {
			bad.add("history: %s", p)
		}
	}
	srv.stopClean(t, c)
	log := srv.log.String()
	for _, l := range logLines(log, serverTrouble...) {
		bad.add("server log: %s", l)
	}

	var keys []string
	reads := 0
	for k, n := range statuses {
		keys = append(keys, fmt.Sprintf("%s=%d", k, n))
		if !strings.HasPrefix(k, "save") {
			reads += n
		}
	}
	sort.Strings(keys)
	t.Logf("%v of mixed load, %d workers: %d reads, %d saves acknowledged (%.0f req/s); %s",
		elapsed.Round(time.Millisecond), workers, reads, saved.Load(),
		float64(reads+int(saved.Load()))/elapsed.Seconds(), strings.Join(keys, " "))
	if reads == 0 || saved.Load() == 0 {
		bad.add("the load did not run: %d reads, %d saves", reads, saved.Load())
	}
	bad.report(t, "mixed load")
}
