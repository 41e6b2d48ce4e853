package web_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"atlas/internal/testutil"
)

// BenchmarkSignedInSheetPage is the server's own work for one signed-in
// reading of a busy sheet page, which the page cache never serves: two
// writers, five messages in its discussion. Straight through the handler,
// as BenchmarkAnonymousSheetRead; SQLite only, the machine's common case.
func BenchmarkSignedInSheetPage(b *testing.B) {
	a := newTestAtlas(b, testutil.NewSQLite(b))
	body := strings.Repeat("## Une partie\n\nLes voisins cultivent le jardin partagé et échangent des graines chaque samedi.\n\n", 40)
	r := a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": "Lue connectée", "body": body})
	var created struct{ Slug string }
	if err := json.Unmarshal(r.body, &created); err != nil || r.status != http.StatusCreated {
		b.Fatalf("create: %d %v", r.status, err)
	}
	slug := created.Slug
	if r := a.api(http.MethodPut, "/sheets/"+slug, "admin", map[string]any{"base": 1, "title": "Lue connectée", "body": body + "Ajout.\n"}); r.status != http.StatusOK {
		b.Fatalf("save: %d", r.status)
	}
	for range 5 {
		if r := a.api(http.MethodPost, "/sheets/"+slug+"/comments", "admin", map[string]any{"body": "Une remarque sur la **gouvernance**.", "revision": 2}); r.status != http.StatusCreated {
			b.Fatalf("comment: %d", r.status)
		}
	}
	reader := a.browser()
	reader.login("marie")
	handler := a.app.Handler()
	var ctx fasthttp.RequestCtx
	ctx.Request.SetRequestURI("/sheets/" + slug)
	ctx.Request.Header.SetHost("atlas.test")
	for name, value := range reader.cookies {
		ctx.Request.Header.SetCookie(name, value)
	}
	handler(&ctx)
	if page := string(ctx.Response.Body()); ctx.Response.StatusCode() != 200 || !strings.Contains(page, `href="/account">marie<`) ||
		strings.Count(page, `<li class="comment" id="comment-`) != 5 {
		b.Fatalf("sheet page for a signed-in reader: %d", ctx.Response.StatusCode())
	}
	defer cpuPerOp(b)()
	for b.Loop() {
		ctx.ResetUserValues() // as fasthttp does between requests
		ctx.Response.Reset()
		handler(&ctx)
	}
}
