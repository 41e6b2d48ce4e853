package view

import (
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"text/template/parse"

	"atlas/internal/i18n"
	atlasviews "atlas/views"
)

// allPages names every file of views/pages.
func allPages(t testing.TB) []string {
	t.Helper()
	files, err := fs.Glob(atlasviews.FS, "pages/*.html")
	if err != nil || len(files) == 0 {
		t.Fatal(files, err)
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = strings.TrimSuffix(strings.TrimPrefix(f, "pages/"), ".html")
	}
	return names
}

func newTestEngine(t testing.TB) *Engine {
	t.Helper()
	a, err := NewAssets(false)
	if err != nil {
		t.Fatal(err)
	}
	v, err := New(false, a, allPages(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Prepare(); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestEveryPageIsFolded: no template of any page, in any language, still
// asks at each execution for a message, the language or a file's address,
// nor prints a constant, nor holds two texts in a row.
func TestEveryPageIsFolded(t *testing.T) {
	v := newTestEngine(t)
	for lang, pages := range v.sets {
		for name, set := range pages {
			for _, tt := range set.t.Templates() {
				if tt.Tree == nil && tt.Name() != name {
					// Escaping a template that cannot stand on its own
					// would have dropped its tree.
					t.Errorf("%s/%s/%s: no tree", lang, name, tt.Name())
				}
				if tt.Tree == nil {
					continue
				}
				where := fmt.Sprintf("%s/%s/%s", lang, name, tt.Name())
				checkFolded(t, where, tt.Tree.Root)
			}
		}
	}
}

func checkFolded(t *testing.T, where string, l *parse.ListNode) {
	t.Helper()
	if l == nil {
		return
	}
	var prev parse.Node
	for _, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			if _, ok := prev.(*parse.TextNode); ok {
				t.Errorf("%s: two texts in a row: …%s", where, n.Text)
			}
			if len(n.Text) == 0 {
				t.Errorf("%s: empty text", where)
			}
		case *parse.ActionNode:
			if name, arg, ok := staticAction(n); ok && (name == "T" && arg != "" || name == "Asset" || name == "Lang" || name == "OtherLang") {
				t.Errorf("%s: unfolded %s", where, n)
			}
			if constant(n) {
				t.Errorf("%s: constant left: %s", where, n)
			}
		case *parse.IfNode:
			checkFolded(t, where, n.List)
			checkFolded(t, where, n.ElseList)
		case *parse.RangeNode:
			checkFolded(t, where, n.List)
			checkFolded(t, where, n.ElseList)
		case *parse.WithNode:
			checkFolded(t, where, n.List)
			checkFolded(t, where, n.ElseList)
		}
		prev = n
	}
}

// legacyAction and legacyStatic are how messages were written into the
// templates until the pass over parsed trees: pasted into the source by a
// regular expression, escaped for HTML text whatever the context.
var legacyAction = regexp.MustCompile(`{{\$?\.(T|Asset) "([a-zA-Z0-9_./-]+)"}}|{{\$?\.(Lang|OtherLang)}}`)

func legacyStatic(v *Engine, lang, src string) string {
	b := NewBase(lang, v.assets, nil)
	return legacyAction.ReplaceAllStringFunc(src, func(action string) string {
		m := legacyAction.FindStringSubmatch(action)
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
			return action
		}
		return html.EscapeString(value)
	})
}

// legacySet parses a page's set as it was: each file's source with the
// messages pasted in, for each page and language.
func legacySet(t *testing.T, v *Engine, lang, name string) *template.Template {
	t.Helper()
	set := template.New(name)
	set.Funcs(v.funcs()).Funcs(template.FuncMap{"part": v.part(set, lang)})
	for _, pattern := range []string{"layouts/*.html", "partials/*.html", "pages/" + name + ".html"} {
		files, err := fs.Glob(atlasviews.FS, pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			src, err := fs.ReadFile(atlasviews.FS, f)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := set.New(f).Parse(legacyStatic(v, lang, string(src))); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := addEveryTemplate(set); err != nil {
		t.Fatal(err)
	}
	if err := escape(set); err != nil {
		t.Fatal(err)
	}
	return set
}

// TestPagesAreAsBefore: every template of every page, in every language,
// is the same escaped template as when messages were pasted into the
// source, its texts joined: so every page is written byte for byte as
// before, whatever its data. Only where a message stands in a place whose
// escaping differs from HTML text's may they differ, and then the new one
// is the right one: those places are listed here.
func TestPagesAreAsBefore(t *testing.T) {
	v := newTestEngine(t)
	fold, err := newFolder()
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Languages {
		for _, name := range allPages(t) {
			old := legacySet(t, v, lang, name)
			if err := fold.fold(old); err != nil {
				t.Fatal(err)
			}
			set := v.sets[lang][name].t
			if got, want := len(set.Templates()), len(old.Templates()); got != want {
				t.Errorf("%s/%s: %d templates, were %d", lang, name, got, want)
			}
			for _, tt := range old.Templates() {
				nt := set.Lookup(tt.Name())
				if (nt == nil || nt.Tree == nil) != (tt.Tree == nil) {
					t.Errorf("%s/%s/%s: missing", lang, name, tt.Name())
					continue
				}
				if tt.Tree == nil {
					continue
				}
				if got, want := nt.Tree.Root.String(), tt.Tree.Root.String(); got != want {
					t.Errorf("%s/%s/%s differs:\n%s", lang, name, tt.Name(), firstDifference(got, want))
				}
			}
		}
	}
}

func firstDifference(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(0, i-80)
	return fmt.Sprintf(" got …%s…\nwant …%s…", got[from:min(len(got), i+80)], want[from:min(len(want), i+80)])
}

// TestStaticActionsAreWrittenIn: each language's templates carry the
// messages, escaped for where they stand, in place of the actions that
// asked for them; other actions stay.
func TestStaticActionsAreWrittenIn(t *testing.T) {
	a, err := NewAssets(false)
	if err != nil {
		t.Fatal(err)
	}
	v := &Engine{assets: a}
	src := `{{define "layout"}}<p title="{{.T "site.name"}}">{{$.T "nav.skip"}}</p><a href="/x?q={{.T "site.name"}}">{{.Lang}}</a>` +
		`<script>var l = {{.OtherLang}};</script>{{.T "diff.version" 3}}{{end}}`
	parsed := template.Must(template.New("x").Parse(src))
	set := template.New("x")
	for _, tt := range parsed.Templates() {
		if _, err := set.AddParseTree(tt.Name(), v.static("fr", tt.Tree)); err != nil {
			t.Fatal(err)
		}
	}
	if err := escape(set); err != nil {
		t.Fatal(err)
	}
	fold, err := newFolder()
	if err != nil {
		t.Fatal(err)
	}
	if err := fold.fold(set); err != nil {
		t.Fatal(err)
	}
	name := i18n.T("fr", "site.name") // "Atlas des communs": a URL writes its spaces %20
	want := `<p title="` + template.HTMLEscapeString(name) + `">` + template.HTMLEscapeString(i18n.T("fr", "nav.skip")) + `</p>` +
		`<a href="/x?q=` + strings.ReplaceAll(name, " ", "%20") + `">fr</a><script>var l = "en";</script>{{.T "diff.version" 3 | _html_template_htmlescaper}}`
	if got := set.Lookup("layout").Tree.Root.String(); got != want {
		t.Errorf("folded:\n got %s\nwant %s", got, want)
	}
	// The source template is left as it was parsed.
	if got := parsed.Lookup("layout").Tree.Root.String(); !strings.Contains(got, `{{.T "site.name"}}`) {
		t.Errorf("source changed: %s", got)
	}
}

// BenchmarkNew is the engine's start (every file parsed), then the making
// of every page's set in each language (copied, escaped and folded), which
// happens at each set's first use.
func BenchmarkNew(b *testing.B) {
	a, err := NewAssets(false)
	if err != nil {
		b.Fatal(err)
	}
	pages := allPages(b)
	var v *Engine
	b.Run("start", func(b *testing.B) {
		for b.Loop() {
			if v, err = New(false, a, pages); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("every_set", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			v, err = New(false, a, pages)
			b.StartTimer()
			if err != nil {
				b.Fatal(err)
			}
			if err := v.Prepare(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestSetsAreMadeOnceSideBySide: readers arriving together at a page not
// yet made share one making of its set (run with -race).
func TestSetsAreMadeOnceSideBySide(t *testing.T) {
	a, err := NewAssets(false)
	if err != nil {
		t.Fatal(err)
	}
	v, err := New(false, a, allPages(t))
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 4)
	for range cap(errs) {
		go func() { errs <- v.Prepare() }()
	}
	for range cap(errs) {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	first := v.sets["fr"]["home"].t
	if err := v.Prepare(); err != nil || v.sets["fr"]["home"].t != first {
		t.Errorf("made again: %v", err)
	}
}
