package web_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
	"atlas/internal/web"
)

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
