package render

import (
	"strconv"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// Footnote references and backlinks are rendered here rather than by
// goldmark's footnote renderer so that they carry the same rel as every other
// link. Ids only ever contain numbers (never the user's label), which keeps
// them inside the sanitizer's footnoteID pattern.

func registerFootnotes(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(east.KindFootnoteLink, renderFootnoteRef)
	reg.Register(east.KindFootnoteBacklink, renderFootnoteBackref)
}

// refID names the n-th reference to a footnote; goldmark numbers repeated
// references from 1, the first one has no number.
func refID(refIndex, index int) string {
	id := "fnref"
	if refIndex > 0 {
		id += strconv.Itoa(refIndex)
	}
	return id + ":" + strconv.Itoa(index)
}

func renderFootnoteRef(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*east.FootnoteLink)
	index := strconv.Itoa(n.Index)
	_, _ = w.WriteString(`<sup id="` + refID(n.RefIndex, n.Index) + `">`)
	_, _ = w.WriteString(`<a href="#fn:` + index + `" class="footnote-ref" role="doc-noteref" rel="`)
	_, _ = w.Write(relValue)
	_, _ = w.WriteString(`">` + index + `</a></sup>`)
	return ast.WalkContinue, nil
}

func renderFootnoteBackref(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*east.FootnoteBacklink)
	_, _ = w.WriteString(`&#160;<a href="#` + refID(n.RefIndex, n.Index) + `" class="footnote-backref" role="doc-backlink" rel="`)
	_, _ = w.Write(relValue)
	// U+21A9 with the text variation selector, so no emoji is drawn.
	_, _ = w.WriteString(`">&#x21a9;&#xfe0e;</a>`)
	return ast.WalkContinue, nil
}
