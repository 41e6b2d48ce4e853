package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// The catalogues are JSON files, one per language, named by its code
// (locales/fr.json), as miniflux keeps its own: translators edit a flat
// file without touching Go, and a new language is a new file. A message is
// either a string or, when it changes with a count, an object holding one
// form per CLDR plural category of that language ("one", "other"; Breton
// adds "two", "few" and "many"). Which category a count falls in comes
// from golang.org/x/text's CLDR tables, already a dependency: x/text's own
// message catalogue was not chosen because it is filled from Go code or by
// a generator (gotext), which translators do not run.
//
//go:embed locales/*.json
var localeFiles embed.FS

// Default is the atlas's own language: the reference catalogue, and the
// fallback for a key another language lacks.
const Default = "fr"

// categories are the CLDR plural category names as the files spell them.
var categories = map[string]plural.Form{
	"zero": plural.Zero, "one": plural.One, "two": plural.Two,
	"few": plural.Few, "many": plural.Many, "other": plural.Other,
}

// forms holds a counted message's text per plural category.
type forms [plural.Many + 1]string

type catalogue struct {
	tag      language.Tag
	messages map[string]string
	counted  map[string]forms
	small    [smallCounts]plural.Form // the plural category of each small count
	style    style
}

// catalogues are keyed by language code; Languages lists the codes,
// Default first.
var catalogues, Languages = mustLoad(localeFiles)

func mustLoad(fsys fs.FS) (map[string]*catalogue, []string) {
	cats, err := load(fsys)
	if err != nil {
		panic(err)
	}
	langs := make([]string, 0, len(cats))
	for lang := range cats {
		langs = append(langs, lang)
	}
	sort.Slice(langs, func(i, j int) bool {
		return langs[i] == Default || (langs[j] != Default && langs[i] < langs[j])
	})
	return cats, langs
}

func load(fsys fs.FS) (map[string]*catalogue, error) {
	files, err := fs.Glob(fsys, "locales/*.json")
	if err != nil {
		return nil, err
	}
	cats := map[string]*catalogue{}
	for _, f := range files {
		lang := strings.TrimSuffix(path.Base(f), ".json")
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		c, err := parseCatalogue(lang, data)
		if err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", f, err)
		}
		cats[lang] = c
	}
	if cats[Default] == nil {
		return nil, fmt.Errorf("i18n: no catalogue for the default language %q", Default)
	}
	return cats, nil
}

func parseCatalogue(lang string, data []byte) (*catalogue, error) {
	tag, err := language.Parse(lang)
	if err != nil {
		return nil, fmt.Errorf("the file name is not a language code: %w", err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	c := &catalogue{tag: tag, messages: map[string]string{}, counted: map[string]forms{}}
	for key, value := range raw {
		if strings.HasPrefix(strings.TrimSpace(string(value)), "{") {
			f, err := parseForms(value)
			if err != nil {
				return nil, fmt.Errorf("%q: %w", key, err)
			}
			c.counted[key] = f
			continue
		}
		var msg string
		if err := json.Unmarshal(value, &msg); err != nil {
			return nil, fmt.Errorf("%q: a message is a string or an object of plural forms", key)
		}
		c.messages[key] = msg
	}
	c.style = newStyle(c.messages)
	for n := range c.small {
		c.small[n] = plural.Cardinal.MatchPlural(tag, n, 0, 0, 0, 0)
	}
	return c, nil
}

func parseForms(value json.RawMessage) (forms, error) {
	var byName map[string]string
	var f forms
	if err := json.Unmarshal(value, &byName); err != nil {
		return f, err
	}
	for name, text := range byName {
		form, ok := categories[name]
		if !ok {
			return f, fmt.Errorf("%q is not a CLDR plural category", name)
		}
		f[form] = text
	}
	return f, nil
}

// Supported reports whether lang has a catalogue.
func Supported(lang string) bool { return catalogues[lang] != nil }

// Has reports whether lang's catalogue has the plain message key.
func Has(lang, key string) bool {
	c := catalogues[lang]
	if c == nil {
		return false
	}
	_, ok := c.messages[key]
	return ok
}

// HasN reports whether lang's catalogue has the counted message key.
func HasN(lang, key string) bool {
	c := catalogues[lang]
	if c == nil {
		return false
	}
	_, ok := c.counted[key]
	return ok
}
