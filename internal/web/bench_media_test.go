package web_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/valyala/fasthttp"

	"atlas/internal/media/mediatest"
	"atlas/internal/testutil"
)

// BenchmarkMediaCopyFromCache is the server's own work for one 640 px copy
// of a picture served from memory, called straight through the handler as
// BenchmarkAnonymousSheetRead is: a page with pictures costs its readers
// these requests besides the page.
func BenchmarkMediaCopyFromCache(b *testing.B) {
	a := newTestAtlas(b, testutil.NewSQLite(b))
	created := a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": "Jardin", "body": "Un jardin."})
	var sheet struct{ Slug string }
	if err := json.Unmarshal(created.body, &sheet); err != nil || created.status != http.StatusCreated {
		b.Fatalf("create: %d %v", created.status, err)
	}
	slug := sheet.Slug
	r := a.upload(slug, "marie", "Le jardin", "p.jpg", "image/jpeg", mediatest.JPEG(1600, 1000, 1))
	if r.status != http.StatusCreated {
		b.Fatalf("upload: %d %s", r.status, r.body)
	}
	var got struct{ SHA256 string }
	if err := json.Unmarshal(r.body, &got); err != nil {
		b.Fatal(err)
	}
	handler := a.app.Handler()
	var ctx fasthttp.RequestCtx
	ctx.Request.SetRequestURI("/media/" + got.SHA256 + "?w=640")
	ctx.Request.Header.SetHost("atlas.test")
	handler(&ctx)
	if ctx.Response.StatusCode() != 200 || string(ctx.Response.Header.ContentType()) != "image/jpeg" {
		b.Fatalf("first read: %d %s", ctx.Response.StatusCode(), ctx.Response.Header.ContentType())
	}
	b.SetBytes(int64(len(ctx.Response.Body())))
	for b.Loop() {
		ctx.Response.Reset()
		handler(&ctx)
	}
}
