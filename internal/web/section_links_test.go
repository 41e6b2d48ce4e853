package web

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"atlas/internal/document"
	"atlas/internal/render"
)

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
		out := string(withSectionEditLinks(rendered.HTML, "fr", "s", rendered.Headings))
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
