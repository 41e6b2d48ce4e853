package web_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// wellFormedXML reads a whole document.
func wellFormedXML(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// checkPage parses a page as a browser would and reports anything that
// could run script or load active content.
func checkPage(t *testing.T, what string, r response) {
	t.Helper()
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("%s: Content-Security-Policy %q", what, csp)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("%s: Content-Type %q", what, ct)
		return
	}
	doc, err := html.Parse(bytes.NewReader(r.body))
	if err != nil {
		t.Errorf("%s: %v", what, err)
		return
	}
	for _, problem := range activeContent(doc) {
		t.Errorf("%s: %s", what, problem)
	}
	// The check must not pass on a page that lost the text: some of the
	// hostile text is shown, as text (error pages need not echo input).
	if r.status == http.StatusNotFound || r.status == http.StatusBadRequest {
		return
	}
	if !strings.Contains(textAndValues(doc), "alert(") && !strings.Contains(textAndValues(doc), "<XSS>") && !strings.Contains(textAndValues(doc), "<svg") {
		t.Errorf("%s: no hostile text on the page, nothing was tested", what)
	}
}

// urlAttrs are the attributes browsers follow or fetch.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true, "poster": true, "data": true,
	"background": true, "cite": true, "longdesc": true, "lowsrc": true, "dynsrc": true, "ping": true, "manifest": true, "codebase": true,
}

// forbiddenElements never come from the atlas's templates or its Markdown.
var forbiddenElements = map[string]bool{
	"iframe": true, "frame": true, "frameset": true, "object": true, "embed": true, "applet": true, "base": true,
	"svg": true, "math": true, "xss": true, "template": true, "noscript": true,
}

// activeContent lists what could run script in a parsed page.
func activeContent(doc *html.Node) []string {
	var problems []string
	var walk func(n *html.Node, inHead bool)
	walk = func(n *html.Node, inHead bool) {
		if n.Type == html.ElementNode {
			name := n.Data
			inHead = inHead || n.DataAtom == atom.Head
			if forbiddenElements[name] || n.Namespace != "" {
				problems = append(problems, fmt.Sprintf("<%s> element (namespace %q)", name, n.Namespace))
			}
			switch n.DataAtom {
			case atom.Script:
				src := attr(n, "src")
				if !strings.HasPrefix(src, "/static/") || n.FirstChild != nil {
					problems = append(problems, fmt.Sprintf("<script src=%q> with content %v", src, n.FirstChild != nil))
				}
			case atom.Style:
				if !inHead {
					problems = append(problems, "<style> element outside <head>")
				}
			case atom.Meta:
				if attr(n, "http-equiv") != "" || !inHead {
					problems = append(problems, fmt.Sprintf("<meta http-equiv=%q> (in head: %v)", attr(n, "http-equiv"), inHead))
				}
			case atom.Link:
				if !inHead {
					problems = append(problems, "<link> outside <head>")
				}
			case atom.Form:
				if action := attr(n, "action"); !strings.HasPrefix(action, "/") || strings.HasPrefix(action, "//") {
					problems = append(problems, fmt.Sprintf("<form action=%q> leaves the site", action))
				}
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				switch {
				case strings.HasPrefix(key, "on"):
					problems = append(problems, fmt.Sprintf("<%s %s=%q>", name, a.Key, a.Val))
				case key == "style" || key == "srcdoc" || key == "srcset":
					problems = append(problems, fmt.Sprintf("<%s %s=%q>", name, a.Key, a.Val))
				case urlAttrs[key]:
					if scheme := dangerousScheme(a.Val); scheme != "" {
						problems = append(problems, fmt.Sprintf("<%s %s=%q>: %s URL", name, a.Key, a.Val, scheme))
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inHead)
		}
	}
	walk(doc, false)
	return problems
}

// dangerousScheme normalizes a URL as browsers do before reading its scheme
// (entities decoded, whitespace and control characters dropped, case
// folded) and names it if it runs or embeds content.
func dangerousScheme(raw string) string {
	v := html.UnescapeString(raw) // the parser decoded once; a second pass only makes the check stricter
	v = strings.Map(func(r rune) rune {
		if r <= 0x20 || r == 0x7f || unicode.IsSpace(r) || unicode.IsControl(r) || r == '\u200b' || r == '\ufeff' {
			return -1
		}
		return r
	}, v)
	v = strings.ToLower(v)
	for _, s := range []string{"javascript:", "vbscript:", "data:", "livescript:", "mocha:"} {
		if strings.HasPrefix(v, s) {
			return strings.TrimSuffix(s, ":")
		}
	}
	return ""
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// textAndValues is the page's text and attribute values, decoded.
func textAndValues(doc *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
		case html.ElementNode:
			for _, a := range n.Attr {
				b.WriteString(" " + a.Val)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return b.String()
}

// TestPageCheckerCatchesXSS proves the checker fails on what it must catch,
// so the page test cannot pass vacuously.
func TestPageCheckerCatchesXSS(t *testing.T) {
	bad := []string{
		`<p><script>alert(1)</script></p>`,
		`<img src=x onerror=alert(1)>`,
		`<a href="JaVa&#x09;ScRiPt&colon;alert(1)">x</a>`,
		`<a href=" &#x6A;avascript:alert(1)">x</a>`,
		`<form><button formaction="vbscript:x">b</button></form>`,
		`<img src="data:image/svg+xml;base64,AAAA">`,
		`<iframe srcdoc="x"></iframe>`,
		`<div style="color:red">x</div>`,
		`<body><style>*{}</style></body>`,
		`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
		`<svg><a xlink:href="javascript:alert(1)">x</a></svg>`,
		`<script src="https://evil.example/x.js"></script>`,
		`<form action="https://evil.example/"></form>`,
	}
	for _, page := range bad {
		doc, err := html.Parse(strings.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		if len(activeContent(doc)) == 0 {
			t.Errorf("the checker misses %s", page)
		}
	}
	good := `<!doctype html><html><head><link rel="stylesheet" href="/static/ab/css/atlas.css"><meta charset="utf-8"></head>` +
		`<body><a href="https://example.org/?q=javascript:alert(1)">&lt;script&gt;alert(1)&lt;/script&gt;</a><form action="/x"></form>` +
		`<script src="/static/ab/js/a.js"></script></body></html>`
	doc, _ := html.Parse(strings.NewReader(good))
	if p := activeContent(doc); len(p) != 0 {
		t.Errorf("the checker flags a clean page: %v", p)
	}
}
