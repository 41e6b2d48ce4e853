package search

import (
	"strings"
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
	text := strings.Join(strings.Fields(stripMarkup(body)), " ")
	start := 0
	if idx := firstMatch(text, matches); idx >= 0 {
		start = idx - width/3
	}
	if start < 0 {
		start = 0
	}
	for start > 0 && !utf8.RuneStart(text[start]) {
		start--
	}
	end := start + width
	if end > len(text) {
		end = len(text)
	}
	for end < len(text) && !utf8.RuneStart(text[end]) {
		end++
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

// stripMarkup drops the Markdown punctuation that reads badly in a snippet.
func stripMarkup(s string) string {
	return strings.NewReplacer("#", "", "*", "", "_", " ", "|", " ", "`", "", ">", "", "[^", "[").Replace(s)
}

func firstMatch(text string, matches func(string) bool) int {
	pos := 0
	for _, w := range words(text) {
		i := strings.Index(text[pos:], w)
		if i < 0 {
			continue
		}
		if matches(w) {
			return pos + i
		}
		pos += i + len(w)
	}
	return -1
}

// mark splits text into matching words and the text between them.
func mark(text string, matches func(string) bool) []Segment {
	var segs []Segment
	pos := 0
	for _, w := range words(text) {
		i := strings.Index(text[pos:], w)
		if i < 0 {
			continue
		}
		if matches(w) {
			if i > 0 {
				segs = append(segs, Segment{Text: text[pos : pos+i]})
			}
			segs = append(segs, Segment{Text: w, Match: true})
			pos += i + len(w)
		}
	}
	if pos < len(text) {
		segs = append(segs, Segment{Text: text[pos:]})
	}
	return segs
}
