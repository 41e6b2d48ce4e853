package web_test

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"atlas/internal/db"
	"atlas/internal/live"
	"atlas/internal/model"
	"atlas/internal/testutil"
	"atlas/internal/web"
)

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
