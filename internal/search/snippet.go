package search

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Segment is a piece of a snippet; Match marks a word that matched.
type Segment struct {
	Text  string
	Match bool
}

// Snippet cuts about width characters of body around the first word that
// matches the query, marking every matching word: the snippet of a single
// hit (see Snippets).
func Snippet(body, query string, width int) []Segment {
	return NewSnippets(context.Background(), query).Of(body, width)
}

// Bounds of the work of one query's snippets. A search may return a hundred
// sheets of a megabyte each, whose matching words may all come last: read
// and stemmed whole, they cost seconds of CPU per query (issue 13).
const (
	// maxSnippetScan is how far into a body a snippet looks for a match;
	// a sheet matched further on shows its opening.
	maxSnippetScan = 128 << 10
	// maxQueryScan bounds the bytes the snippets of one query read, and
	// maxQueryStems the words they stem (a few microseconds each); past
	// either, or past maxSnippetTime, the remaining hits show their
	// opening, with only the words already judged marked.
	maxQueryScan   = 1 << 20
	maxQueryStems  = 20_000
	maxSnippetTime = 100 * time.Millisecond
)

// Snippets cuts the snippets of one query's hits, best first, within one
// budget of work for them all: the first hits get the stretch of text that
// shows why they were found, and the work of the whole query stays
// bounded, however many and however large the sheets it finds.
type Snippets struct {
	ctx      context.Context
	deadline time.Time
	terms    []string
	// judged remembers the words already judged: a long text, and the
	// sheets found by one query, repeat their words.
	judged    map[string]bool
	scanLeft  int // bytes still to read looking for matches
	stemsLeft int // words still to stem; 0 once time is up
	timedOut  bool
	work      Work
}

// Work is what snippets did: bytes of Markdown read, words stemmed.
type Work struct {
	Read, Stemmed int
}

// NewSnippets prepares the snippets of query's hits; ctx ending stops
// looking for matches, as the time budget does.
func NewSnippets(ctx context.Context, query string) *Snippets {
	return &Snippets{
		ctx: ctx, deadline: time.Now().Add(maxSnippetTime), terms: queryTerms(query),
		judged: map[string]bool{}, scanLeft: maxQueryScan, stemsLeft: maxQueryStems,
	}
}

// Work reports the work done so far.
func (s *Snippets) Work() Work { return s.work }

// TimedOut reports whether time ran out (or the context ended) before the
// work budget did: the snippets then depend on the machine's load, not on
// the query and the texts alone.
func (s *Snippets) TimedOut() bool { return s.timedOut }

// Of cuts about width characters of body around the first word that
// matches the query, marking every matching word. Matching uses the same
// terms as the index, so a snippet shows why a sheet was found.
//
// Only a few kilobytes of body become plain text, whatever its length: the
// lines around the first word of the Markdown that matches (the index
// reads the Markdown too). A word that matches only inside markup, as in
// a link's address, is not shown: the search goes on after that stretch,
// up to maxSnippetScan. A body that does not match there, or one reached
// once the query's budget is spent, shows its opening.
func (s *Snippets) Of(body string, width int) []Segment {
	span := max(snippetSpan, 4*width)
	window := body[:min(len(body), maxSnippetScan)]
	for from := 0; from < len(window) && !s.spent(); {
		at := s.firstMatch(window[from:])
		if at < 0 {
			break
		}
		lo, hi := stretch(body, from+at, span)
		text := s.plainText(body[lo:hi])
		if idx := s.firstMatch(text); idx >= 0 {
			return cut(text, idx, width, lo > 0, hi < len(body), s.matches)
		}
		from = hi
	}
	// No word of the text matches (the title did), or none soon enough:
	// its opening.
	_, hi := stretch(body, 0, span)
	return cut(s.plainText(body[:hi]), -1, width, false, hi < len(body), s.matches)
}

// SnippetSource returns the part of a body that snippets may read: the
// first maxSnippetScan bytes and the lines after, up to a line's end,
// with room for the stretch around a match (two spans) and beyond it, so
// that a snippet still says the text goes on. A caller preparing the text
// (such as keeping what readers see of it) needs to prepare no more.
func SnippetSource(body string) string {
	const limit = maxSnippetScan + 4*snippetSpan
	if len(body) <= limit {
		return body
	}
	if nl := strings.LastIndexByte(body[:limit], '\n'); nl > maxSnippetScan+2*snippetSpan {
		return body[:nl+1]
	}
	end := limit
	for end > 0 && !utf8.RuneStart(body[end]) {
		end--
	}
	return body[:end]
}

// Spent reports the query's budget used up: the next hits would show only
// their opening, so a caller may as well show them without a snippet.
func (s *Snippets) Spent() bool { return s.spent() }

// plainText is PlainText of md in single spaces, counted as read.
func (s *Snippets) plainText(md string) string {
	s.work.Read += len(md)
	s.scanLeft -= len(md)
	return strings.Join(strings.Fields(PlainText(md)), " ")
}

// spent reports the budget used up.
func (s *Snippets) spent() bool { return s.scanLeft <= 0 || s.stemsLeft <= 0 }

// matches reports whether word w matches a term of the query: its stem
// starts with the term (so "gouvern" finds "gouvernance"). Past the
// budget, only words already judged can match.
func (s *Snippets) matches(w string) bool {
	if !s.mayMatch(w) {
		return false
	}
	if m, ok := s.judged[w]; ok {
		return m
	}
	if s.stemsLeft <= 0 {
		return false
	}
	s.stemsLeft--
	s.work.Stemmed++
	// The clock is read now and then: a stem costs microseconds.
	if s.work.Stemmed%64 == 0 && (s.ctx.Err() != nil || time.Now().After(s.deadline)) {
		s.stemsLeft, s.timedOut = 0, true
	}
	m := false
	if t := stem(w); t != "" {
		for _, q := range s.terms {
			if strings.HasPrefix(t, q) {
				m = true
				break
			}
		}
	}
	if len(s.judged) < maxJudged {
		s.judged[w] = m
	}
	return m
}

// mayMatch rules out, without stemming, a word whose first two letters
// are ASCII and begin no term: the French stemmer changes only suffixes
// within regions that start after the second letter, so it keeps a word's
// first two letters, lowercased, except that a "y" may end up an "i".
// Such a word's stem cannot begin with a term that does not begin with
// them. (Checked over the stemmer's own vocabulary of 20,000 words, and
// by TestMayMatchKeepsEveryStemPrefix.) Most words are judged so in
// nanoseconds rather than microseconds.
func (s *Snippets) mayMatch(w string) bool {
	if len(w) < 2 || w[0] >= utf8.RuneSelf || w[1] >= utf8.RuneSelf {
		return true
	}
	a, b := lowerASCII(w[0]), lowerASCII(w[1])
	if a == 'y' || b == 'y' {
		return true
	}
	for _, q := range s.terms {
		if q[0] == a && (len(q) == 1 || q[1] == b) {
			return true
		}
	}
	return false
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// maxJudged bounds the words snippets remember judging.
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
	// A copy of the few hundred bytes shown: the segments, which results
	// caches keep, must not hold the kilobytes of text around them.
	segs = append(segs, mark(strings.Clone(text[start:end]), matches)...)
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

// firstMatch returns the offset of the first word of text that matches,
// or -1; it reads no further once the budget is spent.
func (s *Snippets) firstMatch(text string) int {
	found, read, stopped := -1, 0, false
	eachWord(text, func(at int, w string) bool {
		s.scanLeft -= at + len(w) - read
		s.work.Read += at + len(w) - read
		read = at + len(w)
		if s.matches(w) {
			found = at
			return false
		}
		stopped = s.spent()
		return !stopped
	})
	if found < 0 && !stopped {
		s.scanLeft -= len(text) - read
		s.work.Read += len(text) - read
	}
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
