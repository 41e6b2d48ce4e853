package web_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"atlas/internal/app/apptest"
	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/web"
)

// liveAtlas is a test atlas served on a real port, for WebSockets.
type liveAtlas struct {
	*testAtlas
	addr string
}

func newLiveAtlas(t *testing.T, d *db.DB, tune func(*web.Deps)) *liveAtlas {
	t.Helper()
	a := newTestAtlasWith(t, d, func(deps *web.Deps) {
		deps.StreamLifetime = 50 * time.Millisecond
		if tune != nil {
			tune(deps)
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = a.app.Listener(ln) }()
	t.Cleanup(func() { _ = a.app.Shutdown() })
	return &liveAtlas{testAtlas: a, addr: ln.Addr().String()}
}

// liveClient is a browser's socket as the protocol has it.
type liveClient struct {
	t      *testing.T
	ws     *websocket.Conn
	client int64
	msgs   chan map[string]any
	closed chan int // the close code
	// skipped keeps what next passed over, for a later next.
	skipped []map[string]any
}

func (a *liveAtlas) cookieOf(username string) string {
	b := a.browser()
	b.login(username)
	parts := []string{}
	for k, v := range b.cookies {
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, "; ")
}

// dial opens slug's socket with the cookie; origin "" sends the site's.
func (a *liveAtlas) dial(t *testing.T, slug, cookie string, client int64, origin string) (*liveClient, int, error) {
	t.Helper()
	h := http.Header{}
	if cookie != "" {
		h.Set("Cookie", cookie)
	}
	if origin == "" {
		origin = "http://" + a.addr
	}
	h.Set("Origin", origin)
	ws, resp, err := websocket.DefaultDialer.Dial("ws://"+a.addr+"/sheets/"+slug+"/live/socket?client="+strconv.FormatInt(client, 10), h)
	status := 0
	if resp != nil {
		status = resp.StatusCode
		_ = resp.Body.Close()
	}
	if err != nil {
		return nil, status, err
	}
	c := &liveClient{t: t, ws: ws, client: client, msgs: make(chan map[string]any, 10000), closed: make(chan int, 1)}
	go func() {
		for {
			_, data, err := ws.ReadMessage()
			if err != nil {
				code := 0
				if ce, ok := err.(*websocket.CloseError); ok {
					code = ce.Code
				}
				c.closed <- code
				close(c.msgs)
				return
			}
			var m map[string]any
			if json.Unmarshal(data, &m) == nil {
				c.msgs <- m
			}
		}
	}()
	t.Cleanup(func() { _ = ws.Close() })
	return c, status, nil
}

func (a *liveAtlas) join(t *testing.T, slug, cookie string, client int64) *liveClient {
	t.Helper()
	c, status, err := a.dial(t, slug, cookie, client, "")
	if err != nil {
		t.Fatalf("dial: %v (%d)", err, status)
	}
	return c
}

func (c *liveClient) send(m map[string]any) {
	c.t.Helper()
	data, _ := json.Marshal(m)
	if err := c.ws.WriteMessage(websocket.TextMessage, data); err != nil {
		c.t.Fatal(err)
	}
}

func (c *liveClient) update(b []byte) {
	c.send(map[string]any{"t": "update", "u": base64.StdEncoding.EncodeToString(b)})
}

// next returns the next message of type typ, skipping others.
func (c *liveClient) next(typ string) map[string]any {
	c.t.Helper()
	for i, m := range c.skipped {
		if m["t"] == typ {
			c.skipped = append(c.skipped[:i], c.skipped[i+1:]...)
			return m
		}
	}
	deadline := time.After(5 * time.Second)
	for {
		select {
		case m, ok := <-c.msgs:
			if !ok {
				c.t.Fatalf("client %d: closed while waiting for %q", c.client, typ)
			}
			if m["t"] == typ {
				return m
			}
			if len(c.skipped) < 10000 {
				c.skipped = append(c.skipped, m)
			}
			if m["t"] == "error" && typ != "error" {
				c.t.Fatalf("client %d: error while waiting for %q: %v", c.client, typ, m)
			}
		case <-deadline:
			c.t.Fatalf("client %d: no %q", c.client, typ)
		}
	}
}

// closeCode waits for the socket to close and returns its code.
func (c *liveClient) closeCode() int {
	c.t.Helper()
	select {
	case code := <-c.closed:
		return code
	case <-time.After(5 * time.Second):
		c.t.Fatalf("client %d: still open", c.client)
	}
	return 0
}

func decodeU(t *testing.T, m map[string]any) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(m["u"].(string))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func liveSheet(t *testing.T, a *liveAtlas, body string) *model.Sheet {
	t.Helper()
	sh, _, err := a.sheets.Create(t.Context(), a.marie, sheet.CreateInput{Title: "Jardin partagé", Body: body, Summary: "début"})
	if err != nil {
		t.Fatal(err)
	}
	return sh
}

// quickLive is a live service whose sessions are saved 200 ms after the
// last participant left.
func quickLive(t *testing.T) func(*web.Deps) {
	return func(deps *web.Deps) {
		svc := deps.Live
		svc.Grace = 200 * time.Millisecond
		svc.Heartbeat = 200 * time.Millisecond
		go svc.Run(t.Context())
	}
}

// postLiveSave posts the edit form from a session, asking for JSON.
func postLiveSave(t *testing.T, a *liveAtlas, cookie, slug string, session any, base int, body string) response {
	t.Helper()
	b := a.browser()
	b.login("marie")
	token := b.csrf("/sheets/" + slug + "/edit")
	form := url.Values{"_csrf": {token}, "title": {"Jardin partagé"}, "body": {body}, "summary": {"ensemble"},
		"base": {strconv.Itoa(base)}, "live_session": {fmt.Sprint(session)}, "licence": {"CC-BY-SA-4.0"}}
	req := httptest.NewRequest(http.MethodPost, "/sheets/"+slug+"/edit", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	return b.send(req)
}

// secondInstance is another atlas process on the same database.
func secondInstance(t *testing.T, d *db.DB, tune func(*web.Deps)) *liveAtlas {
	t.Helper()
	atlas := apptest.New(t, d)
	deps := atlas.WebDeps()
	if tune != nil {
		tune(&deps)
	}
	app, err := web.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	return &liveAtlas{testAtlas: &testAtlas{t: t, app: app, store: atlas.Store, auth: atlas.Auth, events: atlas.Events, sheets: atlas.Sheets}, addr: ln.Addr().String()}
}

// amendSocket is the slug-relative path dial turns into a review's
// amendment socket, /sheets/{slug}/reviews/{id}/live/socket.
func amendSocket(slug string, id int) string { return slug + "/reviews/" + itoa(id) }

// postAmend posts the amendment form as the live editor does (JSON).
func postAmend(t *testing.T, a *liveAtlas, who, slug string, id int, session any, body string) response {
	t.Helper()
	b := a.browser()
	b.login(who)
	amend := "/sheets/" + slug + "/reviews/" + itoa(id) + "/amend"
	page := b.get(amend)
	if page.status != http.StatusOK {
		t.Fatalf("amend page: %d", page.status)
	}
	form := editorForm(t, page.body)
	form.Set("body", body)
	form.Set("live_session", fmt.Sprint(session))
	req := httptest.NewRequest(http.MethodPost, amend, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	return b.send(req)
}

// waitHead waits for the sheet's head to reach n.
func waitHead(t *testing.T, a *liveAtlas, sheetID int64, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		sh, err := a.store.SheetByID(t.Context(), sheetID)
		if err != nil {
			t.Fatal(err)
		}
		if sh.HeadNumber >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("head stayed at %d, want %d", sh.HeadNumber, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
