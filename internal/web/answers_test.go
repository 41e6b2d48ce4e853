package web_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"testing"
	"time"
)

// readAndClose reads an answer to its end and closes it.
func readAndClose(resp *http.Response) ([]byte, error) {
	data, err := io.ReadAll(resp.Body)
	return data, errors.Join(err, resp.Body.Close())
}

// closeBody closes an answer whose body the test does not read; closing
// an in-memory body fails only on a broken test transport.
func closeBody(tb testing.TB, resp *http.Response) {
	tb.Helper()
	if err := resp.Body.Close(); err != nil {
		tb.Errorf("close the answer: %v", err)
	}
}

// closeFile closes a file the test only read.
func closeFile(tb testing.TB, f *os.File) {
	tb.Helper()
	if err := f.Close(); err != nil {
		tb.Errorf("close %s: %v", f.Name(), err)
	}
}

// serveOnLoopback serves a over a real listener until the test ends, for
// the streams app.Test cannot carry, and returns its base URL.
func serveOnLoopback(t *testing.T, a *testAtlas) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- a.app.Listener(ln) }()
	t.Cleanup(func() {
		// A stream the test left ends at its server's next write, which
		// may come after the second granted here: not the test's subject.
		if err := a.app.ShutdownWithTimeout(time.Second); err != nil && !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("shutdown: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}
