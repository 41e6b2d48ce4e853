package search_test

import (
	"strings"
	"testing"

	"atlas/internal/search"
)

func TestPlainText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"## Les ressources ##\nDes outils.", "Les ressources — Des outils."},
		{"### Quels financements ?", "Quels financements ?"},
		{"Un **jardin** _partagé_ et *libre*, ~~fermé~~ ouvert.", "Un jardin partagé et libre, fermé ouvert."},
		{"Voir [le site](https://example.org/a_(b)) et ![un plan](plan.png).", "Voir le site et un plan."},
		{"Selon [la charte][charte] et <https://example.org>.", "Selon la charte et https://example.org."},
		{"Écrire à <mailto:contact@example.org>", "Écrire à contact@example.org"},
		{"Des dons[^1] et des subventions[^note].", "Des dons et des subventions."},
		{"[^1]: La ville de Brest.", "La ville de Brest."},
		{"[charte]: https://example.org/charte", ""},
		{"| Année | Budget |\n|---|:--:|\n| 2020 | 300 € |", "Année Budget 2020 300 €"},
		{"> Une citation\n> - en liste", "Une citation en liste"},
		{"1. premier\n2) second\n- [x] fait\n- [ ] à faire", "premier second fait à faire"},
		{"```go\nx := `a`\n```\n---\n* * *", "x := a"},
		{"Le fichier snake_case reste, \\*pas d'emphase\\*.", "Le fichier snake_case reste, *pas d'emphase*."},
	}
	for _, tt := range tests {
		got := strings.Join(strings.Fields(search.PlainText(tt.in)), " ")
		if got != tt.want {
			t.Errorf("PlainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A snippet shows text, not Markdown, and cuts between words.
func TestSnippetShowsTextAndWholeWords(t *testing.T) {
	body := "## Les moyens humains et financiers, les partenariats\n\n" +
		strings.Repeat("Les bénévoles **animent** le lieu avec [la mairie](https://brest.fr) chaque semaine. ", 6) +
		"\n\n### Quels financements, quelles contributions ?\n\n" +
		"| Source | Montant |\n|---|---:|\n| Subventions | 3 000 € |\n\nDes dons[^1] complètent les **financements** publics.\n\n" +
		strings.Repeat("Une assemblée annuelle décide des priorités de l'association. ", 6) +
		"\n\n[^1]: Environ cent donateurs.\n"
	source := map[string]bool{}
	for _, w := range strings.Fields(search.PlainText(body)) {
		source[w] = true
	}
	for _, width := range []int{40, 80, 120, 200, 201, 203, 1000} {
		segs := search.Snippet(body, "financement", width)
		var b strings.Builder
		marked := 0
		for _, s := range segs {
			if s.Match {
				marked++
			}
			b.WriteString(s.Text)
		}
		out := b.String()
		if marked == 0 {
			t.Errorf("width %d: no match marked in %q", width, out)
		}
		for _, syntax := range []string{"##", "**", "](", "|---", "[^", "|"} {
			if strings.Contains(out, syntax) {
				t.Errorf("width %d: %q shows Markdown %q", width, out, syntax)
			}
		}
		for _, w := range strings.Fields(strings.TrimSuffix(strings.TrimPrefix(out, "… "), " …")) {
			if !source[w] {
				t.Errorf("width %d: %q holds %q, a cut word", width, out, w)
			}
		}
	}
}

func TestSnippetOfAShortText(t *testing.T) {
	segs := search.Snippet("Un **jardin** partagé.", "jardin", 200)
	var b strings.Builder
	for _, s := range segs {
		if s.Match {
			b.WriteString("[" + s.Text + "]")
		} else {
			b.WriteString(s.Text)
		}
	}
	if got := b.String(); got != "Un [jardin] partagé." {
		t.Errorf("snippet = %q", got)
	}
}
