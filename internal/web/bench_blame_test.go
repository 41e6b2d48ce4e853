package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"atlas/internal/sheet"
	"atlas/internal/testutil"
)

// BenchmarkAnonymousBlamePage is the server's own work for an anonymous
// read of the "Qui a écrit quoi" page of a 50 KB sheet written by two
// people, from the page cache as sheet pages are (issue 17 wants the page
// at 0.3·H or more: `make bench` measures it beside H). The change feed
// runs, as in `atlas serve`, so the sheet row is kept in memory.
func BenchmarkAnonymousBlamePage(b *testing.B) {
	d := testutil.NewSQLite(b)
	a := newTestAtlas(b, d)
	sqlDB, err := d.SQL()
	if err != nil {
		b.Fatal(err)
	}
	a.events.PollSQLite(b.Context(), sqlDB, 50*time.Millisecond)
	ctx := context.Background()
	body := strings.Repeat("## Une partie\n\nLes voisins cultivent le jardin partagé et échangent des graines chaque samedi.\n\n", 550)
	sh, _, err := a.sheets.Create(ctx, a.marie, sheet.CreateInput{Title: "Lue", Body: body})
	if err != nil {
		b.Fatal(err)
	}
	next := strings.Replace(body, "chaque samedi", "chaque mercredi", 40)
	if _, err := a.sheets.Save(ctx, a.admin, sh.Slug, sheet.SaveInput{Base: 1, Title: "Lue", Body: next}); err != nil {
		b.Fatal(err)
	}
	handler := a.app.Handler()
	var rc fasthttp.RequestCtx
	rc.Request.SetRequestURI("/sheets/" + sh.Slug + "/blame")
	rc.Request.Header.SetHost("atlas.test")
	handler(&rc)
	if rc.Response.StatusCode() != 200 || !strings.Contains(string(rc.Response.Body()), "blame-c1") {
		b.Fatalf("first read: %d", rc.Response.StatusCode())
	}
	for b.Loop() {
		rc.Response.Reset()
		handler(&rc)
	}
}
