package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"atlas/internal/db"
	"atlas/internal/events"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
)

// BenchmarkHistoryPage renders the history page (50 rows) of a sheet with
// 1,000 revisions: the per-request cost behind the T2 load figure, for an
// anonymous reader (from the page cache) and for a signed-in one, who gets
// no page cache, halfway down the history. The change feed runs, as in
// production, so the reader's session, the sheet row and the signed-in
// page are kept.
func BenchmarkHistoryPage(b *testing.B) {
	benchLiveDialects(b, func(b *testing.B, d *db.DB, feed func(*events.Hub)) {
		a := newTestAtlas(b, d)
		sh := deepSheet(b, a, 1000)
		feed(a.events)
		b.Run("anonymous", func(b *testing.B) {
			for b.Loop() {
				resp, err := a.app.Test(httptest.NewRequest(http.MethodGet, "/sheets/"+sh.Slug+"/history", nil), -1)
				if err != nil || resp.StatusCode != 200 {
					b.Fatal(err, resp.StatusCode)
				}
				closeBody(b, resp)
			}
		})
		// Straight through the handler, as BenchmarkAnonymousSheetRead: the
		// server's own work, without the test transport's. A reader who
		// has just written reads from the database (the write fence).
		signedIn := func(b *testing.B, fenced bool) {
			reader := a.browser()
			reader.login("marie")
			handler := a.app.Handler()
			var ctx fasthttp.RequestCtx
			ctx.Request.SetRequestURI("/sheets/" + sh.Slug + "/history?before=500")
			ctx.Request.Header.SetHost("atlas.test")
			cookies := withoutFence(reader.cookies)
			if fenced {
				cookies = reader.cookies
			}
			for name, value := range cookies {
				ctx.Request.Header.SetCookie(name, value)
			}
			handler(&ctx)
			if ctx.Response.StatusCode() != 200 || !strings.Contains(string(ctx.Response.Body()), `href="/account">marie<`) {
				b.Fatalf("history page for a signed-in reader: %d", ctx.Response.StatusCode())
			}
			defer cpuPerOp(b)()
			for b.Loop() {
				// What fasthttp does between requests: a request's
				// values (the unread count, say) are not the next one's.
				ctx.ResetUserValues()
				ctx.Response.Reset()
				handler(&ctx)
			}
		}
		b.Run("signed_in_depth_500", func(b *testing.B) { signedIn(b, false) })
		b.Run("signed_in_depth_500_after_a_write", func(b *testing.B) { signedIn(b, true) })
	})
}

// BenchmarkAnonymousSheetRead is the server's own work for one anonymous
// read of a cached 30 KB sheet page (T1), called straight through the
// handler: no network, so the figure is what the load test's ratio to H
// pays per request beyond sending the bytes. The database's change feed
// runs as in `atlas serve`, so the sheet row is kept in memory as it is
// in production.
func BenchmarkAnonymousSheetRead(b *testing.B) {
	run := func(b *testing.B, d *db.DB, startFeed func(*events.Hub)) {
		a := newTestAtlas(b, d)
		startFeed(a.events)
		svc := sheet.NewService(a.store, nil)
		body := strings.Repeat("## Une partie\n\nLes voisins cultivent le jardin partagé et échangent des graines chaque samedi.\n\n", 330)
		sh, _, err := svc.Create(context.Background(), a.marie, sheet.CreateInput{Title: "Lue", Body: body})
		if err != nil {
			b.Fatal(err)
		}
		handler := a.app.Handler()
		var ctx fasthttp.RequestCtx
		ctx.Request.SetRequestURI("/sheets/" + sh.Slug)
		ctx.Request.Header.SetHost("atlas.test")
		handler(&ctx)
		if ctx.Response.StatusCode() != 200 || len(ctx.Response.Body()) < 30<<10 {
			b.Fatalf("first read: %d, %d bytes", ctx.Response.StatusCode(), len(ctx.Response.Body()))
		}
		for b.Loop() {
			ctx.Response.Reset()
			handler(&ctx)
		}
	}
	b.Run("sqlite", func(b *testing.B) {
		d := testutil.NewSQLite(b)
		run(b, d, func(hub *events.Hub) {
			sqlDB, err := d.SQL()
			if err != nil {
				b.Fatal(err)
			}
			hub.PollSQLite(b.Context(), sqlDB, 50*time.Millisecond)
		})
	})
	b.Run("postgres", func(b *testing.B) {
		d, url := testutil.NewPostgresURL(b)
		run(b, d, func(hub *events.Hub) {
			hub.ListenPostgres(b.Context(), url, func(ctx context.Context, sql string, args ...any) error {
				return d.Conn(ctx).Exec(sql, args...).Error
			})
		})
	})
}

// deepSheet creates a sheet with revisions revisions, each a one-line
// change of the one before, for the benchmarks of long histories.
func deepSheet(b *testing.B, a *testAtlas, revisions int) *model.Sheet {
	b.Helper()
	svc := sheet.NewService(a.store, nil)
	ctx := context.Background()
	sh, _, err := svc.Create(ctx, a.marie, sheet.CreateInput{Title: "Profonde", Body: "v0"})
	if err != nil {
		b.Fatal(err)
	}
	for n := 1; n < revisions; n++ {
		if _, err := svc.Save(ctx, a.marie, sh.Slug, sheet.SaveInput{Base: n, Title: "Profonde", Body: fmt.Sprintf("v%d", n), Summary: "étape"}); err != nil {
			b.Fatal(err)
		}
	}
	return sh
}
