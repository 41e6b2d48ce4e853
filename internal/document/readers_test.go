package document

import (
	"strings"
	"testing"
)

func TestForReadersHidesTheUntouchedTemplate(t *testing.T) {
	got, index := ForReaders(Template())
	if got != "" || len(index) != 1 || index[0] != 0 {
		t.Errorf("template for readers = %q, sections %v; want nothing but the empty preamble", got, index)
	}
}

func TestForReadersKeepsAnswers(t *testing.T) {
	body := Template()
	// Answer one question of the fifth section (index 6), as a writer
	// would: text under the prompt.
	body = strings.Replace(body, "### Quels financements, quelles contributions ?\n\n",
		"### Quels financements, quelles contributions ?\n\nUne subvention de la ville et des dons.\n", 1)
	body = strings.Replace(body, "## Liens\n", "## Liens\n\n- https://example.org\n", 1)
	got, index := ForReaders(body)
	want := "## Les moyens humains et financiers, les partenariats\n" +
		"\n### Quels financements, quelles contributions ?\n\nUne subvention de la ville et des dons.\n\n" +
		"## Liens\n\n- https://example.org\n"
	if got != want {
		t.Errorf("ForReaders =\n%q\nwant\n%q", got, want)
	}
	// Section 1 of the result is section 6 of the body, section 2 is 8.
	if len(index) != 3 || index[0] != 0 || index[1] != 6 || index[2] != 8 {
		t.Errorf("index = %v, want [0 6 8]", index)
	}
	for k, orig := range index {
		a, _ := SectionText(got, k)
		b, _ := SectionText(body, orig)
		if k > 0 && !strings.HasPrefix(b, strings.SplitN(a, "\n", 2)[0]) {
			t.Errorf("section %d of the result (%q) is not section %d of the body (%q)", k, a, orig, b)
		}
	}
}

func TestForReadersCases(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"no template at all", "Intro.\n\n## Histoire\n\nDepuis 2010.\n", "Intro.\n\n## Histoire\n\nDepuis 2010.\n"},
		{"an empty heading of one's own stays", "## Histoire\n\n### À écrire\n", "## Histoire\n\n### À écrire\n"},
		{"an empty section of one's own stays", "## Histoire\n\n## Suite\n\nTexte.\n", "## Histoire\n\n## Suite\n\nTexte.\n"},
		{"a question answered by a sub-heading", "## La communauté\n\n### Ouvert à qui ?\n\n#### Adhérents\n\nTous.\n",
			"## La communauté\n\n### Ouvert à qui ?\n\n#### Adhérents\n\nTous.\n"},
		{"one answered, one not", "## La communauté\n\n### Qui sont les membres ?\n\n\n### Ouvert à qui ?\n\nÀ tous.\n",
			"## La communauté\n\n### Ouvert à qui ?\n\nÀ tous.\n"},
		{"a question followed by a heading of one's own", "## La communauté\n\n### Ouvert à qui ?\n\n### Nos voisins\n\nIls viennent.\n",
			"## La communauté\n\n### Nos voisins\n\nIls viennent.\n"},
		{"spaces and closing hashes do not matter", "## La  communauté\n\n###   Ouvert  à qui ? ###\n\n## Histoire\n\nTexte.\n", "## Histoire\n\nTexte.\n"},
		{"a renamed section holding only prompts goes", "## Les gens\n\n### Ouvert à qui ?\n\n## Histoire\n\nTexte.\n", "## Histoire\n\nTexte.\n"},
		{"a question inside a code block is text", "## Liens\n\n```\n### Ouvert à qui ?\n```\n", "## Liens\n\n```\n### Ouvert à qui ?\n```\n"},
		{"a question rewritten is text", "## La communauté\n\n### Ouvert à qui ? À tous.\n", "## La communauté\n\n### Ouvert à qui ? À tous.\n"},
		{"CRLF", "## La communauté\r\n\r\n### Ouvert à qui ?\r\n\r\n## Histoire\r\n\r\nTexte.\r\n", "## Histoire\r\n\r\nTexte.\r\n"},
		{"no final newline", "## Histoire\n\nTexte.\n\n## Liens", "## Histoire\n\nTexte.\n\n"},
		{"the preamble stays", "Intro.\n\n## Liens\n", "Intro.\n\n"},
	}
	for _, tt := range tests {
		got, index := ForReaders(tt.body)
		if got != tt.want {
			t.Errorf("%s: ForReaders(%q) = %q, want %q", tt.name, tt.body, got, tt.want)
		}
		if n := len(Sections(got)); n != len(index) {
			t.Errorf("%s: %d sections but %d indices", tt.name, n, len(index))
		}
	}
}

// Nothing is ever lost by accident: whatever ForReaders removes is a
// template question or a template heading, and blank lines.
func FuzzForReaders(f *testing.F) {
	f.Add(Template())
	f.Add("## La communauté\n\n### Ouvert à qui ?\n\nTous.\n")
	f.Add("```\n## Liens\n### Ouvert à qui ?\n")
	f.Fuzz(func(t *testing.T, body string) {
		got, index := ForReaders(body)
		if len(Sections(got)) != len(index) || index[0] != 0 {
			t.Fatalf("sections %d, index %v", len(Sections(got)), index)
		}
		kept := map[string]int{}
		for _, l := range splitLines(got) {
			kept[l]++
		}
		for _, l := range splitLines(body) {
			if kept[l] > 0 {
				kept[l]--
				continue
			}
			level, text := atxHeading(strings.TrimRight(l, "\r\n"))
			if strings.TrimSpace(l) == "" || (level == 3 && gridQuestions[normalizeHeading(text)]) || level == 2 {
				continue
			}
			t.Fatalf("line %q of %q was removed", l, body)
		}
	})
}
