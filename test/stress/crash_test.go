package stress_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"atlas/internal/db"
)

const (
	crashClients = 10
	crashSheets  = 3
)

// ack is a save the server acknowledged with a 200: it must survive any
// crash that comes after.
type ack struct {
	slug   string
	number int
	sha    string // as the server returned it: after a merge it is not the sent body's
	line   string // the client's own line, which must be in the stored body
	merged bool
	cycle  int
}

// crashStats is what the load of one cycle did.
type crashStats struct {
	acks           []ack
	puts           int
	conflicts      int
	merged         int
	interrupted    int // PUTs that got no answer because the server died
	inFlightAtKill int
}

// TestCrashLoopLosesNoAcknowledgedRevision kills the server with SIGKILL
// while ten clients save, restarts it, and checks that every acknowledged
// revision is there byte for byte and that histories have no gap.
func TestCrashLoopLosesNoAcknowledgedRevision(t *testing.T) {
	cycles := 20
	if testing.Short() {
		cycles = 3
	}
	cycles = envInt(t, "ATLAS_CRASH_CYCLES", cycles)
	eachDatabase(t, func(t *testing.T, d database) { crashLoop(t, d, cycles) })
}

func crashLoop(t *testing.T, d database, cycles int) {
	began := time.Now()
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 0))
	t.Logf("kill delays from seed %d", seed)
	token := d.account(t, "crash")
	ctx := context.Background()

	// Sheets with one paragraph line per client, created on a first server
	// that is stopped cleanly.
	srv := startServer(t, d)
	c := newClient(srv.base, token)
	slugs, acks := createCrashSheets(t, c)
	srv.stopClean(t, c)

	var total crashStats
	killsMidLoad, idleCycles, checked := 0, 0, 0
	// A hard bound on the whole loop, far above the expected ~1.5 s a
	// cycle, so a hung server fails the test instead of stalling CI.
	limit := time.Duration(cycles)*20*time.Second + time.Minute
	for cycle := 1; cycle <= cycles; cycle++ {
		if time.Since(began) > limit {
			t.Fatalf("crash loop still running after %v (cycle %d of %d)", time.Since(began), cycle, cycles)
		}
		srv := startServer(t, d)
		c := newClient(srv.base, token)
		if bad := verifyAcks(ctx, c, slugs, acks, checked); len(bad) > 0 {
			t.Fatalf("after restart %d:\n  %s", cycle, strings.Join(bad, "\n  "))
		}
		checked = len(acks)

		delay := time.Duration(100+rng.IntN(501)) * time.Millisecond
		var bad problems
		st := crashCycle(c, slugs, cycle, delay, &bad, srv.kill)
		c.close()
		for _, l := range logLines(srv.log.String(), serverTrouble...) {
			bad.add("server log: %s", l)
		}
		bad.report(t, fmt.Sprintf("cycle %d", cycle))
		if t.Failed() {
			t.Logf("server log of cycle %d:\n%s", cycle, srv.log.String())
			t.FailNow()
		}
		if st.inFlightAtKill > 0 {
			killsMidLoad++
		}
		if len(st.acks) == 0 {
			idleCycles++
		}
		acks = append(acks, st.acks...)
		total.puts += st.puts
		total.conflicts += st.conflicts
		total.merged += st.merged
		total.interrupted += st.interrupted
		total.inFlightAtKill += st.inFlightAtKill
	}

	// The file after the last kill, before any server touches it again.
	if d.name == "sqlite" {
		sqliteIntegrity(t, filepath.Join(d.dataDir, "atlas.db"))
	}

	srv = startServer(t, d)
	c = newClient(srv.base, token)
	bad := verifyAcks(ctx, c, slugs, acks, checked)
	bad = append(bad, verifyAllBodies(ctx, c, slugs)...)
	srv.stopClean(t, c)
	if len(bad) > 0 {
		t.Fatalf("after the last restart:\n  %s", strings.Join(bad, "\n  "))
	}

	t.Logf("%d cycles in %v: %d PUTs, %d acknowledged, %d merged, %d conflicts, %d interrupted by SIGKILL, %d kills with saves in flight (%d in flight in all)",
		cycles, time.Since(began).Round(time.Millisecond), total.puts, len(acks)-crashSheets, total.merged,
		total.conflicts, total.interrupted, killsMidLoad, total.inFlightAtKill)

	// The test proves nothing unless the kills really hit saves in flight
	// and the load really saved something in most cycles.
	if killsMidLoad == 0 || total.interrupted == 0 {
		t.Errorf("no kill interrupted a save in flight (%d kills mid-load, %d PUTs without answer)", killsMidLoad, total.interrupted)
	}
	// Half, not all: a kill 100 ms in can beat the first save on a slow
	// machine or a race-detector build.
	if idleCycles > cycles/2 {
		t.Errorf("%d of %d cycles acknowledged no save: the load did not run", idleCycles, cycles)
	}
}

func crashPrefix(i int) string { return fmt.Sprintf("client-%02d: ", i) }

// createCrashSheets creates the sheets the clients of crashCycle save, each
// with one paragraph line per client, and returns their slugs and the
// acknowledged first revisions.
func createCrashSheets(t *testing.T, c *client) ([]string, []ack) {
	t.Helper()
	slugs := make([]string, crashSheets)
	var acks []ack
	for s := range slugs {
		var prefixes []string
		for i := s; i < crashClients; i += crashSheets {
			prefixes = append(prefixes, crashPrefix(i))
		}
		body := paragraphs(prefixes)
		slug, rev, err := c.createSheet(context.Background(), fmt.Sprintf("Fiche éprouvée %d", s), body)
		if err != nil {
			t.Fatal(err)
		}
		if rev.SHA256 != sha(body) {
			t.Fatalf("creation of %s: sha256 %s, want %s", slug, rev.SHA256, sha(body))
		}
		slugs[s] = slug
		acks = append(acks, ack{slug: slug, number: rev.Number, sha: rev.SHA256, line: crashPrefix(s) + "version initiale"})
	}
	return slugs, acks
}

// crashCycle runs the clients against a server and, after delay and once saves
// are in flight, ends it with stop: a SIGKILL, or a graceful stop that
// returns once the server has exited.
func crashCycle(c *client, slugs []string, cycle int, delay time.Duration, bad *problems, stop func()) crashStats {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var (
		mu       sync.Mutex
		st       crashStats
		inFlight atomic.Int64
		killed   atomic.Bool
		halted   atomic.Bool // the clients stop after their current request
		wg       sync.WaitGroup
	)
	// pause keeps a client from spinning on a dead server.
	pause := func() {
		select {
		case <-ctx.Done():
		case <-time.After(5 * time.Millisecond):
		}
	}
	for i := 0; i < crashClients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slug, prefix := slugs[i%crashSheets], crashPrefix(i)
			for op := 0; op < 10000 && !halted.Load(); op++ {
				v, err := c.sheet(ctx, slug)
				if err != nil {
					if !killed.Load() || is5xx(err) {
						bad.add("client %d: read %s: %v", i, slug, err)
					}
					pause()
					continue
				}
				text := fmt.Sprintf("cycle %d op %d", cycle, op)
				body, err := setLine(v.Body, prefix, text)
				if err != nil {
					bad.add("client %d: head %d of %s: %v", i, v.Head, slug, err)
					return
				}
				inFlight.Add(1)
				ans, err := c.save(ctx, slug, v.Head, v.Title, body)
				inFlight.Add(-1)

				mu.Lock()
				st.puts++
				switch {
				case err != nil && ans.Status == 0 && killed.Load():
					st.interrupted++ // outcome unknown: not an ack
				case err != nil:
					bad.add("client %d: save on base %d: %v (status %d)", i, v.Head, err, ans.Status)
				case ans.Status == 200 && ans.Unchanged:
					bad.add("client %d: save of new text %q answered unchanged", i, text)
				case ans.Status == 200:
					if !ans.Merged && ans.Revision.SHA256 != sha(body) {
						bad.add("client %d: unmerged save stored as sha256 %s, sent body hashes to %s", i, ans.Revision.SHA256, sha(body))
					}
					if ans.Merged {
						st.merged++
					}
					st.acks = append(st.acks, ack{slug: slug, number: ans.Revision.Number, sha: ans.Revision.SHA256,
						line: prefix + text, merged: ans.Merged, cycle: cycle})
				case ans.Status == 409:
					st.conflicts++ // read the head again
				default:
					bad.add("client %d: save answered %d: %.300s", i, ans.Status, ans.Raw)
				}
				mu.Unlock()
			}
		}()
	}
	time.Sleep(delay)
	for wait := time.Now(); inFlight.Load() == 0 && time.Since(wait) < 2*time.Second; {
		time.Sleep(time.Millisecond)
	}
	st.inFlightAtKill = int(inFlight.Load())
	killed.Store(true)
	stop()
	// The server is gone: requests already sent end at once, answered or
	// refused. Let the clients read those answers before stopping them.
	halted.Store(true)
	wg.Wait()
	return st
}

// verifyAcks checks every acknowledged revision against the listed
// history, and fetches the bodies of acks[from:] (those not fetched after
// an earlier restart).
func verifyAcks(ctx context.Context, c *client, slugs []string, acks []ack, from int) []string {
	var bad []string
	histories := map[string]map[int]revision{}
	heads := map[string]int{}
	for _, slug := range slugs {
		byNumber, head, problems := checkHistory(ctx, c, slug)
		bad = append(bad, problems...)
		histories[slug], heads[slug] = byNumber, head
	}
	seen := map[string]int{}
	for i, a := range acks {
		key := fmt.Sprintf("%s#%d", a.slug, a.number)
		if j, dup := seen[key]; dup {
			bad = append(bad, fmt.Sprintf("revision %s acknowledged twice (acks %d and %d): two saves got one number", key, j, i))
		}
		seen[key] = i
		r, ok := histories[a.slug][a.number]
		switch {
		case !ok:
			bad = append(bad, fmt.Sprintf("acknowledged revision %d of %s (cycle %d) is gone; head is %d", a.number, a.slug, a.cycle, heads[a.slug]))
			continue
		case r.SHA256 != a.sha:
			bad = append(bad, fmt.Sprintf("acknowledged revision %d of %s (cycle %d) now has sha256 %s, acknowledged as %s", a.number, a.slug, a.cycle, r.SHA256, a.sha))
		}
		if i < from {
			continue
		}
		full, err := c.revision(ctx, a.slug, a.number)
		if err != nil {
			bad = append(bad, fmt.Sprintf("read acknowledged revision %d of %s: %v", a.number, a.slug, err))
			continue
		}
		if full.SHA256 != a.sha || sha(full.Body) != a.sha {
			bad = append(bad, fmt.Sprintf("revision %d of %s: acknowledged sha256 %s, returned %s, body hashes to %s", a.number, a.slug, a.sha, full.SHA256, sha(full.Body)))
		}
		if !strings.Contains(full.Body, a.line+"\n") {
			bad = append(bad, fmt.Sprintf("revision %d of %s (merged %v) lacks the line its client sent: %q", a.number, a.slug, a.merged, a.line))
		}
	}
	return bad
}

// verifyAllBodies fetches every revision of every sheet and checks its
// body against both the sha256 it is returned with and the listed one.
func verifyAllBodies(ctx context.Context, c *client, slugs []string) []string {
	var bad []string
	for _, slug := range slugs {
		list, err := c.revisions(ctx, slug)
		if err != nil {
			return append(bad, err.Error())
		}
		for _, r := range list {
			full, err := c.revision(ctx, slug, r.Number)
			if err != nil {
				bad = append(bad, err.Error())
				continue
			}
			if got := sha(full.Body); got != r.SHA256 || full.SHA256 != r.SHA256 || len(full.Body) != r.Size {
				bad = append(bad, fmt.Sprintf("%s revision %d: listed sha256 %s size %d, returned %s, body hashes to %s size %d",
					slug, r.Number, r.SHA256, r.Size, full.SHA256, got, len(full.Body)))
			}
		}
	}
	return bad
}

// sqliteIntegrity opens the file with the project's own db package (the
// same driver and pragmas as the server) and runs SQLite's own checks.
func sqliteIntegrity(t *testing.T, path string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	d, err := db.Open(ctx, db.Options{SQLitePath: path})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := d.Close(); err != nil {
			t.Error(err)
		}
	}()
	sqlDB, err := d.SQL()
	if err != nil {
		t.Fatal(err)
	}
	for _, pragma := range []string{"PRAGMA integrity_check", "PRAGMA foreign_key_check"} {
		lines := pragmaLines(ctx, t, sqlDB, pragma)
		want := "ok"
		if pragma == "PRAGMA foreign_key_check" {
			want = "" // no row at all
		}
		if got := strings.Join(lines, "\n"); got != want {
			t.Errorf("%s after the last SIGKILL: %q, want %q", pragma, got, want)
		}
	}
}

// pragmaLines runs a checking PRAGMA and returns its rows, one line each.
func pragmaLines(ctx context.Context, t *testing.T, sqlDB *sql.DB, pragma string) []string {
	t.Helper()
	rows, err := sqlDB.QueryContext(ctx, pragma)
	if err != nil {
		t.Fatalf("%s: %v", pragma, err)
	}
	defer func() { _ = rows.Close() }()
	cols, _ := rows.Columns()
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprint(vals...))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}
