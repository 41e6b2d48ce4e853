package search

import (
	"strings"
)

// Segment is a piece of a snippet; Match marks a word that matched.
type Segment struct {
	Text  string
	Match bool
}

// Snippet cuts about width characters of body around the first word that
// matches the query, marking every matching word. Matching uses the same
// terms as the index, so a snippet shows why a sheet was found.
func Snippet(body, query string, width int) []Segment {
	want := map[string]bool{}
	for _, t := range Terms(query) {
		want[t] = true
	}
	matches := func(w string) bool {
		t := stem(w)
		if t == "" {
			return false
		}
		for q := range want {
			if strings.HasPrefix(t, q) {
				return true
			}
		}
		return false
	}
	text := strings.Join(strings.Fields(PlainText(body)), " ")
	start := 0
	if idx := firstMatch(text, matches); idx >= 0 {
		start = idx - width/3
	}
	// The window starts and ends between words, never inside one: text
	// has single spaces between words, so the edges move to a space.
	if start <= 0 {
		start = 0
	} else {
		start = strings.LastIndexByte(text[:start], ' ') + 1
	}
	end := start + width
	if end >= len(text) {
		end = len(text)
	} else if text[end] != ' ' {
		if sp := strings.LastIndexByte(text[start:end], ' '); sp > 0 {
			end = start + sp
		} else if sp := strings.IndexByte(text[end:], ' '); sp >= 0 {
			end += sp // one word longer than the window
		} else {
			end = len(text)
		}
	}
	window := text[start:end]
	var segs []Segment
	if start > 0 {
		segs = append(segs, Segment{Text: "… "})
	}
	segs = append(segs, mark(window, matches)...)
	if end < len(text) {
		segs = append(segs, Segment{Text: " …"})
	}
	return segs
}

// eachWord calls fn with every word of text and its byte offset, in order,
// until fn returns false.
func eachWord(text string, fn func(at int, w string) bool) {
	pos := 0
	for _, w := range words(text) {
		i := strings.Index(text[pos:], w)
		if i < 0 {
			continue
		}
		if !fn(pos+i, w) {
			return
		}
		pos += i + len(w)
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
