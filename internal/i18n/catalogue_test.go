package i18n

import (
	"strings"
	"testing"
	"testing/fstest"
)

// A catalogue with every kind of fault: the check must name each one, or
// TestCataloguesAreComplete would prove nothing.
func TestProblemsAreFound(t *testing.T) {
	files := fstest.MapFS{
		"locales/fr.json": {Data: []byte(`{
			"a.plain": "Bonjour %s",
			"a.only_fr": "Seulement ici",
			"a.count": {"one": "%d chose", "other": "%d choses"},
			"a.kind": "texte",
			"format.date": "%[1]s %[2]s %[3]s"
		}`)},
		"locales/en.json": {Data: []byte(`{
			"a.plain": "Hello %d",
			"a.count": {"one": "%d thing", "other": "%d things", "few": "%d things"},
			"a.kind": {"one": "%d text", "other": "%d texts"},
			"format.date": "%[2]s %[1]s, %[3]s"
		}`)},
		"locales/br.json": {Data: []byte(`{
			"a.plain": "Demat %s",
			"a.only_fr": "Amañ hepken",
			"a.count": {"one": "%d dra", "two": "%d dra", "few": "%d zra", "other": "traoù"},
			"a.kind": "testenn",
			"format.date": "%s %s %s"
		}`)},
	}
	cats, err := load(files)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(problems(cats), "\n")
	for _, want := range []string{
		`en lacks "a.only_fr" (in fr)`,
		`en "a.plain" takes [1:d], fr takes [1:s]`,
		`en "a.count" has a "few" form its plural rule never picks`,
		`en lacks "a.kind" (in fr)`,
		`fr lacks the counted message "a.kind" (in en)`,
		`br "a.count" lacks its "many" form`,
		`br "a.count" "other" form takes [], fr takes [1:d]`,
		`br "format.date": a format's arguments are numbered, as %[1]s`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the check missed: %s\ngot:\n%s", want, got)
		}
	}
}

func TestLoadRefusesBadFiles(t *testing.T) {
	for _, files := range []fstest.MapFS{
		{"locales/fr.json": {Data: []byte(`{"a.count": {"dual": "%d"}}`)}},
		{"locales/fr.json": {Data: []byte(`{"a": 3}`)}},
		{"locales/fr.json": {Data: []byte(`{"a": "b",}`)}},
		{"locales/fr.json": {Data: []byte(`{}`)}, "locales/not a language.json": {Data: []byte(`{}`)}},
		{"locales/en.json": {Data: []byte(`{}`)}}, // no default language
	} {
		if _, err := load(files); err == nil {
			t.Errorf("%v: loaded without error", files)
		}
	}
}

func TestPlaceholders(t *testing.T) {
	for format, want := range map[string]string{
		"%d mots":                         "[1:d]",
		"le %[2]s (%[1]d voix sur %[3]d)": "[1:d 2:s 3:d]",
		"close%.0[1]s : « %[2]s »":        "[1:s 2:s]",
		"100 %% sûr, %s":                  "[1:s]",
		"%s et %s":                        "[1:s 2:s]",
	} {
		if got := placeholders(format); got != want {
			t.Errorf("placeholders(%q) = %s, want %s", format, got, want)
		}
	}
}

// A language with more plural forms than French needs only its file: the
// category of each count comes from CLDR, whether the count is small
// (kept at hand) or not.
func TestBretonPluralCategories(t *testing.T) {
	cats, err := load(fstest.MapFS{
		"locales/fr.json": {Data: []byte(`{}`)},
		"locales/br.json": {Data: []byte(`{}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	br, fr := cats["br"], cats["fr"]
	for n, want := range map[int]string{
		0: "other", 1: "one", 2: "two", 3: "few", 5: "other", 9: "few", 11: "other", 21: "one", 22: "two",
		1_000_000: "many", 1_000_001: "one", 1_000_022: "two",
	} {
		if got := formNames[br.formOf(n)]; got != want {
			t.Errorf("br %d: %s, want %s", n, got, want)
		}
	}
	for n, want := range map[int]string{0: "one", 1: "one", 2: "other", 300: "other", 1_000_000: "other"} {
		if got := formNames[fr.formOf(n)]; got != want {
			t.Errorf("fr %d: %s, want %s", n, got, want)
		}
	}
}
