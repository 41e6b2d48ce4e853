// Package render turns sheet bodies and comments written in Markdown into
// sanitized HTML. It is the only producer of template.HTML in the project:
// goldmark renders (raw HTML off), then bluemonday filters, always last.
package render

import (
	"bytes"
	"html/template"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"atlas/internal/document"
)

// Rendered is the HTML of one revision body, computed once (revisions are
// immutable) and cached by callers.
type Rendered struct {
	HTML     template.HTML // sanitized
	Headings []Heading     // the level-2 sections, for a table of contents
}

// Heading is one level-2 heading of a body.
type Heading struct {
	Section int    // index in document.Sections (1-based, 0 is the preamble)
	Text    string // plain text, Markdown removed
	ID      string // anchor id present in the HTML
}

// Renderer holds the Markdown pipelines, built once. It is safe for
// concurrent use.
type Renderer struct {
	page, inline             goldmark.Markdown
	pagePolicy, inlinePolicy *bluemonday.Policy
	sizes                    PictureSizes // nil: pictures without sizes
}

// New builds the goldmark pipelines and bluemonday policies.
func New() *Renderer { return NewWithPictures(nil) }

// NewWithPictures is New whose pictures carry their width, height and
// smaller copies, as sizes tells them.
func NewWithPictures(sizes PictureSizes) *Renderer {
	return &Renderer{
		page:         newMarkdown(true),
		inline:       newMarkdown(false),
		sizes:        sizes,
		pagePolicy:   pagePolicy(),
		inlinePolicy: inlinePolicy(),
	}
}

// newMarkdown assembles goldmark by hand instead of using its defaults and
// the Footnote extender, to slip the guards of guard.go in front of the
// stock parsers. No attribute syntax, no auto heading ids, no typographer
// (French texts already carry their punctuation), no raw HTML.
func newMarkdown(footnotes bool) goldmark.Markdown {
	blocks := []util.PrioritizedValue{
		util.Prioritized(parser.NewSetextHeadingParser(), 100),
		util.Prioritized(parser.NewThematicBreakParser(), 200),
		util.Prioritized(depthGuard{parser.NewListParser()}, 300),
		util.Prioritized(parser.NewListItemParser(), 400),
		util.Prioritized(parser.NewCodeBlockParser(), 500),
		util.Prioritized(headingGuard{parser.NewATXHeadingParser()}, 600),
		util.Prioritized(parser.NewFencedCodeBlockParser(), 700),
		util.Prioritized(depthGuard{parser.NewBlockquoteParser()}, 800),
		util.Prioritized(parser.NewHTMLBlockParser(), 900),
		util.Prioritized(parser.NewParagraphParser(), 1000),
	}
	inlines := parser.DefaultInlineParsers()
	paragraphs := append([]util.PrioritizedValue{util.Prioritized(paragraphGuard{}, 0)},
		parser.DefaultParagraphTransformers()...)
	transformers := []util.PrioritizedValue{util.Prioritized(finisher{}, -1000)}
	nodeRenderers := []util.PrioritizedValue{util.Prioritized(extraHTML{}, 1)}
	if footnotes {
		blocks = append(blocks, util.Prioritized(depthGuard{extension.NewFootnoteBlockParser()}, 999))
		inlines = append(inlines, util.Prioritized(extension.NewFootnoteParser(), 101))
		transformers = append(transformers, util.Prioritized(extension.NewFootnoteASTTransformer(), 999))
		nodeRenderers = append(nodeRenderers, util.Prioritized(extension.NewFootnoteHTMLRenderer(), 500))
	}
	p := parser.NewParser(
		parser.WithBlockParsers(blocks...),
		parser.WithInlineParsers(inlines...),
		parser.WithParagraphTransformers(paragraphs...),
		parser.WithASTTransformers(transformers...),
	)
	r := renderer.NewRenderer(
		renderer.WithNodeRenderers(util.Prioritized(html.NewRenderer(), 1000)),
		renderer.WithNodeRenderers(nodeRenderers...),
	)
	return goldmark.New(
		goldmark.WithParser(p),
		goldmark.WithRenderer(r),
		goldmark.WithExtensions(
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.Linkify,
			extension.TaskList,
		),
	)
}

// Render renders a sheet body. Heading ids are stable slugs of the heading
// text, unique in the body.
func (r *Renderer) Render(body string) Rendered {
	src := []byte(normalize(body))
	doc := parse(r.page, src)
	r.sizePictures(doc)
	headings := headingIDs(doc, src)
	return Rendered{HTML: convert(r.page, r.pagePolicy, doc, src), Headings: headings}
}

// Inline renders short Markdown such as a comment: same pipeline without
// footnotes, and a stricter policy with no ids or classes.
func (r *Renderer) Inline(source string) template.HTML {
	src := []byte(normalize(source))
	doc := parse(r.inline, src)
	r.sizePictures(doc)
	return convert(r.inline, r.inlinePolicy, doc, src)
}

// normalize replaces invalid UTF-8 and NUL with U+FFFD before parsing, so
// the offsets matched against sections, the HTML and Heading.Text all come
// from the same text. Replacing bytes never adds or removes a line or a "#".
func normalize(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}

func parse(md goldmark.Markdown, src []byte) ast.Node {
	ctx := parser.NewContext()
	ctx.Set(budgetKey, &budget{})
	return md.Parser().Parse(text.NewReader(src), parser.WithContext(ctx))
}

func convert(md goldmark.Markdown, policy *bluemonday.Policy, doc ast.Node, src []byte) template.HTML {
	var buf bytes.Buffer
	// Writing to a bytes.Buffer cannot fail; whatever was written is
	// sanitized all the same.
	_ = md.Renderer().Render(&buf, src, doc)
	return template.HTML(policy.SanitizeBytes(buf.Bytes())) // #nosec G203 -- sanitized just now
}

// headingIDs gives every heading an id and lists the level-2 headings that
// start a document section. Matching is by line offset, so a "## " line that
// goldmark does not treat as a heading (in an HTML block, in an indented list
// fence…) is simply absent, and a setext heading never counts.
func headingIDs(doc ast.Node, src []byte) []Heading {
	sectionAt := map[int]int{}
	for _, s := range document.Sections(string(src))[1:] {
		sectionAt[s.Start] = s.Index
	}
	ids := newIDSet()
	var headings []Heading
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		label := plainText(h, src)
		id := ids.unique(document.Slug(label))
		h.SetAttributeString("id", []byte(id))
		if h.Level == 2 && h.Pos() >= 0 {
			start := bytes.LastIndexByte(src[:h.Pos()], '\n') + 1
			if index, ok := sectionAt[start]; ok {
				headings = append(headings, Heading{Section: index, Text: label, ID: id})
			}
		}
		return ast.WalkSkipChildren, nil
	})
	return headings
}

// idSet hands out unique ids; next remembers the last suffix per base so
// thousands of equal headings stay linear.
type idSet struct {
	used map[string]bool
	next map[string]int
}

func newIDSet() *idSet { return &idSet{used: map[string]bool{}, next: map[string]int{}} }

func (s *idSet) unique(base string) string {
	if base == "" {
		base = "section"
	}
	id := base
	for n := s.next[base]; s.used[id]; {
		n++
		s.next[base] = n
		id = base + "-" + strconv.Itoa(n+1)
	}
	s.used[id] = true
	return id
}

// plainText is the text a reader sees in a heading.
func plainText(h ast.Node, src []byte) string {
	var b bytes.Buffer
	_ = ast.Walk(h, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			v := n.Segment.Value(src)
			if !n.IsRaw() {
				v = util.ResolveNumericReferences(util.ResolveEntityNames(util.UnescapePunctuations(v)))
			}
			b.Write(v)
			if n.SoftLineBreak() || n.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.CodeSpan:
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if t, ok := c.(*ast.Text); ok {
					b.Write(t.Segment.Value(src))
				}
			}
			return ast.WalkSkipChildren, nil
		case *plainInline:
			b.Write(plainValue(&n.lines, src))
		case *ast.String:
			b.Write(n.Value)
		case *ast.AutoLink:
			b.Write(n.Label(src))
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return string(bytes.TrimSpace(b.Bytes()))
}
