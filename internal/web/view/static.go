package view

import (
	"bytes"
	"errors"
	"html/template"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/template/parse"
)

// A page has dozens of actions whose value depends only on the page's
// language and the release: a message without arguments ({{.T "key"}} or
// {{$.T "key"}}), the language itself ({{.Lang}}) and the other one
// ({{.OtherLang}}), a public file's address ({{.Asset "path"}}, outside dev
// mode). Each would cost reflective calls at every execution, so each
// language's templates are made with those values in them, in three steps
// over the parsed trees:
//
//  1. static turns each such action into an action printing a string
//     constant ({{"Atlas des communs"}});
//  2. html/template escapes the templates as usual (escape), adding to
//     each constant the escapers of where it stands: text, attribute,
//     URL, script;
//  3. fold evaluates those escaped constants once and writes them in as
//     text, joined to the text around them, so that executing a page
//     writes one run of bytes where there were text and actions.

// static replaces, in a copy of tree, the actions that only depend on the
// language by constants in lang.
func (v *Engine) static(lang string, tree *parse.Tree) *parse.Tree {
	tree = tree.Copy()
	b := NewBase(lang, v.assets, nil)
	walk(tree.Root, func(a *parse.ActionNode) {
		value, ok := v.staticValue(b, a)
		if !ok {
			return
		}
		a.Pipe.Cmds = []*parse.CommandNode{{NodeType: parse.NodeCommand, Pos: a.Pipe.Cmds[0].Pos, Args: []parse.Node{
			&parse.StringNode{NodeType: parse.NodeString, Pos: a.Pipe.Cmds[0].Pos, Quoted: strconv.Quote(value), Text: value},
		}}}
	})
	return tree
}

// staticValue is the value in b's language of an action that is one of
// the static ones: {{.T "key"}}, {{.Asset "path"}} (outside dev mode),
// {{.Lang}}, {{.OtherLang}}, each also with $ for the dot.
func (v *Engine) staticValue(b Base, a *parse.ActionNode) (string, bool) {
	name, arg, ok := staticAction(a)
	if !ok {
		return "", false
	}
	switch {
	case name == "T" && arg != "":
		return b.T(arg), true
	case name == "Asset" && arg != "" && !v.dev:
		return b.Asset(arg), true
	case name == "Lang" && arg == "":
		return b.Lang, true
	case name == "OtherLang" && arg == "":
		return b.OtherLang(), true
	}
	return "", false
}

// staticAction reads an action of the form {{.Name}}, {{$.Name}},
// {{.Name "arg"}} or {{$.Name "arg"}}: one command, no variable.
func staticAction(a *parse.ActionNode) (name, arg string, ok bool) {
	p := a.Pipe
	if p == nil || len(p.Decl) != 0 || len(p.Cmds) != 1 {
		return "", "", false
	}
	args := p.Cmds[0].Args
	if len(args) == 0 || len(args) > 2 {
		return "", "", false
	}
	switch n := args[0].(type) {
	case *parse.FieldNode:
		if len(n.Ident) != 1 {
			return "", "", false
		}
		name = n.Ident[0]
	case *parse.VariableNode:
		if len(n.Ident) != 2 || n.Ident[0] != "$" {
			return "", "", false
		}
		name = n.Ident[1]
	default:
		return "", "", false
	}
	if len(args) == 2 {
		s, isString := args[1].(*parse.StringNode)
		if !isString || s.Text == "" {
			return "", "", false
		}
		arg = s.Text
	}
	return name, arg, true
}

// walk calls f on every action of a list, in branches too.
func walk(l *parse.ListNode, f func(*parse.ActionNode)) {
	if l == nil {
		return
	}
	for _, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.ActionNode:
			f(n)
		case *parse.IfNode:
			walk(n.List, f)
			walk(n.ElseList, f)
		case *parse.RangeNode:
			walk(n.List, f)
			walk(n.ElseList, f)
		case *parse.WithNode:
			walk(n.List, f)
			walk(n.ElseList, f)
		}
	}
}

// noData stops an execution at its first look at the data: executing a
// template with it only has html/template escape the template first.
type noData struct{}

// everyTemplate names a template added to each set that calls every
// other one, so that one execution escapes them all (see escape).
const everyTemplate = "atlas$every"

// addEveryTemplate adds everyTemplate to t, which must be complete and not
// yet executed.
func addEveryTemplate(t *template.Template) error {
	names := make([]string, 0, len(t.Templates()))
	for _, tt := range t.Templates() {
		if tt.Tree != nil && tt.Name() != "layout" {
			names = append(names, tt.Name())
		}
	}
	sort.Strings(names)
	tree := &parse.Tree{Name: everyTemplate, Root: &parse.ListNode{NodeType: parse.NodeList}}
	for _, name := range names {
		tree.Root.Nodes = append(tree.Root.Nodes, &parse.TemplateNode{NodeType: parse.NodeTemplate, Name: name,
			Pipe: &parse.PipeNode{NodeType: parse.NodePipe, Cmds: []*parse.CommandNode{{NodeType: parse.NodeCommand, Args: []parse.Node{&parse.DotNode{}}}}}})
	}
	_, err := t.AddParseTree(everyTemplate, tree)
	return err
}

// escape has html/template escape every template of t now rather than at
// its first execution (which would leave nothing to fold): the layout
// first, then every other one, each as an entry point in the text context,
// as Fragment and part execute them. Each escaping ends by giving the
// escapers to every template escaped so far, so each template escaped
// on its own would cost as much again as all before it: they are escaped
// together, through everyTemplate, or one by one if one of them cannot
// stand on its own in the text context. An error of the layout is
// returned; one of another template, which nothing may ever execute on its
// own, is left for its first execution to report, as before.
func escape(t *template.Template) error {
	if err := escapeOne(t, "layout"); err != nil {
		return err
	}
	if t.Lookup(everyTemplate) != nil && escapeOne(t, everyTemplate) == nil {
		return nil
	}
	names := make([]string, 0, len(t.Templates()))
	for _, tt := range t.Templates() {
		if tt.Tree != nil && tt.Name() != "layout" && tt.Name() != everyTemplate {
			names = append(names, tt.Name())
		}
	}
	sort.Strings(names)
	for _, name := range names {
		_ = escapeOne(t, name)
	}
	return nil
}

func escapeOne(t *template.Template, name string) error {
	err := t.ExecuteTemplate(io.Discard, name, noData{})
	var escErr *template.Error
	if errors.As(err, &escErr) {
		return err
	}
	return nil
}

// folder evaluates escaped constants: an action printing a string through
// html/template's escapers only ({{"x" | _html_template_attrescaper}}).
// It runs each such action in a small template of its own, escaped once so
// that its set knows the escapers, and keeps the results.
type folder struct {
	mu     sync.Mutex // sets are made by their first readers, side by side
	probe  *template.Template
	values map[string]string
}

func newFolder() (*folder, error) {
	probe, err := template.New("fold").Parse(`{{.}}`)
	if err != nil {
		return nil, err
	}
	if err := probe.Execute(io.Discard, ""); err != nil {
		return nil, err
	}
	return &folder{probe: probe, values: map[string]string{}}, nil
}

// constant reports whether an escaped action prints a constant.
func constant(a *parse.ActionNode) bool {
	p := a.Pipe
	if p == nil || len(p.Decl) != 0 || len(p.Cmds) == 0 {
		return false
	}
	if args := p.Cmds[0].Args; len(args) != 1 || args[0].Type() != parse.NodeString {
		return false
	}
	for _, c := range p.Cmds[1:] {
		id, ok := c.Args[0].(*parse.IdentifierNode)
		if len(c.Args) != 1 || !ok || !strings.HasPrefix(id.Ident, "_html_template_") {
			return false
		}
	}
	return true
}

// value is what an escaped constant action prints.
func (f *folder) value(a *parse.ActionNode) (string, error) {
	key := a.Pipe.String()
	f.mu.Lock()
	defer f.mu.Unlock()
	if s, ok := f.values[key]; ok {
		return s, nil
	}
	f.probe.Tree.Root.Nodes[0] = a
	var b strings.Builder
	if err := f.probe.Execute(&b, nil); err != nil {
		return "", err
	}
	f.values[key] = b.String()
	return b.String(), nil
}

// fold writes every escaped constant of t's templates in as text and joins
// each run of text into one node.
func (f *folder) fold(t *template.Template) error {
	for _, tt := range t.Templates() {
		if tt.Tree == nil {
			continue
		}
		if err := f.list(tt.Tree.Root); err != nil {
			return err
		}
	}
	return nil
}

func (f *folder) list(l *parse.ListNode) error {
	if l == nil {
		return nil
	}
	out := l.Nodes[:0]
	for _, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.ActionNode:
			if constant(n) {
				s, err := f.value(n)
				if err != nil {
					return err
				}
				out = appendText(out, &parse.TextNode{NodeType: parse.NodeText, Pos: n.Pos, Text: []byte(s)})
				continue
			}
		case *parse.TextNode:
			out = appendText(out, n)
			continue
		case *parse.IfNode:
			if err := f.branches(n.List, n.ElseList); err != nil {
				return err
			}
		case *parse.RangeNode:
			if err := f.branches(n.List, n.ElseList); err != nil {
				return err
			}
		case *parse.WithNode:
			if err := f.branches(n.List, n.ElseList); err != nil {
				return err
			}
		}
		out = append(out, n)
	}
	clear(l.Nodes[len(out):])
	l.Nodes = out
	return nil
}

func (f *folder) branches(list, elseList *parse.ListNode) error {
	if err := f.list(list); err != nil {
		return err
	}
	return f.list(elseList)
}

// appendText adds text to a list, joined to the text before it if any.
func appendText(nodes []parse.Node, t *parse.TextNode) []parse.Node {
	if len(t.Text) == 0 {
		return nodes
	}
	if len(nodes) > 0 {
		if prev, ok := nodes[len(nodes)-1].(*parse.TextNode); ok {
			// A new slice: the text of a node may be shared.
			joined := make([]byte, 0, len(prev.Text)+len(t.Text))
			prev.Text = append(append(joined, prev.Text...), t.Text...)
			return nodes
		}
	}
	return append(nodes, t)
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
