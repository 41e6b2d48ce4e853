package web_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"

	"atlas/internal/testutil"
)

// The decision record is plain text in Markdown: titles, names and
// comments can neither inject HTML nor make links, images or emphasis,
// even in a viewer that passes raw HTML through.
func TestRecordMarkdownIsInert(t *testing.T) {
	a := newTestAtlas(t, testutil.NewSQLite(t))
	hostile := `<script>alert(1)</script> *gras* [lien](javascript:alert(1)) ![i](x) &#106; <!-- c --> ` + "`code`"
	slug := createSheet(t, a, "Relevé "+hostile, body1)
	path := decidedReview(t, a, slug, hostile+" | cellule\n\n# titre <img src=x onerror=alert(1)>")
	r := a.browser().get("/sheets/" + slug + path + "/record.md")
	if r.status != http.StatusOK {
		t.Fatalf("record.md: %d", r.status)
	}
	var out bytes.Buffer
	md := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(gmhtml.WithUnsafe()))
	if err := md.Convert(r.body, &out); err != nil {
		t.Fatal(err)
	}
	html := out.String()
	for _, bad := range []string{"<script", "<img", "<a ", "<em>", "<code>alert", "<!--", "<h1>titre", "&#106;"} {
		if strings.Contains(html, bad) {
			t.Errorf("record.md rendered holds %q:\n%s\n---\n%s", bad, r.body, html)
		}
	}
	// The text itself is all there, for people to read.
	if !strings.Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;") || !strings.Contains(html, "*gras*") {
		t.Errorf("the record lost the text:\n%s", html)
	}
	if rows := strings.Count(html, "<tr>"); rows != 1+strings.Count(string(r.body), "\n| 20") {
		t.Errorf("a comment broke the table: %d rows\n%s", rows, r.body)
	}
}
