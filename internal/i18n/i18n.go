// Package i18n holds the interface's message catalogues (French first,
// English second, each a file in locales/) and formats dates and numbers
// per language.
package i18n

import "fmt"

// T translates key into lang, formatting args with fmt verbs. A missing key
// shows itself, loudly, rather than an empty string; a test keeps every
// catalogue complete.
func T(lang, key string, args ...any) string {
	msg, ok := lookup(lang, key)
	if !ok {
		msg, ok = lookup(Default, key)
	}
	if !ok {
		return "[" + key + "]"
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

func lookup(lang, key string) (string, bool) {
	c := catalogues[lang]
	if c == nil {
		return "", false
	}
	msg, ok := c.messages[key]
	return msg, ok
}
