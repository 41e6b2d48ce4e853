package render

import (
	"bytes"
	"math"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Bounds on pathological input. Anyone can save a revision, so rendering
// must stay roughly linear in the body size whatever its shape. Measured on
// goldmark 1.8, 128 KiB of "> > > …" or "1. 1. 1. …" took 3 to 8 s (cost grows
// with the number of open containers on each line), and 128 KiB of "[a](" or
// "![a](" took 3 to 4 s (each "](" rescans the rest of the line, each "]"
// walks every line of its paragraph); 1 MiB of "[a]: b" lines took 23 s.
// The limits below are far above what a real sheet needs; with them every
// 1 MiB shape tried in pathological_test.go renders in under 2 s.
const (
	// maxContainerDepth caps nested blockquotes, lists and footnote
	// definitions: past it, the marker is plain paragraph text.
	maxContainerDepth = 32

	// maxTreeDepth caps the rendered tree: deeper inline elements (e.g.
	// "*****…a…*****" nests one <em> per pair) are unwrapped into their text.
	maxTreeDepth = 64

	// An inline block (paragraph, heading, table row) whose estimated
	// parsing cost exceeds blockCost is shown as plain text. The estimate is
	// brackets × bytes, an upper bound of goldmark's quadratic link scans.
	blockCost = 1 << 24
	// Once a document has spent totalCost, only cheap blocks are still
	// parsed, so the sum stays bounded whatever the number of blocks.
	totalCost = 1 << 29
	cheapCost = 1 << 16
)

// budgetKey holds the per-parse *budget in the parser context.
var budgetKey = parser.NewContextKey()

type budget struct{ spent int }

// budgetOf returns the budget of this parse, creating it if the caller did
// not (the guards must never be skipped).
func budgetOf(pc parser.Context) *budget {
	if b, ok := pc.Get(budgetKey).(*budget); ok {
		return b
	}
	b := &budget{}
	pc.Set(budgetKey, b)
	return b
}

func (b *budget) allow(cost int) bool {
	if cost > blockCost || (cost > cheapCost && b.spent+cost > totalCost) {
		return false
	}
	b.spent += cost
	return true
}

// inlineCost estimates the inline parsing cost of lines. Rows of a table
// are parsed cell by cell, so a table is charged row by row.
func inlineCost(lines *text.Segments, source []byte) int {
	if lines.Len() >= 2 && isDelimiterRow(lineValue(lines, 1, source)) {
		cost := 0
		for i := 0; i < lines.Len(); i++ {
			v := lineValue(lines, i, source)
			cost = saturatingAdd(cost, saturatingMul(countBrackets(v), len(v)))
		}
		return cost
	}
	brackets, size := 0, 0
	for i := 0; i < lines.Len(); i++ {
		v := lineValue(lines, i, source)
		brackets += countBrackets(v)
		size += len(v)
	}
	return saturatingMul(brackets, size)
}

func lineValue(lines *text.Segments, i int, source []byte) []byte {
	seg := lines.At(i)
	return seg.Value(source)
}

func countBrackets(v []byte) int {
	return bytes.Count(v, []byte{'['}) + bytes.Count(v, []byte{']'})
}

// isDelimiterRow recognizes the "|---|:--:|" line under a table header.
func isDelimiterRow(line []byte) bool {
	line = util.TrimRightSpace(util.TrimLeftSpace(line))
	dash := false
	for _, c := range line {
		switch c {
		case '-':
			dash = true
		case '|', ':', ' ', '\t':
		default:
			return false
		}
	}
	return dash
}

func saturatingMul(a, b int) int {
	if a != 0 && b > math.MaxInt/a {
		return math.MaxInt
	}
	return a * b
}

func saturatingAdd(a, b int) int {
	if a > math.MaxInt-b {
		return math.MaxInt
	}
	return a + b
}

// depthGuard wraps a container block parser and refuses to open it too
// deep. Like headingGuard, it forwards only the BlockParser methods, so
// parser options (heading attributes, auto ids…) never reach the wrapped
// parser, even if someone adds them later.
type depthGuard struct{ parser.BlockParser }

func (g depthGuard) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	depth := 0
	for n := parent; n != nil; n = n.Parent() {
		depth++
		if depth >= maxContainerDepth {
			return nil, parser.NoChildren
		}
	}
	return g.BlockParser.Open(parent, reader, pc)
}

// headingGuard wraps the ATX heading parser: a heading too costly to parse
// keeps its text, unparsed. (Setext headings take a paragraph that the
// paragraph guard has already checked.)
type headingGuard struct{ parser.BlockParser }

func (g headingGuard) Close(node ast.Node, reader text.Reader, pc parser.Context) {
	g.BlockParser.Close(node, reader, pc)
	lines := node.Lines()
	if budgetOf(pc).allow(inlineCost(lines, reader.Source())) {
		return
	}
	// The text goes into a raw inline child: goldmark skips raw nodes when
	// it parses inlines, and with no lines left the heading is skipped too.
	plain := &plainInline{}
	plain.lines.AppendAll(lines.Sliced(0, lines.Len()))
	node.AppendChild(node, plain)
	node.SetLines(text.NewSegments())
}

// paragraphGuard is the first paragraph transformer: it runs before the
// link reference and table transformers, which are quadratic themselves on
// some shapes, and swaps a too costly paragraph for a plainBlock.
type paragraphGuard struct{}

func (paragraphGuard) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	if budgetOf(pc).allow(inlineCost(node.Lines(), reader.Source())) {
		return
	}
	plain := &plainBlock{}
	plain.SetLines(node.Lines())
	plain.SetPos(node.Pos())
	plain.SetBlankPreviousLines(node.HasBlankPreviousLines())
	parent := node.Parent()
	parent.ReplaceChild(parent, node, plain)
	// A detached paragraph tells goldmark the transformation happened; with
	// no lines, a setext underline cannot take it back.
	node.SetLines(text.NewSegments())
}

// plainBlock is a paragraph shown as plain text: raw, so never inline parsed.
type plainBlock struct{ ast.BaseBlock }

var kindPlainBlock = ast.NewNodeKind("PlainBlock")

func (*plainBlock) Kind() ast.NodeKind { return kindPlainBlock }
func (*plainBlock) IsRaw() bool        { return true }
func (n *plainBlock) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, nil, nil)
}

// plainInline is heading text shown as is: raw, so never inline parsed.
type plainInline struct {
	ast.BaseInline
	lines text.Segments
}

var kindPlainInline = ast.NewNodeKind("PlainInline")

func (*plainInline) Kind() ast.NodeKind { return kindPlainInline }
func (*plainInline) IsRaw() bool        { return true }
func (n *plainInline) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, nil, nil)
}

// plainValue joins lines, trimmed, with newlines.
func plainValue(lines *text.Segments, source []byte) []byte {
	var b bytes.Buffer
	for i := 0; i < lines.Len(); i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.Write(util.TrimRightSpace(util.TrimLeftSpace(lineValue(lines, i, source))))
	}
	return b.Bytes()
}

func renderPlainBlock(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		_, _ = w.WriteString("<p>")
		_, _ = w.Write(util.EscapeHTML(plainValue(node.Lines(), source)))
		_, _ = w.WriteString("</p>\n")
	}
	return ast.WalkContinue, nil
}

func renderPlainInline(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		_, _ = w.Write(util.EscapeHTML(plainValue(&node.(*plainInline).lines, source)))
	}
	return ast.WalkContinue, nil
}

// finisher is the first AST transformer: it unwraps elements nested deeper
// than maxTreeDepth and marks links rel="nofollow noopener noreferrer". It
// walks with its own stack since the tree may still be very deep here.
type finisher struct{}

var relValue = []byte("nofollow noopener noreferrer")

func (finisher) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	type frame struct {
		node  ast.Node
		depth int
	}
	stack := []frame{{doc, 0}}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch f.node.(type) {
		case *ast.Link, *ast.AutoLink:
			f.node.SetAttribute([]byte("rel"), relValue)
		}
		for c := f.node.FirstChild(); c != nil; {
			if f.depth+1 >= maxTreeDepth && c.Type() == ast.TypeInline && c.HasChildren() && c.Kind() != ast.KindCodeSpan {
				first := c.FirstChild()
				for gc := first; gc != nil; {
					next := gc.NextSibling()
					f.node.InsertBefore(f.node, c, gc)
					gc = next
				}
				f.node.RemoveChild(f.node, c)
				c = first // hoisted children are visited at this level
				continue
			}
			stack = append(stack, frame{c, f.depth + 1})
			c = c.NextSibling()
		}
	}
}

// extraHTML renders the nodes this package adds or restyles.
type extraHTML struct{}

func (extraHTML) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindImage, renderImage)
	reg.Register(kindPlainBlock, renderPlainBlock)
	reg.Register(kindPlainInline, renderPlainInline)
	registerFootnotes(reg)
}
