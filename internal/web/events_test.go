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
	"atlas/internal/web"
)

// TestEditorsSeeEachOtherLive opens the edit page's event stream for Marie
// over a real connection, then the admin opens the editor and saves: Marie
// hears both, and never her own news.
func TestEditorsSeeEachOtherLive(t *testing.T) {
	a := newTestAtlasStreaming(t, testutil.NewSQLite(t), 30*time.Second)
	slug := createSheet(t, a, "En direct", body1)
	base := serveOnLoopback(t, a)

	stream := func(who string) *bufio.Reader {
		b := a.browser()
		b.login(who)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		t.Cleanup(cancel)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/sheets/"+slug+"/events?editing=1", nil)
		for name, value := range b.cookies {
			req.AddCookie(&http.Cookie{Name: name, Value: value})
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("stream for %s: %v", who, err)
		}
		t.Cleanup(func() { closeBody(t, resp) })
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("stream for %s: %v", who, resp)
		}
		return bufio.NewReader(resp.Body)
	}
	marie := stream("marie")
	stream("admin") // the admin opens the editor too
	if r := a.api(http.MethodPut, "/sheets/"+slug, "admin", map[string]any{"base": 1, "title": "En direct", "body": body1 + "\nAjout.\n"}); r.status != http.StatusOK {
		t.Fatalf("save: %d", r.status)
	}
	seen := map[string]string{}
	deadline := time.Now().Add(15 * time.Second)
	for len(seen) < 2 && time.Now().Before(deadline) {
		line, err := marie.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended: %v (seen %v)", err, seen)
		}
		if kind, ok := strings.CutPrefix(strings.TrimSpace(line), "event: "); ok {
			data, _ := marie.ReadString('\n')
			seen[kind] = data
		}
	}
	if !strings.Contains(seen["presence"], `"name":"admin"`) || !strings.Contains(seen["revision"], `"revision":2`) {
		t.Errorf("Marie heard %v", seen)
	}
	if strings.Contains(seen["presence"], `"name":"marie"`) {
		t.Error("Marie heard her own presence")
	}
}

// openStream serves a over a real listener and opens who's event stream
// on the sheet; the reader ends when the stream does.
func openStream(t *testing.T, a *testAtlas, who, slug string) *bufio.Reader {
	t.Helper()
	base := serveOnLoopback(t, a)
	b := a.browser()
	b.login(who)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/sheets/"+slug+"/events", nil)
	for name, value := range b.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: value})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("stream for %s: %v %v", who, err, resp)
	}
	t.Cleanup(func() { closeBody(t, resp) })
	return bufio.NewReader(resp.Body)
}

// nextEvent reads the stream up to its next event's kind.
func nextEvent(r *bufio.Reader) (string, error) {
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return "", err
		}
		if kind, ok := strings.CutPrefix(strings.TrimSpace(line), "event: "); ok {
			return kind, nil
		}
	}
}

// TestEventStreamsOutliveTheWriteTimeout: the server's write timeout is
// set once per answer, and a stream lives far longer; news sent after it
// has passed must still arrive.
func TestEventStreamsOutliveTheWriteTimeout(t *testing.T) {
	a := newTestAtlasWith(t, testutil.NewSQLite(t), func(d *web.Deps) {
		d.StreamLifetime, d.WriteTimeout = 30*time.Second, 300*time.Millisecond
	})
	slug := createSheet(t, a, "Longue écoute", body1)
	marie := openStream(t, a, "marie", slug)
	for n := 2; n <= 4; n++ {
		time.Sleep(400 * time.Millisecond) // past the write timeout each time
		if r := a.api(http.MethodPut, "/sheets/"+slug, "admin", map[string]any{"base": n - 1, "title": "Longue écoute", "body": body1 + strings.Repeat("\nAjout.\n", n)}); r.status != http.StatusOK {
			t.Fatalf("save %d: %d", n, r.status)
		}
		if kind, err := nextEvent(marie); err != nil || kind != "revision" {
			t.Fatalf("after %d saves, Marie's stream: %q, %v", n-1, kind, err)
		}
	}
}

// TestShutdownEndsEventStreams: a graceful stop does not wait for open
// editors' streams, which would otherwise hold it to its deadline.
func TestShutdownEndsEventStreams(t *testing.T) {
	stopping := make(chan struct{})
	a := newTestAtlasWith(t, testutil.NewSQLite(t), func(d *web.Deps) {
		d.StreamLifetime, d.Stopping = time.Minute, stopping
	})
	slug := createSheet(t, a, "Arrêt", body1)
	marie := openStream(t, a, "marie", slug)
	if _, err := marie.ReadString('\n'); err != nil { // retry: the stream is open
		t.Fatal(err)
	}
	close(stopping)
	ended := make(chan struct{})
	go func() {
		_, _ = io.ReadAll(marie) // cut or clean, only that it ends matters
		close(ended)
	}()
	select {
	case <-ended:
	case <-time.After(3 * time.Second):
		t.Fatal("the stream is still open 3 s after the server began stopping")
	}
	start := time.Now()
	if err := a.app.ShutdownWithTimeout(5 * time.Second); err != nil || time.Since(start) > 2*time.Second {
		t.Fatalf("shutdown: %v after %v", err, time.Since(start))
	}
}
