package web

import (
	"html"
	"html/template"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"atlas/internal/document"
	"atlas/internal/i18n"
	"atlas/internal/render"
	"atlas/internal/web/view"
)

// testViews is a page engine for tests of parts rendered alone.
var testViews = sync.OnceValues(func() (*view.Engine, error) {
	a, err := view.NewAssets(false)
	if err != nil {
		return nil, err
	}
	return view.New(false, a, pageNames)
})

func sectionEditLinks(t testing.TB, body template.HTML, lang, slug string, headings []render.Heading) string {
	t.Helper()
	v, err := testViews()
	if err != nil {
		t.Fatal(err)
	}
	out, err := withSectionEditLinks(v, body, view.NewBase(lang, nil, nil), slug, headings)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

var addedLink = regexp.MustCompile(` <a class="edit-section" href="/sheets/s/edit\?section=([0-9]+)" aria-label="[^"]*">modifier</a></div>`)

// FuzzSectionEditLinks: the links only add markup around the headings that
// start sections, one per section heading, each pointing to its section;
// taking them out gives the rendering back byte for byte.
func FuzzSectionEditLinks(f *testing.F) {
	for _, seed := range []string{
		"Intro\n\n## Une\n\nTexte.\n\n## Deux\n",
		"## A\n## A\n## A\n",
		"```\n## dans du code\n```\n\n## Vraie\n",
		"- liste\n  ## dans la liste\n\n## Après\n",
		"> ## citée\n\n## <b>brut</b> & \"guillemets\"\n",
		"Titre\n---\n\n##\n\n## #\n",
		document.Template(),
	} {
		f.Add(seed)
	}
	r := render.New()
	f.Fuzz(func(t *testing.T, body string) {
		rendered := r.Render(body)
		out := sectionEditLinks(t, rendered.HTML, "fr", "s", rendered.Headings)
		links := addedLink.FindAllStringSubmatch(out, -1)
		if len(links) != len(rendered.Headings) {
			t.Fatalf("%d links for %d section headings:\n%s", len(links), len(rendered.Headings), out)
		}
		for i, l := range links {
			if want := rendered.Headings[i].Section; l[1] != strconv.Itoa(want) {
				t.Fatalf("link %d edits section %s, want %d", i, l[1], want)
			}
		}
		back := strings.ReplaceAll(addedLink.ReplaceAllString(out, ""), `<div class="section-heading">`, "")
		if back != string(rendered.HTML) {
			t.Fatalf("the links changed the rendering:\n%s\n---\n%s", rendered.HTML, out)
		}
	})
}

func TestSectionAnchor(t *testing.T) {
	r := render.New()
	body := "Intro.\n\n## Avant\n\nX.\n\n## Histoire\n\nA.\n\n## Histoire\n\nB revu.\n\n## Fin\n"
	rendered := r.Render(body)
	for _, c := range []struct {
		k      int
		edited string
		want   string
	}{
		{3, "## Histoire\n\nB revu.\n\n", "histoire-2"},     // its own text, where it is
		{2, "## Histoire\n\nB revu.\n\n", "histoire-2"},     // moved one down by a merge
		{2, "## Histoire\r\n\r\nB revu.\r\n", "histoire-2"}, // sent by a browser
		{2, "## Histoire\n\nautre chose\n", "histoire"},     // merged with others' words: nearest
		{4, "## Fin\n", "fin"},
		{4, "## Disparue\n", ""},             // the heading is gone from the saved text
		{0, "Intro.\n", ""},                  // the preamble: the top of the page
		{2, "Plus de titre.\n", ""},          // the heading line was removed
		{1, "\n\n## Avant\n\nX.\n", "avant"}, // blank lines before the heading
	} {
		if got := sectionAnchor(rendered, body, c.k, c.edited); got != c.want {
			t.Errorf("section %d %q: anchor %q, want %q", c.k, c.edited, got, c.want)
		}
	}
}

// legacySectionEditLinks is how the links were written until the
// section_heading partial: by hand, escaped as HTML text.
func legacySectionEditLinks(body template.HTML, lang, slug string, headings []render.Heading) string {
	src := string(body)
	var b strings.Builder
	label := html.EscapeString(i18n.T(lang, "sheet.edit_section"))
	path := html.EscapeString(url.PathEscape(slug))
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
		b.WriteString(src[at:start] + `<div class="section-heading">` + src[start:end] + ` <a class="edit-section" href="/sheets/` + path +
			`/edit?section=` + strconv.Itoa(hd.Section) + `" aria-label="` + html.EscapeString(i18n.T(lang, "sheet.edit_section_named", hd.Text)) + `">` + label + `</a></div>`)
		at = end
	}
	return b.String() + src[at:]
}

// TestSectionEditLinksAsBefore: the partial writes the links byte for
// byte as the hand-written HTML did, in both languages, but for a "+" in
// a heading, which html/template writes &#43; in the label.
func TestSectionEditLinksAsBefore(t *testing.T) {
	r := render.New()
	for _, body := range []string{
		"Intro\n\n## Une\n\nTexte.\n\n## Deux\n",
		"> ## citée\n\n## <b>brut</b> & \"guillemets\" l'été\n",
		document.Template(),
		"## C++ et +1\n",
	} {
		rendered := r.Render(body)
		for _, lang := range i18n.Languages {
			// The one difference, the same to a browser.
			got := strings.ReplaceAll(sectionEditLinks(t, rendered.HTML, lang, "jardin-partage", rendered.Headings), "&#43;", "+")
			if want := legacySectionEditLinks(rendered.HTML, lang, "jardin-partage", rendered.Headings); got != want {
				t.Errorf("%s %q:\n got %s\nwant %s", lang, body, got, want)
			}
		}
	}
}

// BenchmarkSectionEditLinks: the links of the sheet template's sections,
// written by the partial and, for comparison, by hand as they were; once
// per revision and kind of reader, inside the kept article.
func BenchmarkSectionEditLinks(b *testing.B) {
	rendered := render.New().Render(document.Template())
	b.Run("partial", func(b *testing.B) {
		for b.Loop() {
			sectionEditLinks(b, rendered.HTML, "fr", "jardin", rendered.Headings)
		}
	})
	b.Run("by_hand", func(b *testing.B) {
		for b.Loop() {
			legacySectionEditLinks(rendered.HTML, "fr", "jardin", rendered.Headings)
		}
	})
}
