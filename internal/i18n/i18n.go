// Package i18n holds the interface's message catalogues (French first,
// English second, each a file in locales/) and formats dates and numbers
// per language.
package i18n

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Paris even on a machine without a zone database
)

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

var frMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// Date formats a day the way each language writes it: "25 février 2020" or
// "February 25, 2020". Times are shown in Europe/Paris, the atlas's home.
func Date(lang string, t time.Time) string {
	t = t.In(home)
	if lang == "en" {
		return t.Format("January 2, 2006")
	}
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return day + " " + frMonths[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// DateTime adds the hour to Date.
func DateTime(lang string, t time.Time) string {
	local := t.In(home)
	if lang == "en" {
		return Date(lang, t) + " at " + local.Format("3:04 pm")
	}
	return Date(lang, t) + " à " + local.Format("15h04")
}

// Number groups thousands: "12 345" in French (narrow no-break space),
// "12,345" in English.
func Number(lang string, n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := "\u202f"
	if lang == "en" {
		sep = ","
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

var home = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.UTC
	}
	return loc
}()

func lookup(lang, key string) (string, bool) {
	c := catalogues[lang]
	if c == nil {
		return "", false
	}
	msg, ok := c.messages[key]
	return msg, ok
}
