package document

import (
	"unicode"
	"unicode/utf8"
)

// Control characters (Unicode's Cc: C0, DEL and C1) have no place in what
// people write: ESC, BEL or DEL in a title or a tag is invisible on a page,
// rings or rewrites a terminal that prints it, and makes two texts that
// look alike differ. A body keeps its line endings and tabs.

// OneLine reports whether s is fit for a one-line field (a title, a
// summary, a tag): no control character at all, tabs and line breaks
// included, nor Unicode's line and paragraph separators.
func OneLine(s string) bool {
	return !hasControl(s, false)
}

// Text reports whether s is fit for a text of several lines (a body, a
// comment): no control character but tab, line feed and carriage return.
func Text(s string) bool {
	return !hasControl(s, true)
}

// hasControl walks s by bytes: the checks of a 1 MiB body stay cheap.
// Invalid UTF-8 is left to the callers' own check.
func hasControl(s string, lines bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c < 0x20:
			if !lines || (c != '\t' && c != '\n' && c != '\r') {
				return true
			}
		case c == 0x7f:
			return true
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(s[i:])
			if (r >= 0x80 && r <= 0x9f) || (!lines && (r == '\u2028' || r == '\u2029')) {
				return true
			}
			i += size - 1
		}
	}
	return false
}

// WithoutControls returns s with its control characters taken out, for
// showing a text stored before they were refused in a form that must be
// saved again: a spacing one (tab, line break, form feed…) becomes a space,
// any other is dropped. With lines, tabs and line breaks stay. A text
// without any is returned as it is.
func WithoutControls(s string, lines bool) string {
	if !hasControl(s, lines) {
		return s
	}
	out := make([]rune, 0, len(s))
	for _, r := range s {
		control := unicode.IsControl(r) || (!lines && (r == '\u2028' || r == '\u2029'))
		switch {
		case !control, lines && (r == '\t' || r == '\n' || r == '\r'):
			out = append(out, r)
		case unicode.IsSpace(r):
			out = append(out, ' ')
		}
	}
	return string(out)
}
