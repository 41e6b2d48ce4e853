// Command run is the atlas's benchmark suite (make bench). It builds the
// atlas and a plain Fiber hello server, starts each pinned to core 0 with
// GOMAXPROCS=1, seeds the atlas through its API, drives both from this
// process (pinned to core 1 by the Makefile) over 127.0.0.1 only, and
// writes docs/BENCHMARKS.md with every figure as a ratio to the hello
// server's throughput H measured in the same run.
package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // settle talks to PostgreSQL
)

func main() {
	seconds := flag.Int("seconds", 10, "duration of each scenario (at most 60)")
	conns := flag.Int("c", 50, "connections")
	out := flag.String("out", "docs/BENCHMARKS.md", "report to write")
	pg := flag.String("postgres", "", "also run on this PostgreSQL URL (a database the suite may fill)")
	pictures := flag.Bool("pictures", false, "measure only issue 14's picture probes (SQLite) and print their table, leaving -out alone")
	readers := flag.Bool("readers", false, "measure only the readers without a page cache (signed-in history, API reads; SQLite) and print their table, leaving -out alone")
	flag.Parse()
	if *seconds > 60 {
		*seconds = 60
	}
	dir, err := os.MkdirTemp("", "atlas-bench-")
	if err != nil {
		log.Fatal(err)
	}
	defer func() {
		if err := os.RemoveAll(dir); err != nil {
			log.Print(err)
		}
	}()
	build(dir)

	d := time.Duration(*seconds) * time.Second
	if *pictures {
		fmt.Print(picturesRun(dir, d, *conns))
		return
	}
	if *readers {
		fmt.Print(readersRun(dir, d, *conns))
		return
	}
	var sections []string
	sections = append(sections, atlasRun(dir, "SQLite", nil, d, *conns))
	if *pg != "" {
		sections = append(sections, atlasRun(dir, "PostgreSQL", []string{"ATLAS_DATABASE_URL=" + *pg, "ATLAS_AUTO_MIGRATE=true"}, d, *conns))
	}
	report(*out, sections, *seconds, *conns)
}

type server struct {
	cmd *exec.Cmd
	url string
	log *bytes.Buffer
}

func (s *server) stop() {
	_ = s.cmd.Process.Kill()
	_, _ = s.cmd.Process.Wait()
}

// rss reads the server's resident memory in MB.
func (s *server) rss() float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			kb, _ := strconv.Atoi(strings.Fields(line)[1])
			return float64(kb) / 1024
		}
	}
	return 0
}

func build(dir string) {
	for _, target := range [][2]string{{"atlas", "./cmd/atlas"}, {"hello", "./bench/hello"}} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, target[0]), target[1])
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			log.Fatalf("build %s: %v\n%s", target[0], err, out)
		}
	}
}

func freePort() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	if err := l.Close(); err != nil { // free it for the server
		log.Fatal(err)
	}
	return port
}

// start runs a binary on core 0 with one scheduler thread, as the targets
// require, and waits for it to answer.
func start(dir, name string, args, env []string) *server {
	return startTo(dir, name, args, env, nil)
}

// startTo is start with the server's output sent straight to out (a file:
// a busy access log piped through this process would take the load
// tool's core); nil keeps it in memory for the report.
func startTo(dir, name string, args, env []string, out *os.File) *server {
	bin := filepath.Join(dir, name)
	argv := append([]string{bin}, args...)
	if _, err := exec.LookPath("taskset"); err == nil && onlineCPUs() > 1 {
		argv = append([]string{"taskset", "-c", "0"}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(append(os.Environ(), "GOMAXPROCS=1"), env...)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if out != nil {
		cmd.Stdout, cmd.Stderr = out, out
	}
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	addr := ""
	for i := 0; i+1 < len(args); i++ {
		if args[i] == "-addr" {
			addr = args[i+1]
		}
	}
	for _, e := range env {
		if v, ok := strings.CutPrefix(e, "ATLAS_ADDR="); ok {
			addr = v
		}
	}
	s := &server{cmd: cmd, url: "http://" + addr, log: &logs}
	for i := 0; i < 100; i++ {
		if resp, err := http.Get(s.url + "/healthz"); err == nil && discard(resp) == nil {
			return s
		}
		if name == "hello" {
			if resp, err := http.Get(s.url + "/"); err == nil && discard(resp) == nil {
				return s
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	log.Fatalf("%s did not start:\n%s", name, logs.String())
	return nil
}

// onlineCPUs counts the machine's cores; runtime.NumCPU would count only
// the one this process is pinned to.
func onlineCPUs() int {
	out, err := exec.Command("nproc", "--all").Output()
	if err != nil {
		return runtime.NumCPU()
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	return n
}

func atlasCmd(dir string, env []string, stdin string, args ...string) string {
	cmd := exec.Command(filepath.Join(dir, "atlas"), args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.Output()
	if err != nil {
		log.Fatalf("atlas %v: %v", args, err)
	}
	return strings.TrimSpace(string(out))
}

// sheetBody makes a sheet of about n bytes in the template's shape.
func sheetBody(n int, variant int) string {
	var b strings.Builder
	words := []string{"jardin", "semences", "association", "gouvernance", "quartier", "bénévoles", "partage", "outils", "école", "conseil"}
	for i := 0; b.Len() < n; i++ {
		if i%12 == 0 {
			fmt.Fprintf(&b, "## Section %d\n\n", i/12)
		}
		w := words[i%len(words)]
		// 1% of paragraphs differ between variants: the diff scenario.
		if variant > 0 && i%100 == 7 {
			w = "modifié"
		}
		fmt.Fprintf(&b, "Paragraphe %d : le %s du commun réunit les habitantes et habitants, qui en décident ensemble chaque mois.\n\n", i, w)
	}
	return b.String()
}

// t1Sizes are the sheet sizes T1 reads: both ends of the target's range.
var t1Sizes = []int{20 << 10, 50 << 10}

// t1Rounds is how many times H, the ceilings and T1 are measured back to
// back. The machine's load moves H by a third from one minute to the next;
// ratios taken within a round compare figures measured under the same load,
// and the median round is reported with the spread of the others.
const t1Rounds = 3

// historyDepth is the number of revisions of T2's sheet.
const historyDepth = 10000

func atlasRun(dir, label string, dbEnv []string, d time.Duration, conns int) string {
	data := filepath.Join(dir, "data-"+strings.ToLower(label))
	env := append([]string{"ATLAS_DATA_DIR=" + data, "ATLAS_ADDR=127.0.0.1:" + freePort(), "ATLAS_LOG_FORMAT=json", "ATLAS_ACCESS_LOG=false"}, dbEnv...)
	if len(dbEnv) > 0 {
		atlasCmd(dir, env, "", "migrate")
	}
	atlasCmd(dir, env, "mot de passe du banc\n", "user", "create", "--username", "banc", "--email", "banc@example.org", "--role", "admin", "--password-stdin")
	token := atlasCmd(dir, env, "", "token", "create", "--username", "banc")
	for _, n := range []string{"ca1", "ca2", "ca3"} {
		atlasCmd(dir, env, "mot de passe du banc\n", "user", "create", "--username", n, "--email", n+"@example.org", "--role", "contributor", "--password-stdin")
	}
	tokens := map[string]string{}
	for _, n := range []string{"ca1", "ca2", "ca3"} {
		tokens[n] = atlasCmd(dir, env, "", "token", "create", "--username", n)
	}
	s := start(dir, "atlas", []string{"serve"}, env)
	defer s.stop()
	api := s.url + "/api/v1"
	must := func(err error) {
		if err != nil {
			log.Fatal(err)
		}
	}

	// T1: sheets of 20 and 50 KB validated by their board, read anonymously.
	var created struct{ Slug string }
	var read []string
	for _, size := range t1Sizes {
		must(apiCall("POST", api+"/sheets", token, map[string]any{"title": fmt.Sprintf("Fiche publiée de %d Ko", size>>10), "body": sheetBody(size, 0)}, &created))
		slug := created.Slug
		must(apiCall("PUT", api+"/sheets/"+slug+"/board", token, map[string]any{"members": []string{"ca1", "ca2", "ca3"}}, nil))
		var rv struct{ ID int }
		must(apiCall("POST", api+"/sheets/"+slug+"/reviews", token, map[string]any{"revision": 1}, &rv))
		for _, n := range []string{"ca1", "ca2"} {
			must(apiCall("POST", fmt.Sprintf("%s/reviews/%d/votes", api, rv.ID), tokens[n], map[string]any{"choice": "approve", "revision": 1}, nil))
		}
		read = append(read, slug)
	}
	// T2: a sheet with a long history.
	const depth = historyDepth
	must(apiCall("POST", api+"/sheets", token, map[string]any{"title": "Fiche très modifiée", "body": "v0"}, &created))
	deep := created.Slug
	for n := 1; n < depth; n++ {
		must(apiCall("PUT", api+"/sheets/"+deep, token, map[string]any{"base": n, "title": "Fiche très modifiée", "body": fmt.Sprintf("v%d", n), "summary": "étape"}, nil))
	}
	// T4: two 50 KB revisions, 1% of paragraphs changed.
	must(apiCall("POST", api+"/sheets", token, map[string]any{"title": "Fiche comparée", "body": sheetBody(50<<10, 0)}, &created))
	diffed := created.Slug
	must(apiCall("PUT", api+"/sheets/"+diffed, token, map[string]any{"base": 1, "title": "Fiche comparée", "body": sheetBody(50<<10, 1)}, nil))
	// T3: one 50 KB sheet per connection, each saved from its own head.
	body50 := sheetBody(50<<10, 0)
	slugs := make([]string, conns)
	for i := range slugs {
		must(apiCall("POST", api+"/sheets", token, map[string]any{"title": fmt.Sprintf("Banc %d", i), "body": body50}, &created))
		slugs[i] = created.Slug
	}
	settle(dbEnv)

	// The yardstick beside the atlas: the plain hello handler, and another
	// that sends the very bytes of each T1 page (their ceiling) through a
	// write buffer as large as the atlas's. Each server idles while another
	// is measured.
	hello := start(dir, "hello", []string{"-addr", "127.0.0.1:" + freePort()}, nil)
	defer hello.stop()
	helloArgs := []string{"-addr", "127.0.0.1:" + freePort(), "-write-buffer", "65536"}
	pageBytes := make([]int, len(read))
	for i, slug := range read {
		file := filepath.Join(dir, fmt.Sprintf("page-%s-%d.html", strings.ToLower(label), i+1))
		body := fetch(s.url + "/sheets/" + slug)
		pageBytes[i] = len(body)
		must(os.WriteFile(file, body, 0o600))
		helloArgs = append(helloArgs, "-page", file)
	}
	bare := start(dir, "hello", helloArgs, nil)
	defer bare.stop()
	probes := []probe{{name: "H: Fiber hello", url: hello.url + "/"}}
	for i, slug := range read {
		kb := t1Sizes[i] >> 10
		probes = append(probes,
			probe{name: fmt.Sprintf("ceiling: the %d KB sheet page's bytes (%d B of HTML) from a plain Fiber handler with the same write buffer", kb, pageBytes[i]), url: fmt.Sprintf("%s/page/%d", bare.url, i+1)},
			probe{name: fmt.Sprintf("T1 anonymous read, %d KB validated sheet", kb), url: s.url + "/sheets/" + slug})
	}
	measured := inRounds(t1Rounds, conns, d, probes)
	h := measured[0].median
	log.Printf("%s: H = %.0f req/s", label, h.RPS)
	rss := s.rss()

	// The rest is measured once, as a ratio to the median H.
	rows := []result{}
	ratios := map[int]string{} // rows measured in rounds: their ratio, see inRounds
	one := func(r result) { rows = append(rows, r) }
	// inRoundsWithH measures probes in rounds beside H, as T1 is, and adds
	// their median rounds.
	inRoundsWithH := func(probes ...probe) {
		for _, m := range inRounds(t1Rounds, conns, d, append([]probe{{name: "H", url: hello.url + "/"}}, probes...))[1:] {
			ratios[len(rows)] = roundsRatio(m)
			one(m.median)
		}
	}
	// The suite runs the atlas without its access log, as behind a proxy
	// that keeps its own; as shipped it writes one JSON line per request.
	logFile, err := os.Create(filepath.Join(dir, "access-"+strings.ToLower(label)+".log"))
	must(err)
	loggedEnv := append(append([]string{}, env...), "ATLAS_ACCESS_LOG=true", "ATLAS_ADDR=127.0.0.1:"+freePort())
	logged := startTo(dir, "atlas", []string{"serve"}, loggedEnv, logFile)
	one(driveGet("T1 20 KB with the access log on, as shipped (JSON lines to a file)", conns, d, logged.url+"/sheets/"+read[0], nil))
	logged.stop()
	must(logFile.Close())
	// The ETag of the plain answer, which the load tool asks for (each
	// encoding has its own).
	plain := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	resp, err := plain.Get(s.url + "/sheets/" + read[0])
	must(err)
	must(discard(resp))
	one(driveGet("T1 20 KB, revalidated (If-None-Match → 304)", conns, d, s.url+"/sheets/"+read[0], map[string]string{"If-None-Match": resp.Header.Get("ETag")}))
	one(driveGet("T1 20 KB, asking for brotli or gzip as browsers do", conns, d, s.url+"/sheets/"+read[0], map[string]string{"Accept-Encoding": "gzip, deflate, br"}))
	one(driveGet(fmt.Sprintf("T2 history page (50 rows) of a %d-revision sheet", depth), conns, d, s.url+"/sheets/"+deep+"/history", nil))
	one(driveGet(fmt.Sprintf("T2 history page at depth %d", depth/2), conns, d, fmt.Sprintf("%s/sheets/%s/history?before=%d", s.url, deep, depth/2), nil))
	one(driveGet("T2 history page, the oldest", conns, d, fmt.Sprintf("%s/sheets/%s/history?before=51", s.url, deep), nil))
	// Readers who get no page cache: a signed-in reader of a history page,
	// whose request loads the session and the sheet row and renders the
	// page around its table, and a program reading the JSON API with a
	// token. They are measured in rounds beside H, as T1 is: each costs
	// tens of times what a cached page does, and a load that moves H by a
	// third within a minute would otherwise decide their ratio.
	cookie, err := sessionCookie(s.url, "banc", "mot de passe du banc")
	must(err)
	auth := map[string]string{"Authorization": "Bearer " + token}
	inRoundsWithH(uncachedReaders(s.url, deep, token, cookie)...)
	// Pictures: a 640 px copy served from memory, as readers of a sheet
	// with pictures ask for it after the page (issue 14 wants ≥ 0.3·H).
	must(apiCall("POST", api+"/sheets", token, map[string]any{"title": "Fiche illustrée", "body": "Une photo."}, &created))
	sha, err := uploadPicture(api, token, created.Slug)
	must(err)
	inRoundsWithH(probe{name: "a picture's 640 px copy (JPEG), from the cache", url: s.url + "/media/" + sha + "?w=640"})
	// "Qui a écrit quoi" of a 50 KB sheet, read anonymously: from the page
	// cache, as sheet pages are (issue 17 wants ≥ 0.3·H).
	blame := s.url + "/sheets/" + diffed + "/blame"
	inRoundsWithH(probe{name: "blame page (Qui a écrit quoi) of a 50 KB sheet, anonymous (page cache)", url: blame},
		probe{name: "the same blame page, asking for brotli or gzip as browsers do", url: blame, headers: map[string]string{"Accept-Encoding": "gzip, deflate, br"}})
	// T3 twice: one writer alone gives a save's own latency; fifty at once
	// give the throughput of one core (their latency is mostly the queue).
	// Each writer has its own sheet; the second run continues from the
	// revision numbers the first left.
	saved := make([]int, conns)
	save := func(w, ok int) *http.Request {
		payload, _ := json.Marshal(map[string]any{"base": saved[w] + ok + 1, "title": fmt.Sprintf("Banc %d", w), "body": fmt.Sprintf("Modification %d.\n\n", saved[w]+ok) + body50, "summary": "banc"})
		req, _ := http.NewRequest(http.MethodPut, api+"/sheets/"+slugs[w], bytes.NewReader(payload))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		return req
	}
	alone := drive("T3 save of a 50 KB sheet, one writer (synchronous commit, search index)", 1, d, save)
	one(alone)
	saved[0] = alone.Status[http.StatusOK]
	one(drive(fmt.Sprintf("T3 same, %d writers at once", conns), conns, d, save))
	diffURL := api + "/sheets/" + diffed + "/diff?from=1&to=2"
	one(driveGet("T4 uncached diff of two 50 KB revisions (API, with a token), one client", 1, d, diffURL, auth))
	one(driveGet(fmt.Sprintf("T4 same, %d clients at once", conns), conns, d, diffURL, auth))
	one(driveGet("T4 cached diff page, anonymous", conns, d, s.url+"/sheets/"+diffed+"/diff?from=1&to=2", nil))
	one(driveGet("map.geojson (cached by cards' version)", conns, d, s.url+"/map.geojson", nil))

	var b strings.Builder
	fmt.Fprintf(&b, "\n### %s\n\n**H = %.0f req/s** (median of %d rounds: %s)\n\n", label, h.RPS, t1Rounds, rpsList(measured[0].rounds))
	b.WriteString("| scenario | req/s | ratio to H | p50 ms | p95 ms | p99 ms | answers |\n|---|---:|---:|---:|---:|---:|---|\n")
	row := func(r result, ratio string) {
		fmt.Fprintf(&b, "| %s | %.0f | %s | %.2f | %.2f | %.2f | %s%s |\n", r.Name, r.RPS, ratio, ms(r.P50), ms(r.P95), ms(r.P99), answers(r), errNote(r.Errors))
	}
	for _, m := range measured[1:] {
		row(m.median, roundsRatio(m))
	}
	for i, r := range rows {
		ratio, ok := ratios[i]
		if !ok {
			ratio = fmt.Sprintf("%.3f", r.RPS/h.RPS)
		}
		row(r, ratio)
	}
	fmt.Fprintf(&b, "\nThe first rows are measured in %d rounds of H, ceiling and T1 back to back: their ratio is to the H of\n"+
		"the same round, the median round shown with the others' spread; so are the rows in bold further down (signed-in\n"+
		"history, API reads), each in rounds with an H of its own. The other rows are measured once, as a ratio\n"+
		"to the median H. Resident memory of the server after the T1 load: %.0f MB.\n", t1Rounds, rss)
	if strings.Contains(s.log.String(), "database is locked") {
		b.WriteString("\n**The server log shows \"database is locked\".**\n")
	}
	log.Printf("%s done", label)
	return b.String()
}

// settle lets PostgreSQL finish with the seeding before anything is
// measured: its autovacuum and checkpointer, on the same two cores, would
// otherwise stall the first scenarios for tens of milliseconds at a time.
func settle(dbEnv []string) {
	for _, e := range dbEnv {
		url, ok := strings.CutPrefix(e, "ATLAS_DATABASE_URL=")
		if !ok {
			continue
		}
		conn, err := sql.Open("pgx", url)
		if err != nil {
			log.Fatal(err)
		}
		for _, stmt := range []string{"VACUUM ANALYZE", "CHECKPOINT"} {
			if _, err := conn.Exec(stmt); err != nil {
				log.Printf("%s: %v (measuring anyway)", stmt, err)
			}
		}
		if err := conn.Close(); err != nil {
			log.Print(err)
		}
	}
}

// probe is a fixed GET measured in rounds.
type probe struct {
	name, url string
	headers   map[string]string
}

// roundsRatio shows a probe's median ratio to H and the spread of the
// other rounds.
func roundsRatio(m measuredProbe) string {
	return fmt.Sprintf("**%.3f** (%.3f–%.3f)", m.ratios[len(m.ratios)/2], m.ratios[0], m.ratios[len(m.ratios)-1])
}

// measuredProbe is a probe's figures over the rounds: the round of median
// ratio to that round's H (the first probe), every ratio (sorted) and
// every round's result.
type measuredProbe struct {
	median result
	ratios []float64
	rounds []result
}

// inRounds measures the probes n times in order; probes[0] is H.
func inRounds(n, conns int, d time.Duration, probes []probe) []measuredProbe {
	out := make([]measuredProbe, len(probes))
	for round := 0; round < n; round++ {
		var h float64
		for i, p := range probes {
			r := driveGet(p.name, conns, d, p.url, p.headers)
			if i == 0 {
				h = r.RPS
			}
			out[i].rounds = append(out[i].rounds, r)
			out[i].ratios = append(out[i].ratios, r.RPS/h)
		}
	}
	for i := range out {
		m := &out[i]
		order := make([]int, n)
		for k := range order {
			order[k] = k
		}
		sort.Slice(order, func(a, b int) bool { return m.ratios[order[a]] < m.ratios[order[b]] })
		m.median = m.rounds[order[n/2]]
		if i == 0 { // H's own ratio is 1: its median is by throughput
			sort.Slice(order, func(a, b int) bool { return m.rounds[order[a]].RPS < m.rounds[order[b]].RPS })
			m.median = m.rounds[order[n/2]]
		}
		sort.Float64s(m.ratios)
	}
	return out
}

func rpsList(rs []result) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprintf("%.0f", r.RPS)
	}
	return strings.Join(parts, ", ")
}

// fetch reads a page whole, as the load tool gets it (no compression).
func fetch(url string) []byte {
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	resp, err := client.Get(url)
	if err != nil {
		log.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil || resp.StatusCode != http.StatusOK {
		log.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	return body
}

// answers describes a row's answers: statuses from the Go generator, or
// wrk's count of expected answers and others.
func answers(r result) string {
	if r.Tool != "wrk" {
		return fmt.Sprint(r.Status)
	}
	return fmt.Sprintf("wrk: %d 2xx/3xx, %d other", r.Status[0], r.Status[-1])
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func errNote(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(", %d transport errors", n)
}

func report(path string, sections []string, seconds, conns int) {
	commit, _ := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	cpu := "unknown"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "model name") {
				cpu = strings.TrimSpace(strings.SplitN(line, ":", 2)[1])
				break
			}
		}
	}
	var b strings.Builder
	b.WriteString("# Benchmarks\n\nWritten by `make bench` (bench/run). Both servers run pinned to core 0 with GOMAXPROCS=1;\n")
	b.WriteString("the load comes from core 1 over 127.0.0.1 (wrk for fixed GETs when it is installed, else the\n")
	b.WriteString("Go generator of bench/run, which saturates its own core first and flattens the ratios; saves\n")
	b.WriteString("always use the Go generator). H is a plain Fiber handler answering \"Hello\", measured in\n")
	b.WriteString("each database's section beside the atlas; every figure is also given as a ratio to it.\n\n")
	fmt.Fprintf(&b, "- date: %s\n- commit: %s\n- machine: %s, %d cores, %s\n- each scenario: %d s, %d connections\n",
		time.Now().UTC().Format(time.RFC3339), strings.TrimSpace(string(commit)), cpu, onlineCPUs(), runtime.Version(), seconds, conns)
	for _, s := range sections {
		b.WriteString(s)
	}
	// What was found and done is written by people, beside the code.
	if notes, err := os.ReadFile(filepath.Join("bench", "FINDINGS.md")); err == nil {
		b.WriteString("\n")
		b.Write(notes)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Print(b.String())
}
