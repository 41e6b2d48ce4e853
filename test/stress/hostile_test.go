package stress_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// The bounds of issue 13, "Hold under hostile load": while an attack runs
// beside a steady load of anonymous readers and signed-in writers, the
// server (started with GOMEMLIMIT) keeps its resident memory under
// rssBound, its readers' p99 under p99Factor times the quiet value, every
// save it acknowledged to a writer, and its /healthz answers.
const (
	hostileMemLimit = "200MiB"    // the server's GOMEMLIMIT
	rssBound        = 300_000_000 // bytes (300 MB), peak resident memory
	p99Factor       = 10
	// p99Floor is the smallest p99 bound. A cached page answers in 1–5 ms
	// here, and on a two-core machine shared with other work one scheduler
	// stall or GC pause puts 20–40 ms into the p99 of a few thousand reads
	// with no attack at all: ten times a 2 ms quiet value would measure
	// the machine's noise, not the attack. 50 ms is still well under what
	// a reader notices, and far under what the attacks cost an unprotected
	// server (seconds).
	p99Floor = 50 * time.Millisecond
)

// strictLatency says whether the readers' p99 bound fails the test. Memory,
// kept saves, failed reads and /healthz always do. Latency is a bound of
// the machine as much as of the atlas: under `make test`, go test runs
// packages side by side (the race-built web and browser suites among
// them), and a reader's p99 then measures their load. The figures of
// docs/BENCHMARKS.md come from a run of this suite alone with
// ATLAS_HOSTILE_STRICT=1, which holds latency to its bound too.
func strictLatency() bool { return os.Getenv("ATLAS_HOSTILE_STRICT") == "1" }

// The steady load beside each attack.
const (
	hostileReaders = 8
	readerEvery    = 20 * time.Millisecond // per reader: 400 reads/s in all
	readerTimeout  = 10 * time.Second
	hostileWriters = 2
	writerEvery    = 250 * time.Millisecond // per writer, between saves
	healthEvery    = 250 * time.Millisecond
	healthTimeout  = 2 * time.Second // a load balancer's patience
	memoryEvery    = 100 * time.Millisecond
)

// TestHostileLoad runs each attack of issue 13 against a fresh server
// process beside the steady load, on both databases, and writes the
// figures to test-output/stress/hostile-<db>.md. ATLAS_HOSTILE_SECONDS
// sets each attack's duration (6 s for CI; the report uses 30).
func TestHostileLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("hostile load: several minutes of attacks; not with -short")
	}
	seconds := envInt(t, "ATLAS_HOSTILE_SECONDS", 6)
	eachDatabase(t, func(t *testing.T, d database) {
		fx := newHostileFixture(t, d)
		var rows []hostileRow
		for _, a := range hostileAttacks() {
			t.Run(a.name, func(t *testing.T) {
				row := runHostile(t, fx, a, seconds)
				rows = append(rows, row)
				for _, b := range row.broken {
					t.Errorf("%s on %s: %s", a.name, d.name, b)
				}
				for _, n := range row.noted {
					t.Logf("NOTE %s on %s: %s", a.name, d.name, n)
				}
			})
		}
		t.Run("forwarded-host", func(t *testing.T) { forwardedHostStaysOut(t, fx) })
		if len(rows) > 0 {
			writeHostileReport(t, d.name, seconds, rows)
		}
	})
}

// hostileAttack is one attack of the issue. run keeps attacking until ctx
// ends; every answer it gets is counted in tally (any refusal is fine for
// an attacker). An error means the attack could not be mounted.
type hostileAttack struct {
	name string // subtest name, first column of the table
	what string // what it does, for the table
	env  []string
	// seed prepares data through the command line before the server
	// starts; reads names the pages readers read (nil: the reader sheets).
	seed  func(fx *hostileFixture, t *testing.T)
	reads func(fx *hostileFixture) []string
	run   func(ctx context.Context, at *attackTarget) error
}

// attackTarget is what an attack is aimed at.
type attackTarget struct {
	base  string
	fx    *hostileFixture
	tally *tally
}

// hostileRow is one attack's figures and the bounds it broke.
type hostileRow struct {
	attack, what         string
	rssPeak              int64 // bytes: VmHWM, or the highest VmRSS seen
	quietP99, p99, bound time.Duration
	// noted are bounds missed but not held against the run (see
	// strictLatency); they show in the table and the log.
	noted                []string
	quietReads, reads    int
	readFails            int
	acked, ackedInAttack int
	lost                 int
	refused, otherFails  int // writers' 429/503 (retried) and other failures
	unknown              int // saves with no answer: fate unknown, not acknowledged
	healthPolls          int
	healthFails          int
	healthSlowest        time.Duration
	answers              string // the attacker's answers by status
	serverPanics         int
	serverFailedRequests int
	broken               []string
}

// runHostile runs one attack: a fresh server, a quiet phase of readers and
// writers alone, then the attack beside them, with /healthz polled and
// memory sampled throughout; then, the server killed and started again,
// every acknowledged save is looked up.
func runHostile(t *testing.T, fx *hostileFixture, a hostileAttack, seconds int) hostileRow {
	if a.seed != nil {
		a.seed(fx, t)
	}
	fx.d.settle(t)
	srv := startServerEnv(t, fx.d, append([]string{"GOMEMLIMIT=" + hostileMemLimit}, a.env...)...)
	paths := fx.readerPaths()
	if a.reads != nil {
		paths = a.reads(fx)
	}
	warmPages(t, srv.base, paths)

	quiet := time.Duration(max(3, seconds/3)) * time.Second
	attackFor := time.Duration(seconds) * time.Second
	bg, stopWatching := context.WithCancel(context.Background())
	defer stopWatching()
	mem := watchMemory(bg, srv.cmd.Process.Pid)
	health := pollHealth(bg, srv.base)

	start := time.Now().Add(50 * time.Millisecond)
	attackAt := start.Add(quiet)
	end := attackAt.Add(attackFor)
	readers := runReaders(srv.base, paths, start, end)
	writers := runWriters(srv.base, fx.writers, end)

	time.Sleep(time.Until(attackAt))
	tal := newTally()
	attackCtx, stopAttack := context.WithDeadline(context.Background(), end)
	defer stopAttack()
	attackErr := make(chan error, 1)
	go func() { attackErr <- a.run(attackCtx, &attackTarget{base: srv.base, fx: fx, tally: tal}) }()

	readers.wait()
	writers.wait()
	stopAttack()
	row := hostileRow{attack: a.name, what: a.what}
	select {
	case err := <-attackErr:
		if err != nil {
			row.broken = append(row.broken, "the attack could not be mounted: "+err.Error())
		}
	case <-time.After(30 * time.Second):
		row.broken = append(row.broken, "the attack did not stop within 30 s of its end")
	}
	stopWatching()
	row.rssPeak = mem.peak()
	row.healthPolls, row.healthFails, row.healthSlowest = health.result()
	row.answers = tal.String()

	quietLat, attackLat, fails := readers.split(attackAt)
	row.quietReads, row.reads, row.readFails = len(quietLat), len(attackLat), fails
	row.quietP99, row.p99 = p99(quietLat), p99(attackLat)
	row.bound = max(p99Factor*row.quietP99, p99Floor)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	w := writers.result()
	row.acked, row.refused, row.otherFails, row.unknown = len(w.acks), w.refused, w.other, w.unknown
	for _, ack := range w.acks {
		if !ack.at.Before(attackAt) {
			row.ackedInAttack++
		}
	}
	log := srv.log.String()
	row.serverPanics = len(logLines(log, "panic", "data race"))
	row.serverFailedRequests = len(logLines(log, "request failed"))
	// The saves are looked up on a new process: what was acknowledged must
	// have reached the database, not only the attacked server's memory,
	// and the lookup does not queue behind the attack's leftovers.
	srv.kill()
	after := startServerEnv(t, fx.d, "GOMEMLIMIT="+hostileMemLimit)
	lost, problems := verifyWriterAcks(ctx, after.base, fx.writers, w.acks)
	row.lost = lost
	after.kill()

	if row.rssPeak >= rssBound {
		row.broken = append(row.broken, fmt.Sprintf("peak RSS %s, bound %s", mb(row.rssPeak), mb(rssBound)))
	}
	if row.p99 >= row.bound {
		latency := fmt.Sprintf("readers' p99 %s under attack, bound %s (quiet %s)", ms(row.p99), ms(row.bound), ms(row.quietP99))
		if strictLatency() {
			row.broken = append(row.broken, latency)
		} else {
			row.noted = append(row.noted, latency+" (not held against the run: ATLAS_HOSTILE_STRICT unset)")
		}
	}
	if row.readFails > 0 {
		row.broken = append(row.broken, fmt.Sprintf("%d reads failed or were refused (first: %s)", row.readFails, readers.firstFailure()))
	}
	if row.quietReads == 0 || row.reads == 0 {
		row.broken = append(row.broken, "the readers did not read")
	}
	if row.lost > 0 || len(problems) > 0 {
		row.broken = append(row.broken, fmt.Sprintf("%d acknowledged saves lost; %s", row.lost, strings.Join(firstOf(problems, 5), "; ")))
	}
	// With no save through during the attack, "every acknowledged save is
	// kept" would hold by having nothing to check.
	if row.ackedInAttack == 0 {
		why := fmt.Sprintf("%d refused, %d other failures, %d unanswered", row.refused, row.otherFails, row.unknown)
		if w.firstFailure != "" {
			why += "; first failure: " + w.firstFailure
		}
		row.broken = append(row.broken, "no writer's save was acknowledged during the attack ("+why+")")
	}
	if row.healthFails > 0 {
		row.broken = append(row.broken, fmt.Sprintf("/healthz failed %d of %d polls (first: %s)", row.healthFails, row.healthPolls, health.firstFailure()))
	}
	if row.serverPanics > 0 {
		row.broken = append(row.broken, fmt.Sprintf("the server log shows %d panic or race lines", row.serverPanics))
	}
	t.Logf("%s: peak RSS %s; readers' p99 %s quiet (%d reads, %.0f/s), %s under attack (%d reads, %.0f/s), bound %s, %d failed; "+
		"writers %d acknowledged (%d during the attack), %d lost, %d refused and retried, %d other failures, %d unanswered; "+
		"/healthz %d polls, %d failed, slowest %s; %d failed requests in the server log; attacker's answers: %s",
		a.name, mb(row.rssPeak), ms(row.quietP99), row.quietReads, float64(row.quietReads)/quiet.Seconds(), ms(row.p99), row.reads, float64(row.reads)/attackFor.Seconds(),
		ms(row.bound), row.readFails, row.acked, row.ackedInAttack, row.lost, row.refused, row.otherFails, row.unknown,
		row.healthPolls, row.healthFails, ms(row.healthSlowest), row.serverFailedRequests, row.answers)
	return row
}

// writeHostileReport writes the rows as the Markdown table of
// docs/BENCHMARKS.md's hostile-load section, and logs it.
func writeHostileReport(t *testing.T, db string, seconds int, rows []hostileRow) {
	var b strings.Builder
	fmt.Fprintf(&b, "### Hostile load, %s\n\n", db)
	fmt.Fprintf(&b, "- date: %s\n- each attack: %d s after a quiet phase of %d s; server GOMEMLIMIT=%s\n",
		time.Now().UTC().Format(time.RFC3339), seconds, max(3, seconds/3), hostileMemLimit)
	fmt.Fprintf(&b, "- steady load: %d anonymous readers (one page every %v each), %d signed-in writers (one save every %v each), /healthz every %v\n\n",
		hostileReaders, readerEvery, hostileWriters, writerEvery, healthEvery)
	b.WriteString("| attack | peak RSS MB (< 300) | readers' p99 ms, quiet → attack (bound) | reads failed | writers' saves acknowledged / lost | writers refused / failed / unanswered | /healthz failed / polls (slowest ms) | attacker's answers | held |\n")
	b.WriteString("|---|---:|---|---:|---:|---:|---|---|---|\n")
	for _, r := range rows {
		held := "yes"
		if len(r.broken) > 0 {
			held = "**no**: " + strings.ReplaceAll(strings.Join(r.broken, "; "), "|", "/")
		} else if len(r.noted) > 0 {
			held = "yes, but " + strings.ReplaceAll(strings.Join(r.noted, "; "), "|", "/")
		}
		fmt.Fprintf(&b, "| %s: %s | %.0f | %s → %s (%s) | %d of %d | %d / %d | %d / %d / %d | %d / %d (%s) | %s | %s |\n",
			r.attack, r.what, float64(r.rssPeak)/1e6, msFig(r.quietP99), msFig(r.p99), msFig(r.bound), r.readFails, r.quietReads+r.reads,
			r.acked, r.lost, r.refused, r.otherFails, r.unknown, r.healthFails, r.healthPolls, msFig(r.healthSlowest), r.answers, held)
	}
	dir := filepath.Join("..", "..", "test-output", "stress")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "hostile-"+db+".md")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("written to %s:\n%s", path, b.String())
}

// tally counts an attacker's answers by status ("no answer" when none).
type tally struct {
	mu     sync.Mutex
	counts map[string]int
}

func newTally() *tally { return &tally{counts: map[string]int{}} }

func (t *tally) add(status int, err error) {
	key := fmt.Sprint(status)
	if err != nil && status == 0 {
		key = "no answer"
	}
	t.mark(key)
}

// unfinished is "still waiting when the attack ended", counted apart.
const unfinished = "unanswered at the end"

func (t *tally) mark(key string) {
	t.mu.Lock()
	t.counts[key]++
	t.mu.Unlock()
}

func (t *tally) count(key string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.counts[key]
}

func (t *tally) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.counts) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(t.counts))
	for k := range t.counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s: %d", k, t.counts[k])
	}
	return strings.Join(parts, ", ")
}

func mb(bytes int64) string        { return fmt.Sprintf("%.0f MB", float64(bytes)/1e6) }
func ms(d time.Duration) string    { return msFig(d) + " ms" }
func msFig(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)) }

func firstOf(list []string, n int) []string {
	if len(list) > n {
		return list[:n]
	}
	return list
}
