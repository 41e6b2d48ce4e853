package render

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

func bodyContext() *html.Node {
	return &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
}

func walk(n *html.Node, f func(*html.Node)) {
	f(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

var (
	forbiddenElements = map[string]bool{
		"script": true, "style": true, "iframe": true, "object": true, "embed": true,
		"svg": true, "math": true, "form": true, "button": true, "select": true,
		"textarea": true, "frame": true, "frameset": true, "link": true, "meta": true,
		"base": true, "template": true, "noscript": true,
	}
	// allowedAttributes is every attribute the policies may let through.
	allowedAttributes = map[string]bool{
		"href": true, "src": true, "alt": true, "title": true, "rel": true, "id": true,
		"class": true, "role": true, "align": true, "start": true, "type": true,
		"checked": true, "disabled": true,
	}
	urlAttributes = map[string]bool{"href": true, "src": true}
)

// urlScheme returns the scheme a browser would see in an attribute value
// (already entity-decoded by the HTML parser): surrounding controls and
// spaces trimmed, tabs and newlines removed, lowercased. "" means relative.
func urlScheme(v string) string {
	v = strings.TrimFunc(v, func(r rune) bool { return r <= ' ' })
	v = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(v)
	colon := strings.IndexByte(v, ':')
	if colon <= 0 {
		return ""
	}
	scheme := strings.ToLower(v[:colon])
	for i, c := range scheme {
		letter := c >= 'a' && c <= 'z'
		later := c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.' // allowed after the first
		if !letter && (i == 0 || !later) {
			return "" // a ':' later in a relative path or query
		}
	}
	return scheme
}

// unsafeHTML parses out and reports the first dangerous thing found.
func unsafeHTML(out string) error {
	nodes, err := html.ParseFragment(strings.NewReader(out), bodyContext())
	if err != nil {
		return err
	}
	var problem error
	for _, root := range nodes {
		walk(root, func(n *html.Node) {
			if problem != nil || n.Type != html.ElementNode {
				return
			}
			if n.Namespace != "" || forbiddenElements[n.Data] {
				problem = fmt.Errorf("element <%s> (namespace %q)", n.Data, n.Namespace)
				return
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				switch {
				case strings.HasPrefix(key, "on"), key == "style", a.Namespace != "", !allowedAttributes[key]:
					problem = fmt.Errorf("attribute %s=%q on <%s>", a.Key, a.Val, n.Data)
				case urlAttributes[key]:
					switch s := urlScheme(a.Val); s {
					case "", "http", "https", "mailto":
					default:
						problem = fmt.Errorf("scheme %q in %s=%q", s, a.Key, a.Val)
					}
				}
			}
		})
	}
	return problem
}

func TestURLScheme(t *testing.T) {
	for v, want := range map[string]string{
		"https://a":                  "https",
		" \x01JaVa\tScRiPt:alert(1)": "javascript",
		"java\nscript:x":             "javascript",
		"/a:b":                       "",
		"#fn:1":                      "",
		"?q=a:b":                     "",
		"mailto:a@b":                 "mailto",
	} {
		if got := urlScheme(v); got != want {
			t.Errorf("urlScheme(%q) = %q, want %q", v, got, want)
		}
	}
}

// TestUnsafeHTMLDetects makes sure the checker itself is not blind.
func TestUnsafeHTMLDetects(t *testing.T) {
	for _, bad := range []string{
		"<script>x</script>",
		"<p onclick=x>a</p>",
		"<a href=\" jav&#x09;ascript:x\">a</a>",
		"<img src=\"data:image/png;base64,AA\">",
		"<p style=\"color:red\">a</p>",
		"<svg></svg>",
		"<math></math>",
		"<p><select><style>x</style></select></p>",
		"<a formaction=x>a</a>",
	} {
		if unsafeHTML(bad) == nil {
			t.Errorf("unsafeHTML(%q) = nil", bad)
		}
	}
	if err := unsafeHTML(`<a href="https://a" rel="nofollow">a</a><h2 id="x">b</h2>`); err != nil {
		t.Errorf("safe HTML flagged: %v", err)
	}
}

var xssCorpus = []string{
	"<script>alert(1)</script>",
	"<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
	"<img src=x onerror=alert(1)>",
	"<a href=\"javascript:alert(1)\">x</a>",
	"<a href=\"&#x6A;avascript:alert(1)\">x</a>",
	"[x](javascript:alert(1))",
	"[x](JaVaScRiPt:alert(1))",
	"[x](&#106;avascript:alert(1))",
	"[x](&#x6a;&#x61;vascript:alert(1))",
	"[x](javascript&colon;alert(1))",
	"[x](javascript&#58;alert(1))",
	"[x](<java\tscript:alert(1)>)",
	"[x](<java\nscript:alert(1)>)",
	"[x](java&#9;script:alert(1))",
	"[x](java&#x0A;script:alert(1))",
	"[x](&#x20;javascript:alert(1))",
	"[x]( javascript:alert(1) \"t\")",
	"[x](\x01javascript:alert(1))",
	"[x](vbscript:msgbox(1))",
	"[x](file:///etc/passwd)",
	"<javascript:alert(1)>",
	"<JAVASCRIPT:alert(1)>",
	"[x][r]\n\n[r]: javascript:alert(1)",
	"[x][r]\n\n[r]: <java\tscript:alert(1)> \"t\"",
	"![x](javascript:alert(1))",
	"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
	"![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
	"![x](data:image/png;base64,iVBORw0KGgo=)",
	"![x](<data:image/svg+xml,<svg onload=alert(1)>>)",
	"<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
	"<style>body{background:url(javascript:alert(1))}</style>",
	"<select><style></select><img src=x onerror=alert(1)></style>",
	"<svg><script>alert(1)</script></svg>",
	"<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
	"<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
	"<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
	"<object data=\"javascript:alert(1)\"></object><embed src=\"javascript:alert(1)\">",
	"<form action=\"javascript:alert(1)\"><button>x</button></form>",
	"<details open ontoggle=alert(1)>",
	"<base href=\"javascript:/\"><meta http-equiv=refresh content=\"0;url=javascript:alert(1)\">",
	"<!-- --><script>alert(1)</script>",
	"x <span style=\"color:red\" onclick=alert(1)>y</span>",
	"## T {onclick=alert(1)}",
	"## T {#x .y onclick=\"alert(1)\" style=\"color:red\"}\n\nSetext {onclick=alert(1)}\n---",
	"x[^a\"onmouseover=\"alert(1)]\n\n[^a\"onmouseover=\"alert(1)]: note",
	"x[^'><script>alert(1)</script>]\n\n[^'><script>alert(1)</script>]: <img src=x onerror=alert(1)>",
	"[x](http://a \"\\\" onmouseover=\\\"alert(1)\")",
	"![\" onerror=\"alert(1)](http://example.org/a.png)",
	"[x](http://a onclick=alert(1))",
	"www.example.org/\"onmouseover=\"alert(1)",
	"<https://a.example/\"><script>alert(1)</script>>",
	"<a@b.example?\"onload=alert(1)>",
	"```\" onclick=\"alert(1)\nx\n```",
	"```js\n</code><script>alert(1)</script>\n```",
	"`<script>alert(1)</script>`",
	"| a |\n|---|\n| <script>alert(1)</script> |",
	"- [ ] <img src=x onerror=alert(1)>",
	"> <iframe src=javascript:alert(1)>",
	"<div\nonclick=alert(1)>x</div>",
	"<scr<script>ipt>alert(1)</script>",
	"&lt;script&gt;alert(1)&lt;/script&gt;",
	"<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
	"<template><script>alert(1)</script></template>",
	"<textarea><script>alert(1)</script></textarea>",
}

func TestXSS(t *testing.T) {
	r := New()
	for i, in := range xssCorpus {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			for name, out := range map[string]string{
				"Render": string(r.Render(in).HTML),
				"Inline": string(r.Inline(in)),
			} {
				if err := unsafeHTML(out); err != nil {
					t.Errorf("%s(%q): %v\n%s", name, in, err, out)
				}
				if strings.Contains(strings.ToLower(out), "<script") {
					t.Errorf("%s(%q) contains <script:\n%s", name, in, out)
				}
			}
		})
	}
}

// TestSafeLinksKept guards against a policy so strict it breaks links.
func TestSafeLinksKept(t *testing.T) {
	r := New()
	for in, want := range map[string]string{
		"[x](https://example.org/a?b=c#d)": `href="https://example.org/a?b=c#d"`,
		"[x](mailto:a@example.org)":        `href="mailto:a@example.org"`,
		"<contact@example.org>":            `href="mailto:contact@example.org"`,
		"[x](/fiches/jardin)":              `href="/fiches/jardin"`,
		"[x](#la-gouvernance)":             `href="#la-gouvernance"`,
		"[x](//example.org/a)":             `href="//example.org/a"`,
		// Only the atlas's own pictures show; any other is a link to it.
		"![x](https://example.org/a.png)":               `<a href="https://example.org/a.png" rel="nofollow noopener noreferrer">x</a>`,
		"![x](/static/a.png)":                           `<a href="/static/a.png" rel="nofollow noopener noreferrer">x</a>`,
		"![x](/media/" + strings.Repeat("ab", 32) + ")": `<img src="/media/` + strings.Repeat("ab", 32) + `" alt="x" loading="lazy" decoding="async">`,
	} {
		if got := string(r.Render(in).HTML); !strings.Contains(got, want) {
			t.Errorf("Render(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestSanitizeIdempotent(t *testing.T) {
	r := New()
	inputs := append([]string{readFixture(t, "fiche.md")}, xssCorpus...)
	for _, in := range inputs {
		page := string(r.Render(in).HTML)
		if again := r.pagePolicy.Sanitize(page); again != page {
			t.Errorf("page not stable for %q:\n%s\n%s", in, page, again)
		}
		inline := string(r.Inline(in))
		if again := r.inlinePolicy.Sanitize(inline); again != inline {
			t.Errorf("inline not stable for %q:\n%s\n%s", in, inline, again)
		}
	}
}
