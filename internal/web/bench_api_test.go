package web_test

import (
	"testing"

	"github.com/valyala/fasthttp"

	"atlas/internal/db"
	"atlas/internal/events"
)

// BenchmarkAPIReads is the server's own work for the JSON API's uncached
// reads of a sheet with 1,000 revisions, signed in with a token: the
// sheet, an old revision, and a history page of 50 halfway down. The
// change feed runs, as in production, so the token and the sheet row are
// kept.
func BenchmarkAPIReads(b *testing.B) {
	benchLiveDialects(b, func(b *testing.B, d *db.DB, feed func(*events.Hub)) {
		a := newTestAtlas(b, d)
		sh := deepSheet(b, a, 1000)
		feed(a.events)
		handler := a.app.Handler()
		for name, path := range map[string]string{
			"sheet":             "/api/v1/sheets/" + sh.Slug,
			"revision":          "/api/v1/sheets/" + sh.Slug + "/revisions/500",
			"history_depth_500": "/api/v1/sheets/" + sh.Slug + "/revisions?limit=50&before=500",
		} {
			b.Run(name, func(b *testing.B) {
				var rc fasthttp.RequestCtx
				rc.Request.SetRequestURI(path)
				rc.Request.Header.SetHost("atlas.test")
				rc.Request.Header.Set("Authorization", "Bearer "+a.tokens["marie"])
				defer cpuPerOp(b)()
				for b.Loop() {
					rc.ResetUserValues() // as fasthttp does between requests
					rc.Response.Reset()
					handler(&rc)
					if rc.Response.StatusCode() != 200 {
						b.Fatalf("%s: %d %s", path, rc.Response.StatusCode(), rc.Response.Body())
					}
				}
			})
		}
	})
}
