package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Segment is a piece of a snippet; Match marks a word that matched.
type Segment struct {
	Text  string
	Match bool
}

// Snippet cuts about width characters of body around the first word that
// matches the query, marking every matching word. Matching uses the same
// terms as the index, so a snippet shows why a sheet was found.
//
// Only a few kilobytes of body become plain text, whatever its length: the
// lines around the first word of the Markdown that matches (the index
// reads the Markdown too). A word that matches only inside markup, as in
// a link's address, is not shown: the search goes on after that stretch.
func Snippet(body, query string, width int) []Segment {
	want := map[string]bool{}
	for _, t := range queryTerms(query) {
		want[t] = true
	}
	// A long text repeats its words: each is judged once.
	judged := map[string]bool{}
	matches := func(w string) bool {
		if m, ok := judged[w]; ok {
			return m
		}
		m := false
		if t := stem(w); t != "" {
			for q := range want {
				if strings.HasPrefix(t, q) {
					m = true
					break
				}
			}
		}
		if len(judged) < maxJudged {
			judged[w] = m
		}
		return m
	}
	span := max(snippetSpan, 4*width)
	for from := 0; from < len(body); {
		at := firstMatch(body[from:], matches)
		if at < 0 {
			break
		}
		lo, hi := stretch(body, from+at, span)
		text := strings.Join(strings.Fields(PlainText(body[lo:hi])), " ")
		if idx := firstMatch(text, matches); idx >= 0 {
			return cut(text, idx, width, lo > 0, hi < len(body), matches)
		}
		from = hi
	}
	// No word of the text matches (the title did): its opening.
	_, hi := stretch(body, 0, span)
	text := strings.Join(strings.Fields(PlainText(body[:hi])), " ")
	return cut(text, -1, width, false, hi < len(body), matches)
}

// maxJudged bounds the words a snippet remembers judging.
const maxJudged = 4096

// snippetSpan is how many bytes of Markdown a snippet reads on each side
// of a match, at least: plain text is shorter, and a snippet shows a few
// hundred characters.
const snippetSpan = 4 << 10

// stretch returns the part of body to read around the byte at: whole
// lines within span bytes on each side of it, and at least span/2 bytes
// after it. A line too long for that is cut between words where it can.
func stretch(body string, at, span int) (lo, hi int) {
	lo = max(at-span, 0)
	if lo > 0 {
		if nl := strings.IndexByte(body[lo:at], '\n'); nl >= 0 {
			lo += nl + 1
		} else if sp := strings.IndexAny(body[lo:at], " \t"); sp >= 0 {
			lo += sp + 1
		}
	}
	hi = min(at+span, len(body))
	if hi < len(body) {
		if nl := strings.IndexByte(body[hi:min(hi+span, len(body))], '\n'); nl >= 0 {
			hi += nl
		} else if sp := strings.LastIndexAny(body[hi-span/2:hi], " \t"); sp >= 0 {
			hi += sp - span/2
		}
	}
	return lo, hi
}

// cut returns about width characters of text around the match at idx (or
// its opening when idx < 0), marked: the window starts and ends between
// words, never inside one (text has single spaces between words), unless
// a "word" is far longer than any word, as a run of signs can be. before
// and after say whether body goes on beyond text.
func cut(text string, idx, width int, before, after bool, matches func(string) bool) []Segment {
	start := 0
	if idx >= 0 {
		start = idx - width/3
	}
	if start <= 0 {
		start = 0
	} else if sp := strings.LastIndexByte(text[:start], ' '); sp >= start-width {
		start = sp + 1
	} else {
		start = idx // a long run of signs before the match: skipped
	}
	end := start + width
	if end >= len(text) {
		end = len(text)
	} else if text[end] != ' ' {
		if sp := strings.LastIndexByte(text[start:end], ' '); sp > 0 && start+sp > idx {
			end = start + sp
		} else if sp := strings.IndexByte(text[end:], ' '); sp >= 0 && sp <= width {
			end += sp // one word longer than the window
		} else if end += width; end >= len(text) {
			end = len(text)
		} else {
			for !utf8.RuneStart(text[end]) {
				end-- // a run of signs, not a word: cut between two runes
			}
		}
	}
	var segs []Segment
	if start > 0 || before {
		segs = append(segs, Segment{Text: "… "})
	}
	segs = append(segs, mark(text[start:end], matches)...)
	if end < len(text) || after {
		segs = append(segs, Segment{Text: " …"})
	}
	return segs
}

// eachWord calls fn with every word of text (a run of letters and digits,
// as words cuts them) and its byte offset, in order, until fn returns
// false. It reads no further than the word fn stops at.
func eachWord(text string, fn func(at int, w string) bool) {
	start := -1
	for i, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			if !fn(start, text[start:i]) {
				return
			}
			start = -1
		}
	}
	if start >= 0 {
		fn(start, text[start:])
	}
}

func firstMatch(text string, matches func(string) bool) int {
	found := -1
	eachWord(text, func(at int, w string) bool {
		if matches(w) {
			found = at
			return false
		}
		return true
	})
	return found
}

// mark splits text into matching words and the text between them.
func mark(text string, matches func(string) bool) []Segment {
	var segs []Segment
	pos := 0
	eachWord(text, func(at int, w string) bool {
		if matches(w) {
			if at > pos {
				segs = append(segs, Segment{Text: text[pos:at]})
			}
			segs = append(segs, Segment{Text: w, Match: true})
			pos = at + len(w)
		}
		return true
	})
	if pos < len(text) {
		segs = append(segs, Segment{Text: text[pos:]})
	}
	return segs
}
