package web_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"atlas/internal/testutil"
)

// One account holds at most five event streams at once: a sixth is 429
// with Retry-After, other accounts are not affected, and a stream that
// ends gives its place back.
func TestEventStreamsPerAccountAreBounded(t *testing.T) {
	a := newTestAtlasStreaming(t, testutil.NewSQLite(t), 2*time.Second)
	slug := createSheet(t, a, "Flux comptés", body1)
	base := serveOnLoopback(t, a)
	cookies := map[string]map[string]string{}
	for _, who := range []string{"marie", "admin"} {
		b := a.browser()
		b.login(who)
		cookies[who] = b.cookies
	}
	// open answers the stream's status and headers, and its body, which
	// the test's end closes.
	type stream struct {
		StatusCode int
		Header     http.Header
		Body       io.Reader
	}
	open := func(who string) stream {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		t.Cleanup(cancel)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/sheets/"+slug+"/events", nil)
		for name, value := range cookies[who] {
			req.AddCookie(&http.Cookie{Name: name, Value: value})
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("stream for %s: %v", who, err)
		}
		t.Cleanup(func() { closeBody(t, resp) })
		return stream{resp.StatusCode, resp.Header, resp.Body}
	}
	var streams []stream
	for i := range 5 {
		r := open("marie")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("stream %d of 5: %d", i+1, r.StatusCode)
		}
		streams = append(streams, r)
	}
	sixth := open("marie")
	body, _ := io.ReadAll(sixth.Body)
	if sixth.StatusCode != http.StatusTooManyRequests || sixth.Header.Get("Retry-After") == "" || !strings.Contains(string(body), "en direct") {
		t.Errorf("sixth stream: %d, Retry-After %q", sixth.StatusCode, sixth.Header.Get("Retry-After"))
	}
	if r := open("admin"); r.StatusCode != http.StatusOK {
		t.Errorf("another account's stream: %d", r.StatusCode)
	}
	// The streams end with their lifetime; each gives its place back.
	if _, err := io.Copy(io.Discard, bufio.NewReader(streams[0].Body)); err != nil {
		t.Fatal(err)
	}
	if r := open("marie"); r.StatusCode != http.StatusOK {
		t.Errorf("a stream after one ended: %d", r.StatusCode)
	}
}
