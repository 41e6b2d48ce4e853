package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"atlas/internal/media/mediatest"
)

// uploadPicture uploads a 1600 × 1000 photo into a sheet during setup and
// returns its SHA-256.
func uploadPicture(api, token, slug string) (string, error) {
	return uploadPictureSized(api, token, slug, 1600, 1000)
}

// uploadPictureSized uploads a w × h photo (another size, another picture).
func uploadPictureSized(api, token, slug string, w, h int) (string, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if err := mw.WriteField("alt", "Une photo du banc"); err != nil {
		return "", err
	}
	part, err := mw.CreateFormFile("file", "banc.jpg")
	if err != nil {
		return "", err
	}
	if _, err := part.Write(mediatest.JPEG(w, h, 1)); err != nil {
		return "", err
	}
	if err := mw.Close(); err != nil {
		return "", err
	}
	req, err := http.NewRequest(http.MethodPost, api+"/sheets/"+slug+"/media", &body)
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	data, err := io.ReadAll(resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("upload: %d %s", resp.StatusCode, data)
	}
	var out struct{ SHA256 string }
	if err := json.Unmarshal(data, &out); err != nil {
		return "", err
	}
	return out.SHA256, nil
}

// picturesRun is issue 14's two probes alone (make bench-pictures): an
// anonymous read of a 20 KB validated sheet showing three pictures beside
// the same read without them (T1), and a picture's 640 px copy from the
// cache, each in rounds beside H as T1 is. It returns a Markdown section;
// the full suite (make bench) measures the 640 px copy too.
func picturesRun(dir string, d time.Duration, conns int) string {
	env := []string{"ATLAS_DATA_DIR=" + filepath.Join(dir, "data-pictures"), "ATLAS_ADDR=127.0.0.1:" + freePort(), "ATLAS_LOG_FORMAT=json", "ATLAS_ACCESS_LOG=false"}
	atlasCmd(dir, env, "mot de passe du banc\n", "user", "create", "--username", "banc", "--email", "banc@example.org", "--role", "admin", "--password-stdin")
	token := atlasCmd(dir, env, "", "token", "create", "--username", "banc")
	tokens := map[string]string{}
	for _, n := range []string{"ca1", "ca2", "ca3"} {
		atlasCmd(dir, env, "mot de passe du banc\n", "user", "create", "--username", n, "--email", n+"@example.org", "--role", "contributor", "--password-stdin")
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
	validate := func(slug string, revision int) {
		must(apiCall("PUT", api+"/sheets/"+slug+"/board", token, map[string]any{"members": []string{"ca1", "ca2", "ca3"}}, nil))
		var rv struct{ ID int }
		must(apiCall("POST", api+"/sheets/"+slug+"/reviews", token, map[string]any{"revision": revision}, &rv))
		for _, n := range []string{"ca1", "ca2"} {
			must(apiCall("POST", fmt.Sprintf("%s/reviews/%d/votes", api, rv.ID), tokens[n], map[string]any{"choice": "approve", "revision": revision}, nil))
		}
	}
	var created struct{ Slug string }
	body := sheetBody(20<<10, 0)
	must(apiCall("POST", api+"/sheets", token, map[string]any{"title": "Fiche publiée de 20 Ko", "body": body}, &created))
	plain := created.Slug
	validate(plain, 1)
	// The same text with three pictures, one after each of the first
	// three paragraphs, as a blog post being replaced has them.
	must(apiCall("POST", api+"/sheets", token, map[string]any{"title": "Fiche illustrée de 20 Ko", "body": body}, &created))
	illustrated := created.Slug
	var shas []string
	for _, size := range [][2]int{{1600, 1000}, {1200, 900}, {1000, 1400}} {
		sha, err := uploadPictureSized(api, token, illustrated, size[0], size[1])
		must(err)
		shas = append(shas, sha)
	}
	paras := strings.SplitAfter(body, "\n\n")
	var b strings.Builder
	for i, p := range paras {
		b.WriteString(p)
		if i < len(shas) {
			fmt.Fprintf(&b, "![Photo %d du banc](/media/%s)\n\n", i+1, shas[i])
		}
	}
	must(apiCall("PUT", api+"/sheets/"+illustrated, token, map[string]any{"base": 1, "title": "Fiche illustrée de 20 Ko", "body": b.String()}, nil))
	validate(illustrated, 2)
	page := string(fetch(s.url + "/sheets/" + illustrated))
	if n := strings.Count(page, "srcset="); n < 3 {
		log.Fatalf("the illustrated page shows %d pictures with srcset, want 3", n)
	}

	hello := start(dir, "hello", []string{"-addr", "127.0.0.1:" + freePort()}, nil)
	defer hello.stop()
	probes := []probe{
		{name: "H: Fiber hello", url: hello.url + "/"},
		{name: "T1 anonymous read, 20 KB validated sheet", url: s.url + "/sheets/" + plain},
		{name: "T1 anonymous read, the same 20 KB sheet showing three pictures (the page only)", url: s.url + "/sheets/" + illustrated},
		{name: "a picture's 640 px copy (JPEG), from the cache", url: s.url + "/media/" + shas[0] + "?w=640"},
	}
	m := inRounds(t1Rounds, conns, d, probes)
	var out strings.Builder
	out.WriteString("| scenario | req/s | ratio to H | p50 ms | p95 ms | p99 ms | answers |\n|---|---:|---:|---:|---:|---:|---|\n")
	for i, p := range m {
		ratio := "1"
		if i > 0 {
			ratio = roundsRatio(p)
		}
		r := p.median
		fmt.Fprintf(&out, "| %s | %.0f | %s | %.2f | %.2f | %.2f | %s%s |\n", r.Name, r.RPS, ratio, ms(r.P50), ms(r.P95), ms(r.P99), answers(r), errNote(r.Errors))
	}
	// The page with pictures against T1, round by round (same load).
	var rel []string
	for k := range m[1].rounds {
		rel = append(rel, fmt.Sprintf("%.3f", m[2].rounds[k].RPS/m[1].rounds[k].RPS))
	}
	fmt.Fprintf(&out, "\nThe page with three pictures against T1, round by round: %s (1 = the same throughput).\n", strings.Join(rel, ", "))
	fmt.Fprintf(&out, "H by round: %s req/s.\n", rpsList(m[0].rounds))
	return out.String()
}
