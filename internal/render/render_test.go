package render

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/yuin/goldmark/ast"
	"golang.org/x/net/html"

	"atlas/internal/document"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func readFixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestGolden(t *testing.T) {
	body := readFixture(t, "fiche.md")
	got := string(New().Render(body).HTML)
	golden := filepath.Join("testdata", "fiche.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/render -update)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update if intended):\n%s", golden, got)
	}
}

func TestFixtureHeadings(t *testing.T) {
	r := New().Render(readFixture(t, "fiche.md"))
	want := []Heading{
		{1, "En préambule", "en-preambule"},
		{2, "La communauté", "la-communaute"},
		{3, "Les ressources", "les-ressources"},
		{4, "La gouvernance", "la-gouvernance"},
		{5, "La protection et la pérennité du commun", "la-protection-et-la-perennite-du-commun"},
		{6, "Liens", "liens"},
	}
	if len(r.Headings) != len(want) {
		t.Fatalf("headings = %+v, want %+v", r.Headings, want)
	}
	for i := range want {
		if r.Headings[i] != want[i] {
			t.Errorf("heading %d = %+v, want %+v", i, r.Headings[i], want[i])
		}
	}
	checkHeadings(t, readFixture(t, "fiche.md"), r)
}

// checkHeadings asserts the Rendered invariants: every heading id is in the
// HTML, ids are unique, and each Heading points at a section whose heading
// line is the one rendered.
func checkHeadings(t testing.TB, body string, r Rendered) {
	t.Helper()
	ids := map[string]int{}
	nodes, err := html.ParseFragment(strings.NewReader(string(r.HTML)), bodyContext())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nodes {
		walk(n, func(n *html.Node) {
			for _, a := range n.Attr {
				if a.Key == "id" {
					ids[a.Val]++
				}
			}
		})
	}
	for id, count := range ids {
		if count > 1 {
			t.Errorf("id %q appears %d times", id, count)
		}
	}
	sections := document.Sections(normalize(body))
	last := 0
	for _, h := range r.Headings {
		if ids[h.ID] != 1 {
			t.Errorf("heading %+v: id not in HTML", h)
		}
		if h.Section <= last || h.Section >= len(sections) {
			t.Errorf("heading %+v: section out of order or range (%d sections)", h, len(sections))
			continue
		}
		last = h.Section
	}
}

func TestSections(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		sections []int    // Heading.Section, in order
		ids      []string // Heading.ID, in order
	}{
		{"plain", "intro\n## A\ntext\n## B\n", []int{1, 2}, []string{"a", "b"}},
		{"backtick fence", "## A\n```\n## not\n```\n## B\n", []int{1, 2}, []string{"a", "b"}},
		{"tilde fence", "~~~\n## not\n~~~\n## A\n", []int{1}, []string{"a"}},
		{"duplicates", "## Liens\n## Liens\n## Liens-2\n", []int{1, 2, 3}, []string{"liens", "liens-2", "liens-2-2"}},
		{"accents", "## L'été à Brest\n", []int{1}, []string{"l-ete-a-brest"}},
		{"no letters", "## ?!\n## …\n", []int{1, 2}, []string{"section", "section-2"}},
		{"empty", "##\n## \n", []int{1, 2}, []string{"section", "section-2"}},
		{"markup", "## La *gouvernance* [du](x) `commun`\n", []int{1}, []string{"la-gouvernance-du-commun"}},
		{"closing hashes", "## Titre ##\n", []int{1}, []string{"titre"}},
		{"crlf", "intro\r\n## A\r\ntext\r\n## B\r\n", []int{1, 2}, []string{"a", "b"}},
		{"indented", "   ## A\n", []int{1}, []string{"a"}},
		{"setext not a section", "Titre\n---\n## A\n", []int{1}, []string{"a"}},
		{"level three", "### Q\n## A\n", []int{1}, []string{"a"}},
		{"blockquote", "> ## Q\n## A\n", []int{1}, []string{"a"}},
		// document.Sections counts this one, goldmark renders raw HTML: no heading.
		{"html block", "<div>\n## X\n</div>\n\n## A\n", []int{2}, []string{"a"}},
		// A fence opened inside a list item closes on its indented line, for
		// document.Sections as for goldmark: "## A" is a section.
		{"list fence", "- ```\n  ## X\n  ```\n\n## A\n", []int{1}, []string{"a"}},
		{"attribute syntax", "## T {#x onclick=alert(1)}\n", []int{1}, []string{"t-x-onclick-alert-1"}},
	}
	r := New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := r.Render(tt.body)
			var sections []int
			var ids []string
			for _, h := range out.Headings {
				sections = append(sections, h.Section)
				ids = append(ids, h.ID)
			}
			if strings.Join(ids, " ") != strings.Join(tt.ids, " ") || len(sections) != len(tt.sections) {
				t.Fatalf("headings = %+v, want sections %v ids %v\n%s", out.Headings, tt.sections, tt.ids, out.HTML)
			}
			for i := range sections {
				if sections[i] != tt.sections[i] {
					t.Errorf("sections = %v, want %v", sections, tt.sections)
				}
			}
			checkHeadings(t, tt.body, out)
		})
	}
}

func TestHeadingText(t *testing.T) {
	out := New().Render("## Ça *marche* \\* &amp; `a\\*b` <b>x</b>\n")
	if got, want := out.Headings[0].Text, "Ça marche * & a\\*b x"; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
}

func TestInline(t *testing.T) {
	r := New()
	got := string(r.Inline("Un *avis* : [voir](https://example.org).\n\n## Titre\n\nNote[^1]\n\n[^1]: pas de notes ici"))
	for _, want := range []string{
		"<em>avis</em>",
		`<a href="https://example.org" rel="nofollow noopener noreferrer">voir</a>`,
		"<h2>Titre</h2>",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	for _, bad := range []string{"id=", "class=", "<sup", "footnote"} {
		if strings.Contains(got, bad) {
			t.Errorf("unexpected %q in\n%s", bad, got)
		}
	}
}

func TestInvalidBytes(t *testing.T) {
	body := "## A\xff\x00\n\xfe\n## B\n"
	out := New().Render(body)
	if len(out.Headings) != 2 || out.Headings[1].Section != 2 || out.Headings[0].Text != "A\uFFFD\uFFFD" {
		t.Fatalf("headings = %+v", out.Headings)
	}
	if !strings.Contains(string(out.HTML), "\uFFFD") {
		t.Errorf("invalid bytes not replaced: %q", out.HTML)
	}
}

// TestGuardsKeepText checks that a block too costly to parse is still shown,
// as plain escaped text.
func TestGuardsKeepText(t *testing.T) {
	r := New()
	body := "## " + strings.Repeat("[a](", 1<<13) + "<b>\n\n" + strings.Repeat("[a](", 1<<13) + "<i>\n"
	out := r.Render(body)
	got := string(out.HTML)
	if !strings.Contains(got, "[a]([a](") || !strings.Contains(got, "&lt;b&gt;") || !strings.Contains(got, "&lt;i&gt;") {
		t.Errorf("plain text lost: %.200s", got)
	}
	if len(out.Headings) != 1 || out.Headings[0].Section != 1 {
		t.Errorf("headings = %.200v", out.Headings)
	}
	deep := strings.Repeat("> ", 100) + "fond"
	if got := string(r.Render(deep).HTML); strings.Count(got, "<blockquote>") >= maxContainerDepth || !strings.Contains(got, "fond") {
		t.Errorf("deep quotes: %d blockquotes", strings.Count(got, "<blockquote>"))
	}
	stars := strings.Repeat("*", 400) + "x" + strings.Repeat("*", 400)
	if got := string(r.Render(stars).HTML); strings.Count(got, "<em>")+strings.Count(got, "<strong>") >= maxTreeDepth || !strings.Contains(got, "x") {
		t.Errorf("deep emphasis kept: %.200s", got)
	}
}

// TestLargeSheetNotDegraded checks that the guards leave real content alone,
// even in a sheet ten times larger than usual.
func TestLargeSheetNotDegraded(t *testing.T) {
	fixture := readFixture(t, "fiche.md")
	body := strings.Repeat(fixture+"\n", 150) // ~300 KB
	src := []byte(body)
	plain := 0
	_ = ast.Walk(parse(New().page, src), func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && (n.Kind() == kindPlainBlock || n.Kind() == kindPlainInline) {
			plain++
		}
		return ast.WalkContinue, nil
	})
	if plain != 0 {
		t.Errorf("%d blocks fell back to plain text", plain)
	}
}

func TestConcurrent(t *testing.T) {
	r := New()
	body := readFixture(t, "fiche.md")
	want := r.Render(body).HTML
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				if got := r.Render(body).HTML; got != want {
					t.Error("concurrent render differs")
					return
				}
			}
		})
	}
	wg.Wait()
}

func BenchmarkRender30KB(b *testing.B) {
	fixture := readFixture(b, "fiche.md")
	var body strings.Builder
	for body.Len() < 30<<10 {
		body.WriteString(fixture)
		body.WriteString("\n")
	}
	r := New()
	b.SetBytes(int64(body.Len()))
	b.ReportAllocs()
	for b.Loop() {
		r.Render(body.String())
	}
}
