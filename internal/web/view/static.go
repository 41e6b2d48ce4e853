package view

import (
	"bytes"
	"html"
	"html/template"
	"regexp"
	"strings"
)

// staticAction matches the actions whose value depends only on the page's
// language and the release: a message without arguments, the language
// itself and the other one, a public file's address.
var staticAction = regexp.MustCompile(`{{\$?\.(T|Asset) "([a-zA-Z0-9_./-]+)"}}|{{\$?\.(Lang|OtherLang)}}`)

// static writes those actions' values into a template's source, escaped
// for HTML, before it is parsed: each would otherwise cost two reflective
// calls at every execution, and a page has dozens. The values are ours
// (the catalogue, the asset table), used in text and quoted attributes.
func (v *Engine) static(lang, src string) string {
	b := NewBase(lang, v.assets, nil)
	return staticAction.ReplaceAllStringFunc(src, func(action string) string {
		m := staticAction.FindStringSubmatch(action)
		var value string
		switch {
		case m[1] == "T":
			value = b.T(m[2])
		case m[1] == "Asset" && !v.dev:
			value = b.Asset(m[2])
		case m[3] == "Lang":
			value = lang
		case m[3] == "OtherLang":
			value = b.OtherLang()
		default:
			return action
		}
		if strings.Contains(value, "{{") {
			return action // it would read as an action
		}
		return html.EscapeString(value)
	})
}

// part is the {{part "name" data}} of the templates of one page's set in
// lang: the partial name executed with data, through html/template's
// escaping like any other, then kept under data's key, so the pages of
// every reader share one rendering (a template costs a reflective call or
// two per action; a kept part, one lookup).
func (v *Engine) part(t *template.Template, lang string) func(string, Kept) (template.HTML, error) {
	return func(name string, data Kept) (template.HTML, error) {
		key := name + "|" + lang + "|" + v.fingerprint + "|" + data.PartKey()
		if html, ok := v.parts.Get(key); ok {
			return html, nil
		}
		var buf bytes.Buffer
		if err := t.ExecuteTemplate(&buf, name, data); err != nil {
			return "", err
		}
		html := template.HTML(buf.String()) //nolint:gosec // G203: html/template's own output
		v.parts.Put(key, html)
		return html, nil
	}
}

func (v *Engine) funcs() template.FuncMap {
	return template.FuncMap{
		"asset": v.assets.URL,
		"add":   func(a, b int) int { return a + b },
		"deref": func(f *float64) float64 {
			if f == nil {
				return 0
			}
			return *f
		},
	}
}
