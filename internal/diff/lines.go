package diff

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// match says that items a[A:A+N] equal items b[B:B+N], items being lines
// or tokens. A diff is a list of matches in increasing order; whatever lies
// between two matches is deleted from A and inserted into B.
type match struct{ a, b, n int }

// maxCodes is the number of Unicode scalar values. Surrogates are skipped:
// go-diff turns runes into strings and back, which would mangle them.
const maxCodes = 0x110000 - 0x800

// codec gives each distinct string (a line or a token) its own rune, so
// that go-diff, which diffs runes, diffs sequences of lines or tokens. We
// map ourselves rather than use DiffLinesToRunes: we control the code space
// (over a million codes, no 65k limit) and keep the strings as substrings of
// the input, which avoids copying.
type codec struct {
	ids map[string]rune
}

func newCodec() *codec { return &codec{ids: make(map[string]rune)} }

// room reports whether n more distinct strings may still get a code.
func (c *codec) room(n int) bool { return len(c.ids)+n <= maxCodes }

func (c *codec) reset() { c.ids = make(map[string]rune) }

// code returns the rune of s. The caller checks room first.
func (c *codec) code(s string) rune {
	if r, ok := c.ids[s]; ok {
		return r
	}
	r := rune(len(c.ids)) //nolint:gosec // G115: below maxCodes, the caller having checked room
	if r >= 0xD800 {
		r += 0x800
	}
	c.ids[s] = r
	return r
}

// lineOffsets returns the start of each line of s followed by len(s): line
// i is s[off[i]:off[i+1]], line ending included. The last line may lack one.
func lineOffsets(s string) []int {
	off := make([]int, 1, strings.Count(s, "\n")+2)
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '\n')
		if j < 0 {
			i = len(s)
		} else {
			i += j + 1
		}
		off = append(off, i)
	}
	return off
}

// lineKey is what a line compares as: its text with a "\r\n" ending read
// as "\n", so that a line compares the same whatever its line ending
// (browsers send CRLF, the API and imports LF). Only CRLF lines cost a copy.
func lineKey(line string) string {
	if n := len(line); n >= 2 && line[n-1] == '\n' && line[n-2] == '\r' {
		return line[:n-2] + "\n"
	}
	return line
}

// lineEnd returns the end of line content, before "\n" or "\r\n".
func lineEnd(s string, start, end int) int {
	if end > start && s[end-1] == '\n' {
		end--
		if end > start && s[end-1] == '\r' {
			end--
		}
	}
	return end
}

// diffRunes diffs two rune sequences with go-diff within the deadline and
// returns the matches. truncated reports that the deadline passed, in which
// case go-diff may have given up on part of the problem (it then reports
// that part as wholly replaced, which is still a valid diff).
func diffRunes(ra, rb []rune, deadline time.Time) (ms []match, truncated bool) {
	left := time.Until(deadline)
	if left <= 0 {
		return trimMatches(ra, rb), true
	}
	// Items found on one side only can never match: leave them out, as GNU
	// diff does, so that Myers' search cost depends on the shared items
	// only. The longest common subsequence is unchanged.
	fa, fb, ia, ib := sharedOnly(ra, rb)
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = left
	diffs := dmp.DiffMainRunes(fa, fb, false)
	ms = make([]match, 0, len(diffs)/2+1)
	i, j := 0, 0
	for _, d := range diffs {
		n := utf8.RuneCountInString(d.Text)
		switch d.Type {
		case diffmatchpatch.DiffEqual:
			for k := 0; k < n; k++ {
				ms = appendMatch(ms, ia[i+k], ib[j+k])
			}
			i += n
			j += n
		case diffmatchpatch.DiffDelete:
			i += n
		case diffmatchpatch.DiffInsert:
			j += n
		}
	}
	if !validMatches(ms, ra, rb) || i != len(fa) || j != len(fb) {
		// Should not happen; never trust a diff that would break the
		// rebuild invariant.
		return trimMatches(ra, rb), true
	}
	return ms, time.Now().After(deadline)
}

func validMatches(ms []match, ra, rb []rune) bool {
	pa, pb := 0, 0
	for _, m := range ms {
		if m.a < pa || m.b < pb || m.a+m.n > len(ra) || m.b+m.n > len(rb) {
			return false
		}
		for k := 0; k < m.n; k++ {
			if ra[m.a+k] != rb[m.b+k] {
				return false
			}
		}
		pa, pb = m.a+m.n, m.b+m.n
	}
	return true
}

// trimMatches is the cheapest diff: common prefix and suffix kept, the
// middle replaced. It is the fallback once time has run out.
func trimMatches(ra, rb []rune) []match {
	p := 0
	for p < len(ra) && p < len(rb) && ra[p] == rb[p] {
		p++
	}
	s := 0
	for s < len(ra)-p && s < len(rb)-p && ra[len(ra)-1-s] == rb[len(rb)-1-s] {
		s++
	}
	var ms []match
	if p > 0 {
		ms = append(ms, match{0, 0, p})
	}
	if s > 0 {
		ms = append(ms, match{len(ra) - s, len(rb) - s, s})
	}
	return ms
}

// sharedOnly returns the items of ra and rb that occur on both sides, with
// their indexes in the original sequences.
func sharedOnly(ra, rb []rune) (fa, fb []rune, ia, ib []int) {
	var seen []uint8 // bit 1: in ra, bit 2: in rb; runes are dense codes
	mark := func(rs []rune, bit uint8) {
		for _, r := range rs {
			k := codeIndex(r)
			if k >= len(seen) {
				seen = append(seen, make([]uint8, k+1-len(seen)+len(seen)/2)...)
			}
			seen[k] |= bit
		}
	}
	mark(ra, 1)
	mark(rb, 2)
	keep := func(rs []rune) ([]rune, []int) {
		f, idx := make([]rune, 0, len(rs)), make([]int, 0, len(rs))
		for i, r := range rs {
			if seen[codeIndex(r)] == 3 {
				f = append(f, r)
				idx = append(idx, i)
			}
		}
		return f, idx
	}
	fa, ia = keep(ra)
	fb, ib = keep(rb)
	return fa, fb, ia, ib
}

// codeIndex undoes the surrogate gap of codec.code.
func codeIndex(r rune) int {
	if r >= 0xE000 {
		return int(r) - 0x800
	}
	return int(r)
}

// appendMatch adds the single-item match (i, j), growing the last match
// when it is contiguous.
func appendMatch(ms []match, i, j int) []match {
	if n := len(ms); n > 0 && ms[n-1].a+ms[n-1].n == i && ms[n-1].b+ms[n-1].n == j {
		ms[n-1].n++
		return ms
	}
	return append(ms, match{i, j, 1})
}
