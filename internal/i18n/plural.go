package i18n

import (
	"fmt"
	"strings"

	"golang.org/x/text/feature/plural"
)

// N translates a counted message: the form of key that the language's
// CLDR plural rule picks for n, formatted with n first, then args. A form
// may take its arguments out of order with %[2]s and the like. A missing
// key shows itself, as T does; a test keeps every catalogue complete.
func N(lang, key string, n int, args ...any) string {
	c := catalogues[lang]
	if c == nil {
		c = catalogues[Default]
	}
	f, ok := c.counted[key]
	if !ok {
		c = catalogues[Default]
		if f, ok = c.counted[key]; !ok {
			return "[" + key + "]"
		}
	}
	msg := f[c.formOf(n)]
	if msg == "" {
		msg = f[plural.Other]
	}
	return fmt.Sprintf(msg, append([]any{n}, args...)...)
}

// smallCounts are the counts whose plural category each catalogue keeps
// at hand: most counts on a page are small, and asking x/text costs more
// than formatting the message.
const smallCounts = 256

// formOf is the CLDR category of a whole number n in c's language: in
// French 0 and 1 are "one" ("0 mot retiré"), in English only 1 is.
func (c *catalogue) formOf(n int) plural.Form {
	if n < 0 {
		n = -n
	}
	if n < smallCounts {
		return c.small[n]
	}
	return plural.Cardinal.MatchPlural(c.tag, n, 0, 0, 0, 0)
}

// List joins names the way a sentence does: "A", "A et B", "A, B et C";
// more names not shown end it as "et 4 autres" ("A, B and 4 others").
func List(lang string, names []string, more int) string {
	and := " " + T(lang, "list.and") + " "
	switch {
	case more > 0:
		return strings.Join(names, ", ") + and + N(lang, "list.more", more)
	case len(names) <= 1:
		return strings.Join(names, "")
	default:
		return strings.Join(names[:len(names)-1], ", ") + and + names[len(names)-1]
	}
}
