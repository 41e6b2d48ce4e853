package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// PlainText is the text a reader sees of a Markdown body, for snippets:
// headings, quotes, lists, tables, rules and fences lose their markers,
// links keep their text and lose their address, emphasis and code lose
// their marks, footnote references go. It is a reading aid, not a
// renderer: an odd construct may leave a stray sign, never lose a word.
func PlainText(md string) string {
	var b strings.Builder
	b.Grow(len(md))
	for _, line := range strings.Split(md, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || isRule(t) || isTableDelimiter(t) || isFence(t) || isLinkDefinition(t) {
			b.WriteByte(' ')
			continue
		}
		block := blockText(t)
		line := inlineText(block)
		b.WriteString(line)
		// A heading runs into the text after it: a dash keeps them apart,
		// unless it ends with its own punctuation ("Ouvert à qui ?").
		if strings.HasPrefix(t, "#") && block != t && line != "" {
			if r, _ := utf8.DecodeLastRuneInString(line); !unicode.IsPunct(r) {
				b.WriteString(" —")
			}
		}
		b.WriteByte(' ')
	}
	return b.String()
}

// blockText removes the markers that open a line: quotes, list items, task
// boxes, headings (and their closing hashes), footnote definitions.
func blockText(t string) string {
	for {
		before := t
		switch {
		case strings.HasPrefix(t, ">"):
			t = strings.TrimSpace(t[1:])
		case strings.HasPrefix(t, "- "), strings.HasPrefix(t, "* "), strings.HasPrefix(t, "+ "):
			t = strings.TrimSpace(t[2:])
		case strings.HasPrefix(t, "[ ] "), strings.HasPrefix(t, "[x] "), strings.HasPrefix(t, "[X] "):
			t = strings.TrimSpace(t[4:])
		case strings.HasPrefix(t, "#"):
			n := 0
			for n < len(t) && t[n] == '#' {
				n++
			}
			if n <= 6 && (n == len(t) || t[n] == ' ' || t[n] == '\t') {
				t = strings.TrimSpace(t[n:])
				if s := strings.TrimRight(t, "#"); s != t && (s == "" || strings.HasSuffix(s, " ")) {
					t = strings.TrimSpace(s)
				}
			}
		case strings.HasPrefix(t, "[^"):
			if i := strings.Index(t, "]:"); i > 0 {
				t = strings.TrimSpace(t[i+2:])
			}
		default:
			n := 0
			for n < len(t) && n < 9 && t[n] >= '0' && t[n] <= '9' {
				n++
			}
			if n > 0 && n+1 < len(t) && (t[n] == '.' || t[n] == ')') && t[n+1] == ' ' {
				t = strings.TrimSpace(t[n+2:])
			}
		}
		if t == before {
			return t
		}
	}
}

// inlineText removes inline Markdown: links and images keep their text,
// autolinks their address, footnote references go, emphasis, code and
// strike marks go, table pipes become spaces, escapes keep their sign.
func inlineText(t string) string {
	var b strings.Builder
	for i := 0; i < len(t); {
		c := t[i]
		switch c {
		case '\\':
			if i+1 < len(t) && isPunct(t[i+1]) {
				b.WriteByte(t[i+1])
				i += 2
				continue
			}
		case '*', '`':
			i++
			continue
		case '~':
			if strings.HasPrefix(t[i:], "~~") {
				i += 2
				continue
			}
		case '_':
			// Emphasis, not the underscore inside a word (snake_case).
			before, _ := utf8.DecodeLastRuneInString(t[:i])
			after, _ := utf8.DecodeRuneInString(t[i+1:])
			if i == 0 || i+1 == len(t) || !isWordRune(before) || !isWordRune(after) {
				i++
				continue
			}
		case '|':
			b.WriteByte(' ')
			i++
			continue
		case '!':
			if i+1 < len(t) && t[i+1] == '[' {
				i++
				continue
			}
		case '<':
			if j := strings.IndexByte(t[i:], '>'); j > 0 {
				inner := t[i+1 : i+j]
				if !strings.ContainsAny(inner, " <") && (strings.Contains(inner, "://") || strings.Contains(inner, "@")) {
					b.WriteString(strings.TrimPrefix(inner, "mailto:"))
					i += j + 1
					continue
				}
			}
		case '[':
			if end, text, ok := link(t[i:]); ok {
				b.WriteString(inlineText(text))
				i += end
				continue
			}
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

// link reads a link or footnote reference at the start of t: "[^1]",
// "[text](address)", "[text][ref]", "[text]". It returns how many bytes it
// spans and the text to keep.
func link(t string) (int, string, bool) {
	depth, close := 0, -1
	for i := 0; i < len(t) && close < 0; i++ {
		switch t[i] {
		case '\\':
			i++
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				close = i
			}
		}
	}
	if close < 0 {
		return 0, "", false
	}
	text := t[1:close]
	if strings.HasPrefix(text, "^") {
		return close + 1, "", true
	}
	rest := t[close+1:]
	switch {
	case strings.HasPrefix(rest, "("):
		if j := matchingParen(rest); j > 0 {
			return close + 1 + j + 1, text, true
		}
	case strings.HasPrefix(rest, "["):
		if j := strings.IndexByte(rest, ']'); j > 0 {
			return close + 1 + j + 1, text, true
		}
	}
	return close + 1, text, true
}

// matchingParen returns the index of the parenthesis closing the one that
// opens s, or -1.
func matchingParen(s string) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// isRule reports a thematic break: three or more of one of -, * or _,
// with spaces.
func isRule(t string) bool {
	c := t[0]
	if c != '-' && c != '*' && c != '_' {
		return false
	}
	n := 0
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case c:
			n++
		case ' ', '\t':
		default:
			return false
		}
	}
	return n >= 3
}

// isTableDelimiter reports a table's delimiter row: |---|:--:|.
func isTableDelimiter(t string) bool {
	if !strings.Contains(t, "-") || !strings.ContainsAny(t, "|") {
		return false
	}
	return strings.Trim(t, "|-: \t") == ""
}

// isFence reports a line opening or closing a fenced code block.
func isFence(t string) bool {
	return strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~")
}

// isLinkDefinition reports a link reference definition: "[id]: address".
func isLinkDefinition(t string) bool {
	if !strings.HasPrefix(t, "[") || strings.HasPrefix(t, "[^") {
		return false
	}
	i := strings.Index(t, "]:")
	return i > 1 && !strings.Contains(t[:i], "]")
}

func isPunct(c byte) bool {
	return c < utf8.RuneSelf && unicode.IsPunct(rune(c)) || strings.IndexByte("`*_{}[]()#+-.!|<>~$^=", c) >= 0
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
