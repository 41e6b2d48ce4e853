package stress_test

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"atlas/internal/auth"
	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

// Live co-writing under load: 20 participants type into one sheet, five
// small updates a second each, while 200 idle participants hold sockets
// on other sheets. Every update must reach every typist in the same
// order (no loss), and the time from a keystroke to a peer's screen and
// the server's memory are measured. ATLAS_LIVE_LOAD_SECONDS sets the
// length (10 s by default; the figures in docs/BENCHMARKS.md are of 60 s);
// lost or disordered updates and memory over 200 MB always fail it, a p99
// over 100 ms only with ATLAS_LIVE_STRICT=1.
func TestLiveCoWritingUnderLoad(t *testing.T) {
	const (
		typists     = 20
		idle        = 200
		idleSheets  = 20
		perAccount  = 4 // sockets per account, under the limit of 5
		keysPerSec  = 5
		targetP99   = 100 * time.Millisecond
		targetRSSMB = 200
	)
	seconds := envInt(t, "ATLAS_LIVE_LOAD_SECONDS", 10)
	d := database{name: "sqlite", dataDir: t.TempDir()}
	srv := startServer(t, d)
	ctx := context.Background()

	// Accounts, their sessions and the sheets, written beside the server.
	conn, err := db.Open(ctx, db.Options{SQLitePath: filepath.Join(d.dataDir, "atlas.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	st := store.New(conn)
	authSvc := auth.NewService(st)
	sheets := sheet.NewService(st, nil)
	cookies := make([]string, (typists+idle+perAccount-1)/perAccount)
	var owner *model.User
	for i := range cookies {
		u := testutil.User(t, st, fmt.Sprintf("plume%03d", i), model.RoleContributor)
		owner = u
		token, _, err := authSvc.StartSession(ctx, &u.ID)
		if err != nil {
			t.Fatal(err)
		}
		cookies[i] = "atlas_session=" + token
	}
	slugs := make([]string, idleSheets+1)
	for i := range slugs {
		sh, _, err := sheets.Create(ctx, owner, sheet.CreateInput{Title: fmt.Sprintf("Pad %d", i), Body: "Texte de départ.\n", Summary: "début"})
		if err != nil {
			t.Fatal(err)
		}
		slugs[i] = sh.Slug
	}

	addr := strings.TrimPrefix(srv.base, "http://")
	dial := func(slug string, k int) (*websocket.Conn, error) {
		h := http.Header{}
		h.Set("Cookie", cookies[k/perAccount])
		h.Set("Origin", srv.base)
		ws, resp, err := websocket.DefaultDialer.Dial("ws://"+addr+"/sheets/"+slug+"/live/socket?client="+strconv.Itoa(k+100), h)
		if resp != nil {
			_ = resp.Body.Close()
		}
		return ws, err
	}
	type got struct {
		seqs    []int64
		latency []time.Duration
		err     error
	}
	results := make([]got, typists)
	stop := make(chan struct{})
	var ready, wg sync.WaitGroup

	// Idle participants: joined, reading, pinging.
	for k := range idle {
		ws, err := dial(slugs[1+k%idleSheets], typists+k)
		if err != nil {
			t.Fatalf("idle participant %d: %v", k, err)
		}
		defer func() { _ = ws.Close() }()
		go func() {
			for {
				if _, _, err := ws.ReadMessage(); err != nil {
					return
				}
			}
		}()
		go func() {
			tick := time.NewTicker(20 * time.Second)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"t":"ping"}`))
				}
			}
		}()
	}

	start := make(chan struct{})
	typistSockets := make([]*websocket.Conn, typists)
	for k := range typists {
		ws, err := dial(slugs[0], k)
		if err != nil {
			t.Fatalf("typist %d: %v", k, err)
		}
		typistSockets[k] = ws
		defer func() { _ = ws.Close() }()
		ready.Add(1)
		wg.Add(2)
		// Reader: every update, its seq and, from a peer, its latency.
		go func() {
			defer wg.Done()
			r := &results[k]
			helloSeen := false
			for {
				_, data, err := ws.ReadMessage()
				if err != nil {
					return
				}
				var m struct {
					T   string `json:"t"`
					Seq int64  `json:"seq"`
					U   string `json:"u"`
				}
				if json.Unmarshal(data, &m) != nil {
					r.err = fmt.Errorf("bad frame %q", data)
					continue
				}
				switch m.T {
				case "hello":
					if !helloSeen {
						helloSeen = true
						ready.Done()
					}
				case "update":
					u, err := base64.StdEncoding.DecodeString(m.U)
					if err != nil || len(u) < 16 {
						r.err = fmt.Errorf("bad update %q", m.U)
						continue
					}
					r.seqs = append(r.seqs, m.Seq)
					if from := int(binary.BigEndian.Uint64(u[8:])); from != k { //nolint:gosec // G115: a typist's index, under 20
						sent := time.Unix(0, int64(binary.BigEndian.Uint64(u[:8]))) //nolint:gosec // G115: UnixNano written below
						r.latency = append(r.latency, time.Since(sent))
					}
				case "error":
					r.err = fmt.Errorf("error frame %s", data)
				}
			}
		}()
		// Writer: five keystrokes a second.
		go func() {
			defer wg.Done()
			<-start
			tick := time.NewTicker(time.Second / keysPerSec)
			defer tick.Stop()
			pings := 0
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
				}
				u := make([]byte, 24)
				binary.BigEndian.PutUint64(u[:8], uint64(time.Now().UnixNano())) //nolint:gosec // G115: a time after 1970
				binary.BigEndian.PutUint64(u[8:16], uint64(k))                   //nolint:gosec // G115: k is 0..19
				copy(u[16:], "abcdefgh")
				frame := `{"t":"update","u":"` + base64.StdEncoding.EncodeToString(u) + `"}`
				err := ws.WriteMessage(websocket.TextMessage, []byte(frame))
				if pings++; pings%100 == 0 && err == nil {
					err = ws.WriteMessage(websocket.TextMessage, []byte(`{"t":"ping"}`))
				}
				if err != nil {
					return
				}
			}
		}()
	}
	ready.Wait()

	status := "/proc/" + strconv.Itoa(srv.cmd.Process.Pid) + "/status"
	var peakRSS int64
	began := time.Now()
	close(start)
	end := time.After(time.Duration(seconds) * time.Second)
	sample := time.NewTicker(500 * time.Millisecond)
	for running := true; running; {
		select {
		case <-end:
			running = false
		case <-sample.C:
			if rss, _ := readMemory(status); rss > peakRSS {
				peakRSS = rss
			}
		}
	}
	sample.Stop()
	close(stop)
	time.Sleep(time.Second) // the last updates arrive
	elapsed := time.Since(began)
	rss, hwm := readMemory(status)
	// Closing the typists' sockets ends their readers; waiting for them
	// is what lets the results below be read without a race.
	for _, ws := range typistSockets {
		_ = ws.Close()
	}
	wg.Wait()
	peakRSS = max(peakRSS, rss, hwm)

	// Every typist saw the same seqs 1..N, in order, without a gap.
	var all []time.Duration
	n := int64(len(results[0].seqs))
	for k, r := range results {
		if r.err != nil {
			t.Errorf("typist %d: %v", k, r.err)
		}
		if int64(len(r.seqs)) != n {
			t.Errorf("typist %d saw %d updates, typist 0 %d", k, len(r.seqs), n)
		}
		for i, s := range r.seqs {
			if s != int64(i+1) {
				t.Errorf("typist %d: update %d has seq %d", k, i, s)
				break
			}
		}
		all = append(all, r.latency...)
	}
	slices.Sort(all)
	pct := func(p float64) time.Duration {
		if len(all) == 0 {
			return 0
		}
		return all[min(len(all)-1, int(float64(len(all))*p))]
	}
	p50, p99 := pct(0.50), pct(0.99)
	var b strings.Builder
	fmt.Fprintf(&b, "### Live co-writing, SQLite, %d s\n\n", seconds)
	fmt.Fprintf(&b, "| typists × keys/s | idle sockets | updates stored | deliveries to peers | p50 | p99 | max | server RSS peak |\n|---|---|---|---|---|---|---|---|\n")
	fmt.Fprintf(&b, "| %d × %d | %d | %d | %d | %s | %s | %s | %.0f MB |\n", typists, keysPerSec, idle, n, len(all),
		ms(p50), ms(p99), ms(pct(1)), float64(peakRSS)/(1<<20))
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Fprintf(&b, "\n(%.1f s measured; load average at the end: %s)\n", elapsed.Seconds(), strings.Join(strings.Fields(string(load))[:min(3, len(strings.Fields(string(load))))], " "))
	t.Log("\n" + b.String())
	_, _ = fmt.Fprintln(os.Stdout, b.String())
	if n < int64(typists*keysPerSec*seconds/2) {
		t.Errorf("only %d updates stored in %d s", n, seconds)
	}
	// Latency depends on what else the machine runs (make test runs
	// race-built suites beside this one): over target it fails only a
	// run that asks for it (ATLAS_LIVE_STRICT=1, the report's run).
	if p99 > targetP99 {
		if os.Getenv("ATLAS_LIVE_STRICT") == "1" {
			t.Errorf("p99 keystroke-to-peer %v over %v", p99, targetP99)
		} else {
			t.Logf("p99 keystroke-to-peer %v over %v (not strict: ATLAS_LIVE_STRICT=1 fails on it)", p99, targetP99)
		}
	}
	if peakRSS > targetRSSMB<<20 {
		t.Errorf("server RSS %d MB over %d MB", peakRSS>>20, targetRSSMB)
	}
}
