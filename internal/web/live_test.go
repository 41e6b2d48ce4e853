package web_test

import (
	"context"
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
	"atlas/internal/live"
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

func TestLiveSaveCreditsCoauthorsAndTheLastLeaveSaves(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newLiveAtlas(t, d, quickLive(t))
		sh := liveSheet(t, a, "Premier jet.\n")
		c1 := a.join(t, sh.Slug, a.cookieOf("marie"), 1001)
		h := c1.next("hello")
		session := h["session"]
		c2 := a.join(t, sh.Slug, a.cookieOf("admin"), 1002)
		c2.next("hello")
		c1.update([]byte("m"))
		c2.update([]byte("a"))
		c1.next("update")
		c1.next("update")
		// The leader's text is the session's draft.
		c1.send(map[string]any{"t": "text", "seq": 2, "text": "Premier jet, à deux.\n"})
		// A non-leader may not send it: refused and closed, others unharmed.
		info := a.api(http.MethodGet, "/sheets/"+sh.Slug+"/live", "marie", nil)
		if info.status != http.StatusOK {
			t.Fatalf("live info: %d %s", info.status, info.body)
		}
		resp := postLiveSave(t, a, "", sh.Slug, session, 1, "Premier jet, à deux.\n")
		if resp.status != http.StatusCreated {
			t.Fatalf("save: %d %s", resp.status, resp.body)
		}
		got := resp.json(t)
		if got["revision"] != float64(2) || fmt.Sprint(got["coauthors"]) != "[admin marie]" || got["url"] != "/sheets/"+sh.Slug {
			t.Fatalf("save answer: %v", got)
		}
		if m := c2.next("base"); m["revision"] != float64(2) || m["saved"] != true || m["by"] != "marie" {
			t.Fatalf("base: %v", m)
		}
		revs := a.api(http.MethodGet, "/sheets/"+sh.Slug+"/revisions", "", nil).json(t)["revisions"].([]any)
		if c := revs[0].(map[string]any)["coauthors"]; fmt.Sprint(c) != "[admin marie]" {
			t.Fatalf("history coauthors: %v", c)
		}
		if c := revs[1].(map[string]any)["coauthors"]; fmt.Sprint(c) != "[]" {
			t.Fatalf("single author coauthors: %v", c)
		}
		page := a.browser().get("/sheets/" + sh.Slug + "/history")
		if !strings.Contains(string(page.body), `<span class="coauthors">avec <a`) || !strings.Contains(string(page.body), ">admin</a></span>") {
			t.Fatalf("history page without co-authors: %s", page.body)
		}
		editor := a.browser()
		editor.login("marie")
		if e := editor.get("/sheets/" + sh.Slug + "/edit"); !strings.Contains(string(e.body), `data-live-socket="/sheets/`+sh.Slug+`/live/socket"`) {
			t.Fatalf("editor without its socket address")
		}
		if e := editor.get("/sheets/" + sh.Slug + "/edit?section=0"); strings.Contains(string(e.body), "data-live-socket") {
			t.Fatalf("a section's editor offers the live socket")
		}
		// A stranger's session id is refused.
		if resp := postLiveSave(t, a, "", sh.Slug, 999999, 2, "x\n"); resp.status != http.StatusUnprocessableEntity {
			t.Fatalf("unknown session: %d %s", resp.status, resp.body)
		}
		// More typing, then everyone leaves: saved by itself.
		c2.update([]byte("b"))
		c1.update([]byte("c"))
		c1.next("update")
		c1.next("update")
		c1.send(map[string]any{"t": "text", "seq": 4, "text": "Premier jet, à deux, et plus.\n"})
		c1.send(map[string]any{"t": "ping"})
		c1.next("pong")
		_ = c1.ws.Close()
		_ = c2.ws.Close()
		deadline := time.Now().Add(5 * time.Second)
		for {
			sh2, err := a.store.SheetByID(t.Context(), sh.ID)
			if err != nil {
				t.Fatal(err)
			}
			if sh2.HeadNumber == 3 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("no automatic save")
			}
			time.Sleep(50 * time.Millisecond)
		}
		rev, err := a.store.Revision(t.Context(), sh.ID, 3)
		if err != nil {
			t.Fatal(err)
		}
		if rev.Origin != model.OriginLive || rev.Body != "Premier jet, à deux, et plus.\n" || !strings.HasPrefix(rev.Summary, "co-écriture : ") || !strings.Contains(rev.Summary, " et ") {
			t.Fatalf("automatic save: %+v", rev)
		}
		info = a.api(http.MethodGet, "/sheets/"+sh.Slug+"/live", "marie", nil)
		if m := info.json(t); m["base"] != float64(3) || m["dirty"] != false || len(m["participants"].([]any)) != 0 {
			t.Fatalf("after the session: %v", m)
		}
	})
}

func TestLiveExternalEditReachesTheLeaderAndMerges(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newLiveAtlas(t, d, quickLive(t))
		sh := liveSheet(t, a, "Un.\n\nDeux.\n\nTrois.\n")
		c1 := a.join(t, sh.Slug, a.cookieOf("marie"), 2001)
		c1.next("hello")
		// An API save of another paragraph lands.
		resp := a.api(http.MethodPut, "/sheets/"+sh.Slug, "admin", map[string]any{"base": 1, "title": "Jardin partagé", "body": "Un.\n\nDeux.\n\nTrois, dit l'API.\n", "summary": "api"})
		if resp.status != http.StatusOK {
			t.Fatalf("api save: %d %s", resp.status, resp.body)
		}
		ext := c1.next("external")
		if ext["revision"] != float64(2) {
			t.Fatalf("external: %v", ext)
		}
		c1.send(map[string]any{"t": "merge", "revision": 2, "text": "Un, tapé ensemble.\n\nDeux.\n\nTrois.\n"})
		m := c1.next("merged")
		if m["text"] != "Un, tapé ensemble.\n\nDeux.\n\nTrois, dit l'API.\n" || m["conflicts"] != float64(0) {
			t.Fatalf("merged: %v", m)
		}
		c1.send(map[string]any{"t": "rebased", "revision": 2})
		if b := c1.next("base"); b["revision"] != float64(2) || b["saved"] != false {
			t.Fatalf("base: %v", b)
		}
		// A revision of another sheet is refused.
		c1.send(map[string]any{"t": "merge", "revision": 99, "text": "x"})
		c1.next("error")
		if code := c1.closeCode(); code != live.CloseMalformed {
			t.Fatalf("close code %d", code)
		}
	})
}

// TestLiveJoinCatchesUpWithTheHead: versions made while the session had
// nobody to hear of them (it waited for its grace without participants)
// or while its leader left without merging reach the next leader as
// "external" for the head, so the session does not stay on an old base.
func TestLiveJoinCatchesUpWithTheHead(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newLiveAtlas(t, d, func(deps *web.Deps) {
			svc := deps.Live
			svc.Grace = time.Minute // the empty session stays for the test
			svc.Heartbeat = 200 * time.Millisecond
			go svc.Run(t.Context())
		})
		sh := liveSheet(t, a, "Un.\n\nDeux.\n\nTrois.\n")
		marie, admin := a.cookieOf("marie"), a.cookieOf("admin")
		c1 := a.join(t, sh.Slug, marie, 3001)
		h := c1.next("hello")
		session := h["session"]
		_ = c1.ws.Close()
		deadline := time.Now().Add(5 * time.Second)
		for {
			info := a.api(http.MethodGet, "/sheets/"+sh.Slug+"/live", "marie", nil).json(t)
			if len(info["participants"].([]any)) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the session did not stay empty: %v", info)
			}
			time.Sleep(20 * time.Millisecond)
		}
		// Saved while nobody is connected: no room hears of it.
		if resp := a.api(http.MethodPut, "/sheets/"+sh.Slug, "admin", map[string]any{"base": 1, "title": "Jardin partagé", "body": "Un.\n\nDeux.\n\nTrois, dit l'API.\n", "summary": "api"}); resp.status != http.StatusOK {
			t.Fatalf("api save: %d %s", resp.status, resp.body)
		}
		c2 := a.join(t, sh.Slug, marie, 3002)
		h = c2.next("hello")
		if h["session"] != session || h["base"] != float64(1) || h["leader"] != true {
			t.Fatalf("hello: %v", h)
		}
		if ext := c2.next("external"); ext["revision"] != float64(2) {
			t.Fatalf("external: %v", ext)
		}
		c2.send(map[string]any{"t": "merge", "revision": 2, "text": "Un.\n\nDeux.\n\nTrois.\n"})
		if m := c2.next("merged"); m["text"] != "Un.\n\nDeux.\n\nTrois, dit l'API.\n" || m["conflicts"] != float64(0) {
			t.Fatalf("merged: %v", m)
		}
		c2.send(map[string]any{"t": "rebased", "revision": 2})
		if b := c2.next("base"); b["revision"] != float64(2) {
			t.Fatalf("base: %v", b)
		}
		// A session on its head: the next leader is not asked anything.
		c3 := a.join(t, sh.Slug, admin, 3003)
		if h := c3.next("hello"); h["base"] != float64(2) || h["leader"] != false {
			t.Fatalf("second hello: %v", h)
		}
		// The leader hears of version 3 and leaves without merging it:
		// the next leader is asked for it.
		if resp := a.api(http.MethodPut, "/sheets/"+sh.Slug, "admin", map[string]any{"base": 2, "title": "Jardin partagé", "body": "Un, dit l'API.\n\nDeux.\n\nTrois, dit l'API.\n", "summary": "api"}); resp.status != http.StatusOK {
			t.Fatalf("api save: %d %s", resp.status, resp.body)
		}
		if ext := c2.next("external"); ext["revision"] != float64(3) {
			t.Fatalf("external to the leader: %v", ext)
		}
		_ = c2.ws.Close()
		c3.next("leader")
		if ext := c3.next("external"); ext["revision"] != float64(3) {
			t.Fatalf("external to the new leader: %v", ext)
		}
		for _, m := range c3.skipped {
			if m["t"] == "external" && m["revision"] != float64(3) {
				t.Fatalf("a stale external: %v", m)
			}
		}
	})
}

func TestLiveRefusesWhoMayNotWriteAndHostileMessages(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newLiveAtlas(t, d, quickLive(t))
		paul := testutil.User(t, a.store, "paul", model.RoleContributor)
		sh := liveSheet(t, a, "Texte.\n")
		other := liveSheet(t, a, "Autre.\n")
		marie := a.cookieOf("marie")
		// Nobody signed in, or another site's page: refused at the door.
		if _, status, err := a.dial(t, sh.Slug, "", 1, ""); err == nil || status != http.StatusUnauthorized {
			t.Fatalf("anonymous: %v %d", err, status)
		}
		if _, status, err := a.dial(t, sh.Slug, marie, 1, "http://evil.example"); err == nil || status != http.StatusForbidden {
			t.Fatalf("cross-origin: %v %d", err, status)
		}
		if _, status, err := a.dial(t, sh.Slug, marie, 0, ""); err == nil || status != http.StatusBadRequest {
			t.Fatalf("no client: %v %d", err, status)
		}
		// A good participant stays through everything below.
		good := a.join(t, sh.Slug, marie, 10)
		good.next("hello")
		// Hostile messages close only their own connection.
		for _, tc := range []struct {
			name string
			msg  string
			code int
		}{
			{"not JSON", "{nope", live.CloseMalformed},
			{"unknown type", `{"t":"shout"}`, live.CloseMalformed},
			{"bad base64", `{"t":"update","u":"@@@"}`, live.CloseMalformed},
			{"text from a non-leader", `{"t":"text","seq":0,"text":"pris"}`, live.CloseMalformed},
			{"state from a non-leader", `{"t":"state","seq":0,"u":"AA=="}`, live.CloseMalformed},
			{"too big", `{"t":"update","u":"` + base64.StdEncoding.EncodeToString(make([]byte, live.MaxUpdateBytes+1)) + `"}`, live.CloseTooBig},
		} {
			c := a.join(t, sh.Slug, a.cookieOf("paul"), 20)
			c.next("hello")
			if err := c.ws.WriteMessage(websocket.TextMessage, []byte(tc.msg)); err != nil {
				t.Fatal(err)
			}
			if e := c.next("error"); e["message"] == "" {
				t.Fatalf("%s: error without message", tc.name)
			}
			if code := c.closeCode(); code != tc.code {
				t.Fatalf("%s: close code %d, want %d", tc.name, code, tc.code)
			}
		}
		// Another sheet's session cannot be saved into this one.
		oc := a.join(t, other.Slug, marie, 30)
		oh := oc.next("hello")
		if resp := postLiveSave(t, a, "", sh.Slug, oh["session"], 1, "x\n"); resp.status != http.StatusUnprocessableEntity {
			t.Fatalf("other sheet's session: %d %s", resp.status, resp.body)
		}
		good.update([]byte("toujours là"))
		if m := good.next("update"); decodeU(t, m) != "toujours là" {
			t.Fatalf("good participant: %v", m)
		}
		// A disabled account is dropped.
		pc := a.join(t, sh.Slug, a.cookieOf("paul"), 40)
		pc.next("hello")
		if err := a.auth.SetRole(t.Context(), a.admin, paul.ID, model.RoleContributor, true); err != nil {
			t.Fatal(err)
		}
		if code := pc.closeCode(); code != live.CloseDisabled {
			t.Fatalf("disabled: close code %d", code)
		}
		// An archived sheet drops its participants and takes no one.
		if resp := a.api(http.MethodPost, "/sheets/"+sh.Slug+"/archive", "admin", map[string]any{"reason": "doublon"}); resp.status >= 300 {
			t.Fatalf("archive: %d %s", resp.status, resp.body)
		}
		if code := good.closeCode(); code != live.CloseNotAllowed {
			t.Fatalf("archived: close code %d", code)
		}
		if _, status, err := a.dial(t, sh.Slug, marie, 50, ""); err == nil || status < 400 {
			t.Fatalf("archived sheet joined: %d", status)
		}
	})
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

func TestLiveLogSurvivesARestartAndCompacts(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		compacting := func(deps *web.Deps) {
			svc := deps.Live
			svc.CompactEvery = 10
			go svc.Run(t.Context())
		}
		a := newLiveAtlas(t, d, compacting)
		sh := liveSheet(t, a, "Texte.\n")
		marie := a.cookieOf("marie")
		c := a.join(t, sh.Slug, marie, 5)
		c.next("hello")
		for i := range 12 {
			c.update([]byte{byte(i)})
		}
		for range 12 {
			c.next("update")
		}
		c.next("compact")
		c.send(map[string]any{"t": "state", "seq": 10, "u": base64.StdEncoding.EncodeToString([]byte("état"))})
		c.send(map[string]any{"t": "ping"})
		c.next("pong")
		_ = c.ws.Close()
		// Another process on the same database (the restarted server)
		// replays the compacted log.
		b := secondInstance(t, d, compacting)
		c2 := b.join(t, sh.Slug, marie, 6)
		h := c2.next("hello")
		ups := h["updates"].([]any)
		if len(ups) != 3 {
			t.Fatalf("replayed %d rows: %v", len(ups), ups)
		}
		first := ups[0].(map[string]any)
		if got, _ := base64.StdEncoding.DecodeString(first["u"].(string)); string(got) != "état" || first["seq"] != float64(10) {
			t.Fatalf("state row: %v", first)
		}
		if last := ups[2].(map[string]any); last["seq"] != float64(12) {
			t.Fatalf("last row: %v", last)
		}
		c2.update([]byte("suite"))
		if m := c2.next("update"); m["seq"] != float64(13) {
			t.Fatalf("next seq: %v", m)
		}
	})
}

// Two instances on one PostgreSQL: participants on each see the others'
// updates, in one order, and only one of them leads.
func TestLiveCrossesInstancesOnPostgres(t *testing.T) {
	d, dsn := testutil.NewPostgresURL(t)
	listen := func(deps *web.Deps) {
		deps.Events.ListenPostgres(t.Context(), dsn, func(ctx context.Context, sql string, args ...any) error {
			return d.Conn(ctx).Exec(sql, args...).Error
		})
		quickLive(t)(deps)
	}
	a := newLiveAtlas(t, d, listen)
	b := secondInstance(t, d, listen)
	time.Sleep(300 * time.Millisecond) // both listening
	sh := liveSheet(t, a, "Texte.\n")
	c1 := a.join(t, sh.Slug, a.cookieOf("marie"), 71)
	h1 := c1.next("hello")
	c2 := b.join(t, sh.Slug, a.cookieOf("admin"), 72)
	h2 := c2.next("hello")
	if h1["leader"] != true || h2["leader"] != false || h1["session"] != h2["session"] {
		t.Fatalf("hellos: %v / %v", h1, h2)
	}
	for p := c1.next("participants"); len(p["list"].([]any)) != 2; p = c1.next("participants") {
	}
	for i := range 10 {
		c1.update([]byte("a" + strconv.Itoa(i)))
		c2.update([]byte("b" + strconv.Itoa(i)))
	}
	var o1, o2 []string
	for range 20 {
		m1, m2 := c1.next("update"), c2.next("update")
		o1 = append(o1, fmt.Sprint(m1["seq"], decodeU(t, m1)))
		o2 = append(o2, fmt.Sprint(m2["seq"], decodeU(t, m2)))
	}
	if strings.Join(o1, ",") != strings.Join(o2, ",") {
		t.Fatalf("orders differ:\n%v\n%v", o1, o2)
	}
	c2.send(map[string]any{"t": "awareness", "u": base64.StdEncoding.EncodeToString([]byte("ici"))})
	if m := c1.next("awareness"); decodeU(t, m) != "ici" {
		t.Fatalf("awareness across instances: %v", m)
	}
	// An external save on instance B reaches the leader on A.
	if _, err := b.sheets.Save(t.Context(), a.admin, sh.Slug, sheet.SaveInput{Base: 1, Title: "Jardin partagé", Body: "Texte, ailleurs.\n"}); err != nil {
		t.Fatal(err)
	}
	if m := c1.next("external"); m["revision"] != float64(2) {
		t.Fatalf("external: %v", m)
	}
	// The leader leaves: the other instance's participant leads.
	_ = c1.ws.Close()
	c2.next("leader")
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

// A board amendment written together has its own session, seeded with
// the reviewed revision (not the head, not the sheet's session); saving
// it credits its co-writers and moves the review; the last leave saves
// the rest as a further amendment; only who may amend joins.
func TestLiveAmendmentMovesTheReview(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newLiveAtlas(t, d, quickLive(t))
		sh := liveSheet(t, a, "Statuts du jardin.\n\nArticle 2.\n")
		withBoard(t, a.testAtlas, sh.Slug)
		r := a.api(http.MethodPost, "/sheets/"+sh.Slug+"/reviews", "marie", map[string]any{"revision": 1})
		if r.status != http.StatusCreated {
			t.Fatalf("submit: %d %s", r.status, r.body)
		}
		id := int(r.json(t)["id"].(float64))
		// The sheet moves on after the submission, and has its own session.
		if _, err := a.sheets.Save(t.Context(), a.marie, sh.Slug, sheet.SaveInput{Base: 1, Title: "Jardin partagé",
			Body: "Statuts du jardin.\n\nArticle 2, revu.\n", Summary: "à côté"}); err != nil {
			t.Fatalf("ordinary edit: %v", err)
		}
		plain := a.join(t, sh.Slug, a.cookieOf("admin"), 3000)
		plainSession := plain.next("hello")["session"]

		c1 := a.join(t, amendSocket(sh.Slug, id), a.cookieOf("anne"), 3001)
		h1 := c1.next("hello")
		session := h1["session"]
		if session == plainSession || h1["seed"] != "Statuts du jardin.\n\nArticle 2.\n" || h1["base"] != float64(1) {
			t.Fatalf("amendment hello: %v (sheet session %v)", h1, plainSession)
		}
		c2 := a.join(t, amendSocket(sh.Slug, id), a.cookieOf("marie"), 3002) // the submitter
		if h2 := c2.next("hello"); h2["session"] != session {
			t.Fatalf("two sessions for one amendment: %v", h2)
		}
		// Neither the admin (no seat) nor a board member of nobody joins.
		testutil.User(t, a.store, "paul", model.RoleContributor)
		for _, who := range []string{"admin", "paul"} {
			c := a.join(t, amendSocket(sh.Slug, id), a.cookieOf(who), 3010)
			if m := c.next("error"); m["code"] != "not_allowed" {
				t.Fatalf("%s: %v", who, m)
			}
			if code := c.closeCode(); code != live.CloseNotAllowed {
				t.Fatalf("%s closed with %d", who, code)
			}
		}
		c1.update([]byte("a"))
		c2.update([]byte("m"))
		c1.next("update")
		c1.next("update")
		// The sheet's session knows nothing of it.
		plain.send(map[string]any{"t": "ping"})
		plain.next("pong")
		for _, m := range plain.skipped {
			if m["t"] == "update" {
				t.Fatalf("the sheet's session got the amendment's update: %v", m)
			}
		}
		// Sessions do not cross: the sheet's on the amendment form, the
		// amendment's on the edit form.
		if resp := postAmend(t, a, "anne", sh.Slug, id, plainSession, "x\n"); resp.status != http.StatusUnprocessableEntity {
			t.Fatalf("sheet session on the amendment: %d %s", resp.status, resp.body)
		}
		if resp := postLiveSave(t, a, "", sh.Slug, session, 2, "x\n"); resp.status != http.StatusUnprocessableEntity {
			t.Fatalf("amendment session on the edit form: %d %s", resp.status, resp.body)
		}

		resp := postAmend(t, a, "anne", sh.Slug, id, session, "Statuts du jardin, amendés ensemble.\n\nArticle 2.\n")
		if resp.status != http.StatusCreated {
			t.Fatalf("amend: %d %s", resp.status, resp.body)
		}
		got := resp.json(t)
		if fmt.Sprint(got["coauthors"]) != "[anne marie]" || got["url"] != "/sheets/"+sh.Slug+"/reviews/"+itoa(id) {
			t.Fatalf("amend answer: %v", got)
		}
		// Merged onto the head (3), the amendment is revision 3: the
		// session hears of it and its leader merges it.
		if m := c1.next("external"); m["revision"] != float64(3) {
			t.Fatalf("external: %v", m)
		}
		rv := a.api(http.MethodGet, "/reviews/"+itoa(id), "marie", nil).json(t)
		if rv["revision"] != float64(3) {
			t.Fatalf("review stayed on %v", rv["revision"])
		}
		rev := apiBody(t, a.testAtlas, sh.Slug, "3")
		if rev["origin"] != "amendment" || fmt.Sprint(rev["coauthors"]) != "[anne marie]" || rev["body"] != "Statuts du jardin, amendés ensemble.\n\nArticle 2, revu.\n" {
			t.Fatalf("amendment revision: %v", rev)
		}
		page := a.browser().get("/sheets/" + sh.Slug + "/reviews/" + itoa(id))
		if !strings.Contains(string(page.body), `<span class="coauthors">Co-écrit avec <a`) {
			t.Fatalf("review page without the co-writers: %s", page.body)
		}
		editor := a.browser()
		editor.login("anne")
		if e := editor.get("/sheets/" + sh.Slug + "/reviews/" + itoa(id) + "/amend"); !strings.Contains(string(e.body), `data-socket="/sheets/`+sh.Slug+`/reviews/`+itoa(id)+`/live/socket"`) {
			t.Fatal("the amendment editor without its socket")
		}
		// The leader takes the amendment in (as the browser does).
		c1.send(map[string]any{"t": "rebased", "revision": 3})
		c2.next("base")
		// More typing, then everyone leaves: saved as a further amendment.
		c2.update([]byte("b"))
		c1.update([]byte("c"))
		c1.next("update")
		c1.next("update")
		c1.send(map[string]any{"t": "text", "seq": 4, "text": "Statuts du jardin, amendés ensemble.\n\nArticle 2, revu et voté.\n"})
		c1.send(map[string]any{"t": "ping"})
		c1.next("pong")
		_ = c1.ws.Close()
		_ = c2.ws.Close()
		waitHead(t, a, sh.ID, 4)
		auto, err := a.store.Revision(t.Context(), sh.ID, 4)
		if err != nil {
			t.Fatal(err)
		}
		if auto.Origin != model.OriginAmendment || !strings.HasPrefix(auto.Summary, "amendement co-écrit (examen n° "+itoa(id)+") : ") || !strings.Contains(auto.Summary, " et ") {
			t.Fatalf("automatic amendment: %+v", auto)
		}
		if rv := a.api(http.MethodGet, "/reviews/"+itoa(id), "marie", nil).json(t); rv["revision"] != float64(4) {
			t.Fatalf("the automatic amendment left the review on %v", rv["revision"])
		}
		page = a.browser().get("/sheets/" + sh.Slug + "/reviews/" + itoa(id))
		if n := strings.Count(string(page.body), "Co-écrit avec"); n != 2 {
			t.Fatalf("%d amendments written together on the review page", n)
		}
	})
}

// An amendment session whose review closes meanwhile: its writers are
// closed out (4001 review_closed), and what they typed is saved as a
// plain version of the sheet, the review staying where it was.
func TestLiveAmendmentOfAClosedReviewKeepsTheText(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newLiveAtlas(t, d, quickLive(t))
		sh := liveSheet(t, a, "Règlement.\n")
		withBoard(t, a.testAtlas, sh.Slug)
		r := a.api(http.MethodPost, "/sheets/"+sh.Slug+"/reviews", "marie", map[string]any{"revision": 1})
		if r.status != http.StatusCreated {
			t.Fatalf("submit: %d %s", r.status, r.body)
		}
		id := int(r.json(t)["id"].(float64))
		c1 := a.join(t, amendSocket(sh.Slug, id), a.cookieOf("anne"), 4001)
		c1.next("hello")
		c2 := a.join(t, amendSocket(sh.Slug, id), a.cookieOf("bleuenn"), 4002)
		c2.next("hello")
		c1.update([]byte("a"))
		c2.update([]byte("b"))
		c1.next("update")
		c1.next("update")
		c1.send(map[string]any{"t": "text", "seq": 2, "text": "Règlement, presque amendé.\n"})
		c1.send(map[string]any{"t": "ping"})
		c1.next("pong")
		if w := a.api(http.MethodPost, "/reviews/"+itoa(id)+"/withdraw", "marie", nil); w.status != http.StatusOK {
			t.Fatalf("withdraw: %d %s", w.status, w.body)
		}
		for _, c := range []*liveClient{c1, c2} {
			if m := c.next("error"); m["code"] != "review_closed" {
				t.Fatalf("closed review: %v", m)
			}
			if code := c.closeCode(); code != live.CloseNotAllowed {
				t.Fatalf("closed with %d", code)
			}
		}
		waitHead(t, a, sh.ID, 2)
		rev, err := a.store.Revision(t.Context(), sh.ID, 2)
		if err != nil {
			t.Fatal(err)
		}
		if rev.Origin != model.OriginLive || rev.Body != "Règlement, presque amendé.\n" || !strings.Contains(rev.Summary, "clos entre-temps") {
			t.Fatalf("kept text: %+v", rev)
		}
		rv := a.api(http.MethodGet, "/reviews/"+itoa(id), "marie", nil).json(t)
		if rv["revision"] != float64(1) || rv["state"] != "withdrawn" {
			t.Fatalf("review: %v", rv)
		}
		// A closed review's socket refuses at once.
		c := a.join(t, amendSocket(sh.Slug, id), a.cookieOf("anne"), 4003)
		if m := c.next("error"); m["code"] != "review_closed" {
			t.Fatalf("join of a closed review: %v", m)
		}
	})
}
