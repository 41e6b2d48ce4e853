package web_test

import (
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
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
func (a *liveAtlas) dial(t *testing.T, slug, cookie string, client int64, origin string) (*liveClient, *http.Response, error) {
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
	if err != nil {
		return nil, resp, err
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
	return c, resp, nil
}

func (a *liveAtlas) join(t *testing.T, slug, cookie string, client int64) *liveClient {
	t.Helper()
	c, resp, err := a.dial(t, slug, cookie, client, "")
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
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

func TestLiveParticipantsSeeEachOthersUpdatesInOneOrder(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newLiveAtlas(t, d, nil)
		testutil.User(t, a.store, "paul", model.RoleContributor)
		sh := liveSheet(t, a, "Premier jet.\n")
		marie, admin, paul := a.cookieOf("marie"), a.cookieOf("admin"), a.cookieOf("paul")

		c1 := a.join(t, sh.Slug, marie, 11)
		hello := c1.next("hello")
		if hello["seed"] != "Premier jet.\n" || hello["leader"] != true || hello["origin_base"] != float64(1) || hello["base"] != float64(1) {
			t.Fatalf("first hello: %v", hello)
		}
		you := hello["you"].(map[string]any)
		if you["username"] != "marie" || !strings.HasPrefix(you["color"].(string), "#") {
			t.Fatalf("you: %v", you)
		}
		c2 := a.join(t, sh.Slug, admin, 22)
		if h := c2.next("hello"); h["leader"] != false || h["seed"] != "Premier jet.\n" {
			t.Fatalf("second hello: %v", h)
		}
		c3 := a.join(t, sh.Slug, paul, 33)
		c3.next("hello")
		// Everyone types at once; everyone, senders included, gets every
		// update once, in the same order, with contiguous seqs.
		const each = 20
		for i := range each {
			c1.update([]byte("a" + strconv.Itoa(i)))
			c2.update([]byte("b" + strconv.Itoa(i)))
			c3.update([]byte("c" + strconv.Itoa(i)))
		}
		var orders [3][]string
		for k, c := range []*liveClient{c1, c2, c3} {
			for i := range 3 * each {
				m := c.next("update")
				if m["seq"] != float64(i+1) {
					t.Fatalf("client %d: update %d has seq %v", k, i, m["seq"])
				}
				orders[k] = append(orders[k], decodeU(t, m)+"/"+m["by"].(string))
			}
		}
		if strings.Join(orders[0], ",") != strings.Join(orders[1], ",") || strings.Join(orders[0], ",") != strings.Join(orders[2], ",") {
			t.Fatalf("orders differ:\n%v\n%v\n%v", orders[0], orders[1], orders[2])
		}
		// A joiner gets the whole log, in order, and no seed.
		c4 := a.join(t, sh.Slug, paul, 44)
		h := c4.next("hello")
		if h["seed"] != nil {
			t.Fatalf("seed with a log: %v", h["seed"])
		}
		ups := h["updates"].([]any)
		if len(ups) != 3*each {
			t.Fatalf("joiner got %d updates", len(ups))
		}
		for i, u := range ups {
			m := u.(map[string]any)
			got, _ := base64.StdEncoding.DecodeString(m["u"].(string))
			if want := strings.Split(orders[0][i], "/")[0]; string(got) != want || m["seq"] != float64(i+1) {
				t.Fatalf("log %d: %q seq %v, want %q", i, got, m["seq"], want)
			}
		}
		authors := h["authors"].(map[string]any)
		if len(authors) != 4 || authors["22"].(map[string]any)["username"] != "admin" {
			t.Fatalf("authors: %v", authors)
		}
		// Awareness goes to the others, not back to its sender.
		c2.send(map[string]any{"t": "awareness", "u": base64.StdEncoding.EncodeToString([]byte("curseur"))})
		if m := c1.next("awareness"); decodeU(t, m) != "curseur" {
			t.Fatalf("awareness: %v", m)
		}
		c1.send(map[string]any{"t": "ping"})
		c1.next("pong")
		// One leaves: the others hear it is gone.
		_ = c3.ws.Close()
		if m := c1.next("gone"); m["client"] != float64(33) {
			t.Fatalf("gone: %v", m)
		}
	})
}
