package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// readersRun measures only the readers who get no page cache (a signed-in
// reader of a deep history page, a program reading the JSON API with a
// token) in rounds beside H, on SQLite, and returns their table: the rows
// the read-speed work is judged by, in a few minutes instead of the whole
// suite's quarter of an hour. The seeding is the full suite's.
func readersRun(dir string, d time.Duration, conns int) string {
	data := filepath.Join(dir, "data-readers")
	env := []string{"ATLAS_DATA_DIR=" + data, "ATLAS_ADDR=127.0.0.1:" + freePort(), "ATLAS_LOG_FORMAT=json", "ATLAS_ACCESS_LOG=false"}
	atlasCmd(dir, env, "mot de passe du banc\n", "user", "create", "--username", "banc", "--email", "banc@example.org", "--role", "admin", "--password-stdin")
	token := atlasCmd(dir, env, "", "token", "create", "--username", "banc")
	s := start(dir, "atlas", []string{"serve"}, env)
	defer s.stop()
	api := s.url + "/api/v1"
	var created struct{ Slug string }
	check(apiCall("POST", api+"/sheets", token, map[string]any{"title": "Fiche très modifiée", "body": "v0"}, &created))
	deep := created.Slug
	for n := 1; n < historyDepth; n++ {
		check(apiCall("PUT", api+"/sheets/"+deep, token, map[string]any{"base": n, "title": "Fiche très modifiée", "body": fmt.Sprintf("v%d", n), "summary": "étape"}, nil))
	}
	hello := start(dir, "hello", []string{"-addr", "127.0.0.1:" + freePort()}, nil)
	defer hello.stop()
	cookie, err := sessionCookie(s.url, "banc", "mot de passe du banc")
	check(err)
	probes := append([]probe{{name: "H: Fiber hello", url: hello.url + "/"}}, uncachedReaders(s.url, deep, token, cookie)...)
	measured := inRounds(t1Rounds, conns, d, probes)
	var b strings.Builder
	fmt.Fprintf(&b, "H = %.0f req/s (rounds: %s)\n\n| scenario | req/s | ratio to H | p50 ms | p99 ms |\n|---|---:|---:|---:|---:|\n",
		measured[0].median.RPS, rpsList(measured[0].rounds))
	for _, m := range measured[1:] {
		fmt.Fprintf(&b, "| %s | %.0f | %s | %.2f | %.2f |\n", m.median.Name, m.median.RPS, roundsRatio(m), ms(m.median.P50), ms(m.median.P99))
	}
	return b.String()
}

// uncachedReaders are the probes of readers who get no page cache, over a
// sheet of historyDepth revisions.
func uncachedReaders(base, deep, token, cookie string) []probe {
	auth := map[string]string{"Authorization": "Bearer " + token}
	sheetURL := base + "/api/v1/sheets/" + deep
	return []probe{
		{name: fmt.Sprintf("T2 history page at depth %d, signed in (no page cache)", historyDepth/2),
			url: fmt.Sprintf("%s/sheets/%s/history?before=%d", base, deep, historyDepth/2), headers: map[string]string{"Cookie": cookie}},
		{name: "API read of a sheet (token, uncached)", url: sheetURL, headers: auth},
		{name: fmt.Sprintf("API read of revision %d of a %d-revision sheet (token, uncached)", historyDepth/2, historyDepth),
			url: fmt.Sprintf("%s/revisions/%d", sheetURL, historyDepth/2), headers: auth},
		{name: fmt.Sprintf("API history page of 50 at depth %d (token, uncached)", historyDepth/2),
			url: fmt.Sprintf("%s/revisions?limit=50&before=%d", sheetURL, historyDepth/2), headers: auth},
	}
}

func check(err error) {
	if err != nil {
		panic(err)
	}
}
