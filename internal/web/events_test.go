package web_test

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"atlas/internal/testutil"
)

// TestEditorsSeeEachOtherLive opens the edit page's event stream for Marie
// over a real connection, then the admin opens the editor and saves: Marie
// hears both, and never her own news.
func TestEditorsSeeEachOtherLive(t *testing.T) {
	a := newTestAtlasStreaming(t, testutil.NewSQLite(t), 30*time.Second)
	slug := createSheet(t, a, "En direct", body1)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go a.app.Listener(ln)
	defer a.app.ShutdownWithTimeout(time.Second)
	base := "http://" + ln.Addr().String()

	stream := func(who string) (*bufio.Reader, func()) {
		b := a.browser()
		b.login(who)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/sheets/"+slug+"/events?editing=1", nil)
		for name, value := range b.cookies {
			req.AddCookie(&http.Cookie{Name: name, Value: value})
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("stream for %s: %v %v", who, err, resp)
		}
		return bufio.NewReader(resp.Body), func() { cancel(); resp.Body.Close() }
	}
	marie, stopMarie := stream("marie")
	defer stopMarie()
	_, stopAdmin := stream("admin") // the admin opens the editor too
	defer stopAdmin()
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
