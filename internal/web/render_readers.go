package web

import (
	"atlas/internal/document"
	"atlas/internal/render"
)

// Reader renders what readers see of a body whose hash is key: without the
// template's unanswered questions and the sections holding nothing else
// (document.ForReaders). Its headings name the sections of the stored
// body, so a link to edit one still opens the right section.
func (rc *renderCache) Reader(key, body string) render.Rendered {
	key = "reader|" + key
	if r, ok := rc.cache.Get(key); ok {
		return r
	}
	text, index := document.ForReaders(body)
	r := rc.renderer.Render(text)
	if text != body {
		headings := make([]render.Heading, len(r.Headings))
		copy(headings, r.Headings)
		for i, hd := range headings {
			if hd.Section >= 0 && hd.Section < len(index) {
				headings[i].Section = index[hd.Section]
			}
		}
		r.Headings = headings
	}
	rc.cache.Put(key, r)
	return r
}

// ReaderText is document.ReaderText of a body whose hash is key, kept.
func (rc *renderCache) ReaderText(key, body string) string {
	if text, ok := rc.texts.Get(key); ok {
		return text
	}
	text := document.ReaderText(body)
	rc.texts.Put(key, text)
	return text
}
