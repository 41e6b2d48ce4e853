package view

import (
	"bytes"
	"html/template"
	"sync"
)

// pageBuffers serve one rendering each, then come back, unless a huge
// page made them too big to keep.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getPageBuffer() *bytes.Buffer {
	buf := pageBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	return buf
}

func putPageBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= 1<<20 {
		pageBuffers.Put(buf)
	}
}

// Spliced is page data with large parts rendered already (a sheet's
// article, a history table). The template prints a marker for each; the part is put in its
// place afterwards, because a template copies everything it prints through
// fmt, and tens of kilobytes copied twice per page show.
type Spliced interface {
	Splices() []Splice
}

// Splice is one such part and its marker.
type Splice struct {
	Marker template.HTML // an HTML comment, unique in the page
	HTML   template.HTML
}

// splice writes out to dst with each part's marker replaced by the part.
// Parts come in the order their markers appear.
func splice(dst *bytes.Buffer, out []byte, parts []Splice) {
	size := len(out)
	for _, p := range parts {
		size += len(p.HTML)
	}
	dst.Grow(size)
	for _, p := range parts {
		i := bytes.Index(out, []byte(p.Marker))
		if i < 0 {
			continue
		}
		dst.Write(out[:i])
		dst.WriteString(string(p.HTML))
		out = out[i+len(p.Marker):]
	}
	dst.Write(out)
}
