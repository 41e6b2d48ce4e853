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
	closed := false // closing hashes are looked for once: reading them is not free
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
				if !closed {
					if s := strings.TrimRight(t, "#"); s != t && (s == "" || strings.HasSuffix(s, " ")) {
						t = strings.TrimSpace(s)
					}
					closed = true
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
//
// It reads t once, in time linear in its length whatever it holds (a
// sheet's line may be a megabyte of '[' or '<'): the bracket or
// parenthesis closing each one that opens is found in one pass before
// (closers), a link's text is read in place rather than again on its own,
// and no look-ahead reads past the end of the link text it is in.
func inlineText(t string) string {
	var closes []int32
	if strings.IndexByte(t, '[') >= 0 {
		closes = closers(t)
	}
	// A link whose text is being read: at close, reading goes on at end,
	// past its address or reference.
	type inLink struct{ close, end int }
	var links []inLink
	var b strings.Builder
	b.Grow(len(t))
	for i := 0; ; {
		limit := len(t)
		if n := len(links); n > 0 {
			if i >= links[n-1].close {
				i = links[n-1].end
				links = links[:n-1]
				continue
			}
			limit = links[n-1].close
		} else if i >= len(t) {
			break
		}
		c := t[i]
		switch c {
		case '\\':
			if i+1 < limit && isPunct(t[i+1]) {
				b.WriteByte(t[i+1])
				i += 2
				continue
			}
		case '*', '`':
			i++
			continue
		case '~':
			if i+1 < limit && t[i+1] == '~' {
				i += 2
				continue
			}
		case '_':
			// Emphasis, not the underscore inside a word (snake_case).
			before, _ := utf8.DecodeLastRuneInString(t[:i])
			after, _ := utf8.DecodeRuneInString(t[i+1 : limit])
			if i == 0 || i+1 >= limit || !isWordRune(before) || !isWordRune(after) {
				i++
				continue
			}
		case '|':
			b.WriteByte(' ')
			i++
			continue
		case '!':
			if i+1 < limit && t[i+1] == '[' {
				i++
				continue
			}
		case '<':
			// An autolink holds neither space nor '<': looking no further
			// than either keeps every byte read by one '<' at most.
			j := i + 1
			for j < limit && t[j] != '>' && t[j] != ' ' && t[j] != '<' {
				j++
			}
			if j < limit && t[j] == '>' {
				inner := t[i+1 : j]
				if strings.Contains(inner, "://") || strings.Contains(inner, "@") {
					b.WriteString(strings.TrimPrefix(inner, "mailto:"))
					i = j + 1
					continue
				}
			}
		case '[':
			if end, close, ok := link(t, closes, i, limit); ok {
				if t[i+1] == '^' {
					i = end // a footnote reference: nothing to read
				} else {
					links = append(links, inLink{close: close, end: end})
					i++
				}
				continue
			}
		}
		b.WriteByte(c)
		i++
	}
	return b.String()
}

// link reads a link or footnote reference opening at t[i]: "[^1]",
// "[text](address)", "[text][ref]", "[text]", all before limit. It returns
// where it ends and where its text closes; closes is closers(t).
func link(t string, closes []int32, i, limit int) (end, close int, ok bool) {
	close = int(closes[i])
	if close < 0 || close >= limit {
		return 0, 0, false
	}
	end = close + 1
	if end < limit {
		switch t[end] {
		case '(':
			if p := int(closes[end]); p >= 0 && p < limit {
				end = p + 1
			}
		case '[':
			if j := strings.IndexByte(t[end+1:limit], ']'); j >= 0 {
				end += 1 + j + 1
			}
		}
	}
	return end, close, true
}

// closers returns, for every '[' and '(' of t, the index of the bracket or
// parenthesis that closes it, nested ones counted and escaped ones
// skipped, or -1; other indexes hold -1 too.
func closers(t string) []int32 {
	closes := make([]int32, len(t))
	var brackets, parens []int32
	for i := 0; i < len(t); i++ {
		closes[i] = -1
		switch t[i] {
		case '\\':
			if i+1 < len(t) {
				i++
				closes[i] = -1
			}
		case '[':
			brackets = append(brackets, int32(i))
		case ']':
			if n := len(brackets); n > 0 {
				closes[brackets[n-1]] = int32(i)
				brackets = brackets[:n-1]
			}
		case '(':
			parens = append(parens, int32(i))
		case ')':
			if n := len(parens); n > 0 {
				closes[parens[n-1]] = int32(i)
				parens = parens[:n-1]
			}
		}
	}
	return closes
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
