package web

import (
	"html/template"
	"strings"

	"atlas/internal/render"
	"atlas/internal/web/view"
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
//
// The box and the link are the section_heading partial's, rendered with
// the page engine (a few microseconds a heading, once per revision).
func withSectionEditLinks(v *view.Engine, body template.HTML, b Base, slug string, headings []render.Heading) (template.HTML, error) {
	if len(headings) == 0 {
		return body, nil
	}
	src := string(body)
	var out strings.Builder
	out.Grow(len(src) + len(headings)*200)
	b = b.Bare()
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
		out.WriteString(src[at:start])
		box, err := v.Fragment(pageSheetShow, "section_heading", sectionHeading{
			Base: b, Heading: template.HTML(src[start:end]), //nolint:gosec // G203: a heading of the sanitized body
			Slug: slug, Section: hd.Section, Text: hd.Text,
		})
		if err != nil {
			return "", err
		}
		out.Write(box)
		at = end
	}
	out.WriteString(src[at:])
	return template.HTML(out.String()), nil // #nosec G203 -- sanitized HTML with html/template's output put between its elements
}

// sectionHeading is what the section_heading partial shows.
type sectionHeading struct {
	Base
	Heading template.HTML
	Slug    string
	Section int
	Text    string // the heading's text, for the link's label
}
