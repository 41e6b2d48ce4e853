package authorship

import (
	"unicode"
	"unicode/utf8"
)

// Token kinds. Blanks are not tokens: they belong to the token before them,
// so a re-wrapped line or CRLF against LF changes no token and no hash.
const (
	kindWord uint8 = iota
	kindPunct
)

// What the blanks before a token hold. A blank line starts a paragraph; a
// single line break may start a sentence (a list item, a heading's text).
const (
	gapNone uint8 = iota
	gapSpace
	gapLine
	gapPara
)

// token is text[start:end], a word or a run of one punctuation character.
type token struct {
	start, end int
	hash       uint64
	kind       uint8
	gap        uint8 // the blanks before the token
}

// tokenize cuts s into words and punctuation runs. It decodes UTF-8 rune by
// rune (an invalid byte counts as one punctuation rune), so no token
// boundary ever falls inside a rune. ASCII, most of a French text, goes
// through a table: this runs on every version Attribute is given.
func tokenize(s string) []token {
	return appendTokens(make([]token, 0, len(s)/6+1), s)
}

// appendTokens is tokenize into a buffer of the caller's.
func appendTokens(toks []token, s string) []token {
	gap := gapPara // the start of the text starts a paragraph
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf && asciiClass[c] == classBlank {
			gap = widenGap(gap, rune(c))
			i++
			continue
		}
		r, n := decodeAt(s, i)
		if c >= utf8.RuneSelf && isBlank(r, n) {
			gap = widenGap(gap, r)
			i += n
			continue
		}
		start, kind := i, kindPunct
		if isWordRune(r, n) {
			i, kind = wordEnd(s, i+n, r), kindWord
		} else {
			i = punctEnd(s, i+n, r)
		}
		toks = append(toks, token{start: start, end: i, hash: hashString(s[start:i]), kind: kind, gap: gap})
		gap = gapNone
	}
	return toks
}

// Classes of ASCII bytes.
const (
	classPunct uint8 = iota
	classBlank
	classWord
)

var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for c := range t {
		switch {
		case c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			t[c] = classBlank
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9':
			t[c] = classWord
		}
	}
	return t
}()

// widenGap records one more blank rune: only '\n' counts as a line break,
// so "\r\n" and "\n" make the same gap.
func widenGap(gap uint8, r rune) uint8 {
	switch {
	case r == '\n' && gap >= gapLine:
		return gapPara
	case r == '\n':
		return gapLine
	case gap == gapNone:
		return gapSpace
	}
	return gap
}

func decodeAt(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

// invalidByte tells whether decoding gave up on one byte of broken UTF-8.
func invalidByte(r rune, n int) bool { return r == utf8.RuneError && n == 1 }

func isBlank(r rune, n int) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r] == classBlank
	}
	return !invalidByte(r, n) && unicode.IsSpace(r)
}

func isWordRune(r rune, n int) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r] == classWord
	}
	if invalidByte(r, n) {
		return false
	}
	// Marks too: a French text in NFD spells "é" as "e" and a combining accent.
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// isJoiner tells whether r keeps a word going when a word rune follows:
// apostrophes and hyphens make "aujourd'hui" and "peut-être" one word, and a
// point or comma between digits keeps "3,5" and "1.000" whole.
func isJoiner(r, prev rune) bool {
	switch r {
	case '\'', '\u2019', '-', '\u2010', '\u2011':
		return true
	case '.', ',':
		return '0' <= prev && prev <= '9'
	}
	return false
}

// wordEnd returns where the word that goes on at i, after rune prev, ends.
func wordEnd(s string, i int, prev rune) int {
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf && asciiClass[c] == classWord {
			prev, i = rune(c), i+1
			continue
		}
		r, n := decodeAt(s, i)
		if isWordRune(r, n) {
			prev, i = r, i+n
			continue
		}
		if !isJoiner(r, prev) || i+n >= len(s) {
			break
		}
		next, m := decodeAt(s, i+n)
		if !isWordRune(next, m) || (r == '.' || r == ',') && (next < '0' || next > '9') {
			break
		}
		prev, i = next, i+n+m
	}
	return i
}

// punctEnd returns where the run of r that goes on at i ends: "**", "---" and
// "..." are one token each, "»." two.
func punctEnd(s string, i int, r rune) int {
	if r == utf8.RuneError {
		return i // invalid bytes stay one token each
	}
	for i < len(s) {
		next, n := decodeAt(s, i)
		if next != r {
			break
		}
		i += n
	}
	return i
}

// FNV-1a, 64 bits: fast, no allocation, and collisions are checked anyway
// wherever a hash decides a match.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func hashString(s string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}
