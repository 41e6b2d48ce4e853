package document

import (
	"strings"
	"testing"
)

func TestSectionsCoverTheWholeBody(t *testing.T) {
	bodies := []string{
		"",
		"sans titre\n",
		"intro\n## Un\ntexte\n## Deux\r\nfin",
		"## Seul ##\n",
		"```\n## pas un titre\n```\n## Vrai\n",
		"~~~~\n## code\n~~~\n## encore du code\n~~~~\n## Après\n",
		"#### trop petit\n##collé\n   ## indenté\n    ## code indenté\n",
	}
	for _, body := range bodies {
		var joined strings.Builder
		for i, s := range Sections(body) {
			if s.Index != i {
				t.Errorf("%q: section %d has index %d", body, i, s.Index)
			}
			joined.WriteString(body[s.Start:s.End])
		}
		if joined.String() != body {
			t.Errorf("sections of %q rebuild %q", body, joined.String())
		}
	}
}

func TestSectionHeadings(t *testing.T) {
	tests := []struct {
		body string
		want []string
	}{
		{"intro\n## Un\ntexte\n## Deux\r\nfin", []string{"", "Un", "Deux"}},
		{"## Seul ##\n", []string{"", "Seul"}},
		{"```\n## pas un titre\n```\n## Vrai\n", []string{"", "Vrai"}},
		{"~~~~\n## code\n~~~\n## encore du code\n~~~~\n## Après\n", []string{"", "Après"}},
		{"#### trop petit\n##collé\n   ## indenté\n    ## code indenté\n", []string{"", "indenté"}},
		{"## C# et ##\n", []string{"", "C# et"}},
		{"## A\n- ```\n  ## dans le code\n  ```\n## B\n", []string{"", "A", "B"}},
		{"## A\n> ~~~\n> ## cité\n> ~~~\n1. ```go\n   x\n   ```\n## B\n", []string{"", "A", "B"}},
	}
	for _, tt := range tests {
		var got []string
		for _, s := range Sections(tt.body) {
			got = append(got, s.Heading)
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("headings of %q = %q, want %q", tt.body, got, tt.want)
		}
	}
}

func TestReplaceSection(t *testing.T) {
	body := "intro\n## Un\ntexte un\n## Deux\ntexte deux\n"
	got, err := ReplaceSection(body, 1, "## Un\nnouveau")
	if err != nil {
		t.Fatal(err)
	}
	if want := "intro\n## Un\nnouveau\n## Deux\ntexte deux\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	got, _ = ReplaceSection("a\r\n## B\r\nb\r\n## C\r\n", 1, "## B\r\nbb")
	if want := "a\r\n## B\r\nbb\r\n## C\r\n"; got != want {
		t.Errorf("CRLF: got %q, want %q", got, want)
	}
	if _, err := ReplaceSection(body, 3, "x"); err != ErrNoSection {
		t.Errorf("section 3: err = %v, want ErrNoSection", err)
	}
	text, _ := SectionText(body, 2)
	if text != "## Deux\ntexte deux\n" {
		t.Errorf("SectionText = %q", text)
	}
}

func TestTemplateHasTheGrid(t *testing.T) {
	sections := Sections(Template())
	if len(sections) != len(Grid)+1 {
		t.Fatalf("template has %d sections, want %d", len(sections)-1, len(Grid))
	}
	for i, g := range Grid {
		if sections[i+1].Heading != g.Heading {
			t.Errorf("section %d = %q, want %q", i+1, sections[i+1].Heading, g.Heading)
		}
	}
}

func TestSlug(t *testing.T) {
	tests := []struct{ title, want string }{
		{"Infini, hébergeur associatif à Brest", "infini-hebergeur-associatif-a-brest"},
		{"  Le Jardin   partagé (Recouvrance) ", "le-jardin-partage-recouvrance"},
		{"Cœur & Œuvre", "coeur-oeuvre"},
		{"L’Heol — monnaie locale", "l-heol-monnaie-locale"},
		{"🌱🌱", ""},
		{"ÉCOLE", "ecole"},
		{strings.Repeat("mot ", 40), strings.TrimSuffix(strings.Repeat("mot-", 20), "-")},
	}
	for _, tt := range tests {
		if got := Slug(tt.title); got != tt.want {
			t.Errorf("Slug(%q) = %q, want %q", tt.title, got, tt.want)
		}
	}
}

func FuzzSlug(f *testing.F) {
	for _, s := range []string{"Infini", "é à ç", "--", "a\u0301", "ß"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, title string) {
		s := Slug(title)
		if len(s) > maxSlugLength {
			t.Fatalf("slug %q longer than %d", s, maxSlugLength)
		}
		for _, r := range s {
			if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
				t.Fatalf("slug %q has %q", s, r)
			}
		}
		if strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") || strings.Contains(s, "--") {
			t.Fatalf("slug %q has stray dashes", s)
		}
		if Slug(s) != s {
			t.Fatalf("slug %q is not stable", s)
		}
	})
}
