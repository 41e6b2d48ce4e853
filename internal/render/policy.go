package render

import (
	"regexp"

	"github.com/microcosm-cc/bluemonday"
)

// The policies follow bluemonday's UGCPolicy but are built up from
// NewPolicy: bluemonday can only add rules, never remove them, and UGCPolicy
// allows far more than goldmark ever emits (its global "id" pattern is not
// even anchored). So this is UGCPolicy restricted to the Markdown output.
var (
	// headingID is what headingIDs produces: a document.Slug, maybe "-n".
	headingID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	// footnoteID is what renderFootnoteRef and goldmark's footnote list emit.
	footnoteID  = regexp.MustCompile(`^fn(ref[0-9]*)?:[0-9]+$`)
	linkRel     = regexp.MustCompile(`^nofollow noopener noreferrer$`)
	cellAlign   = regexp.MustCompile(`^(left|center|right)$`)
	listStart   = regexp.MustCompile(`^[0-9]{1,9}$`)
	empty       = regexp.MustCompile(`^$`)
	checkbox    = regexp.MustCompile(`^checkbox$`)
	noteClass   = regexp.MustCompile(`^footnote-(ref|backref)$`)
	noteRole    = regexp.MustCompile(`^doc-(noteref|backlink)$`)
	notesClass  = regexp.MustCompile(`^footnotes$`)
	notesRole   = regexp.MustCompile(`^doc-endnotes$`)
	headingTags = []string{"h1", "h2", "h3", "h4", "h5", "h6"}
)

// inlinePolicy allows what goldmark renders from Markdown without footnotes,
// and no id or class at all: comments live many to a page.
func inlinePolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()

	// Only http, https, mailto and relative URLs; bluemonday checks them
	// after entity decoding, and rejects what net/url cannot parse.
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.AllowURLSchemes("http", "https", "mailto")
	// bluemonday adds nofollow and noreferrer if missing; noopener comes
	// from the renderer, which sets the whole rel on every link.
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)

	p.AllowElements("p", "br", "hr", "blockquote", "pre", "code",
		"em", "strong", "del", "ul", "li",
		"table", "thead", "tbody", "tr", "th", "td")
	p.AllowElements(headingTags...)
	p.AllowAttrs("href", "title").OnElements("a")
	p.AllowAttrs("rel").Matching(linkRel).OnElements("a")
	// Only the atlas's own pictures, as renderImage writes them.
	p.AllowAttrs("src").Matching(mediaSrc).OnElements("img")
	p.AllowAttrs("srcset").Matching(mediaSrcset).OnElements("img")
	p.AllowAttrs("width", "height").Matching(pictureSize).OnElements("img")
	p.AllowAttrs("loading").Matching(lazy).OnElements("img")
	p.AllowAttrs("decoding").Matching(async).OnElements("img")
	p.AllowAttrs("sizes").Matching(sizesValue).OnElements("img")
	p.AllowAttrs("alt").OnElements("img")
	p.AllowAttrs("start").Matching(listStart).OnElements("ol")
	p.AllowNoAttrs().OnElements("ol")
	p.AllowAttrs("align").Matching(cellAlign).OnElements("th", "td")
	// Task list items: a disabled checkbox, outside any form.
	p.AllowAttrs("type").Matching(checkbox).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(empty).OnElements("input")
	return p
}

// pagePolicy adds heading anchors and footnote markup for whole sheets.
func pagePolicy() *bluemonday.Policy {
	p := inlinePolicy()
	p.AllowAttrs("id").Matching(headingID).OnElements(headingTags...)
	p.AllowAttrs("id").Matching(footnoteID).OnElements("sup", "li")
	p.AllowNoAttrs().OnElements("sup")
	p.AllowAttrs("class").Matching(noteClass).OnElements("a")
	p.AllowAttrs("role").Matching(noteRole).OnElements("a")
	p.AllowAttrs("class").Matching(notesClass).OnElements("div")
	p.AllowAttrs("role").Matching(notesRole).OnElements("div")
	return p
}
