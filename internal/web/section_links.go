package web

import (
	"html"
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"atlas/internal/i18n"
	"atlas/internal/render"
)

// withSectionEditLinks puts a "modifier" link beside each section heading of
// a rendered body, as the table of contents has: the heading and its link
// go in one box, so the link sits on the heading's line without becoming
// part of the heading's name. It runs once per revision and kind of reader,
// inside the article the page keeps (see article), so readers pay nothing
// for it; anonymous readers, whose article has no such links, not even that.
//
// Sanitized HTML has no raw "<h2" of its own (the text's "<" are escaped),
// and every level-2 heading that starts a section carries the unique id
// headingIDs gave it, so the opening tag names exactly one heading.
func withSectionEditLinks(body template.HTML, lang, slug string, headings []render.Heading) template.HTML {
	if len(headings) == 0 {
		return body
	}
	src := string(body)
	var b strings.Builder
	b.Grow(len(src) + len(headings)*200)
	label := html.EscapeString(i18n.T(lang, "sheet.edit_section"))
	path := html.EscapeString(url.PathEscape(slug))
	at := 0
	for _, hd := range headings {
		open := `<h2 id="` + hd.ID + `">`
		start := strings.Index(src[at:], open)
		if start < 0 {
			continue
		}
		start += at
		end := strings.Index(src[start:], "</h2>")
		if end < 0 {
			continue
		}
		end += start + len("</h2>")
		b.WriteString(src[at:start])
		b.WriteString(`<div class="section-heading">`)
		b.WriteString(src[start:end])
		b.WriteString(` <a class="edit-section" href="/sheets/`)
		b.WriteString(path)
		b.WriteString(`/edit?section=`)
		b.WriteString(strconv.Itoa(hd.Section))
		b.WriteString(`" aria-label="`)
		b.WriteString(html.EscapeString(i18n.T(lang, "sheet.edit_section_named", hd.Text)))
		b.WriteString(`">`)
		b.WriteString(label)
		b.WriteString(`</a></div>`)
		at = end
	}
	b.WriteString(src[at:])
	return template.HTML(b.String()) // #nosec G203 -- sanitized HTML with escaped links added between its elements
}
