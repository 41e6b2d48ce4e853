package diff

import (
	"time"
	"unicode"
	"unicode/utf8"
)

// Token kinds, used to count words and to place edits on nice boundaries.
const (
	tokWord uint8 = iota
	tokSpace
	tokNewline
	tokPunct
)

// tokens cuts a text into runs of letters and digits, runs of blanks, line
// breaks and single other characters (an invalid byte counts as one).
type tokens struct {
	off   []int   // token i is text[off[i]:off[i+1]]
	kind  []uint8 // kind of token i
	runes []int   // runes[i] is the rune count of tokens [0, i)
}

func (t *tokens) len() int { return len(t.kind) }

func decodeAt(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

func isWordRune(r rune, size int) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	if r == utf8.RuneError && size == 1 {
		return false
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// newlineAt returns the length of the line break at s[i], or 0.
func newlineAt(s string, i int) int {
	switch {
	case s[i] == '\n':
		return 1
	case s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n':
		return 2
	}
	return 0
}

func tokenize(s string) tokens {
	t := tokens{off: make([]int, 0, len(s)/3+2), kind: make([]uint8, 0, len(s)/3+1)}
	for i := 0; i < len(s); {
		start := i
		var k uint8
		if n := newlineAt(s, i); n > 0 {
			k, i = tokNewline, i+n
		} else {
			r, size := decodeAt(s, i)
			i += size
			switch {
			case isWordRune(r, size):
				k = tokWord
				for i < len(s) {
					r, size = decodeAt(s, i)
					if !isWordRune(r, size) {
						break
					}
					i += size
				}
			case unicode.IsSpace(r):
				k = tokSpace
				for i < len(s) && newlineAt(s, i) == 0 {
					r, size = decodeAt(s, i)
					if !unicode.IsSpace(r) {
						break
					}
					i += size
				}
			default:
				k = tokPunct
			}
		}
		t.off = append(t.off, start)
		t.kind = append(t.kind, k)
	}
	t.off = append(t.off, len(s))
	t.runes = make([]int, len(t.kind)+1)
	for i := range t.kind {
		n := t.off[i+1] - t.off[i]
		switch {
		case t.kind[i] == tokNewline:
			n = 1 // "\r\n" weighs as "\n": a line ending is one break
		case t.kind[i] != tokWord || n > 1:
			n = utf8.RuneCountInString(s[t.off[i]:t.off[i+1]])
		}
		t.runes[i+1] = t.runes[i] + n
	}
	return t
}

// countWords counts the runs of letters and digits in s.
func countWords(s string) int {
	n, in := 0, false
	for i := 0; i < len(s); {
		r, size := decodeAt(s, i)
		w := isWordRune(r, size)
		if w && !in {
			n++
		}
		in = w
		i += size
	}
	return n
}

// wordDiffer runs word passes that share one codec and one deadline.
type wordDiffer struct {
	codec     *codec
	deadline  time.Time
	truncated bool
}

// spans diffs x against y token by token. x starts at offset aBase of A and
// y at offset bBase of B; the spans carry offsets into A and B.
func (w *wordDiffer) spans(x, y string, aBase, bBase int) []span {
	if x == y {
		return []span{{kind: kindEqual, a0: aBase, a1: aBase + len(x), b0: bBase, b1: bBase + len(y)}}
	}
	if x == "" || y == "" || time.Now().After(w.deadline) {
		if x != "" && y != "" {
			w.truncated = true
		}
		return replaceSpans(len(x), len(y), aBase, bBase)
	}
	ta, tb := tokenize(x), tokenize(y)
	if !w.codec.room(ta.len() + tb.len()) {
		w.codec.reset()
		if !w.codec.room(ta.len() + tb.len()) {
			w.truncated = true
			return replaceSpans(len(x), len(y), aBase, bBase)
		}
	}
	ca := w.encode(x, &ta)
	cb := w.encode(y, &tb)
	ms, truncated := diffRunes(ca, cb, w.deadline)
	if truncated {
		w.truncated = true
	} else {
		// Cleanups are cosmetic; skip them once time is short.
		ms = semanticCleanup(ms, &ta, &tb)
		ms = factorGaps(ms, ca, cb)
		ms = slideEdits(ms, &ta, &tb, ca, cb)
	}
	return matchSpans(ms, x, y, ta.off, tb.off, aBase, bBase)
}

// encode maps each token to its rune; a line break is one token whether it
// is "\r\n" or "\n".
func (w *wordDiffer) encode(s string, t *tokens) []rune {
	rs := make([]rune, t.len())
	for i := range rs {
		if t.kind[i] == tokNewline {
			rs[i] = w.codec.code("\n")
			continue
		}
		rs[i] = w.codec.code(s[t.off[i]:t.off[i+1]])
	}
	return rs
}

// replaceSpans is the coarsest diff of two texts: all of one deleted, all of
// the other inserted.
func replaceSpans(la, lb, aBase, bBase int) []span {
	var out []span
	if la > 0 {
		out = append(out, span{kind: kindDelete, a0: aBase, a1: aBase + la, b0: bBase, b1: bBase})
	}
	if lb > 0 {
		out = append(out, span{kind: kindInsert, a0: aBase + la, a1: aBase + la, b0: bBase, b1: bBase + lb})
	}
	return out
}

// matchSpans turns matches over items of x and y whose byte offsets are
// offA and offB into spans: in each gap the deletion comes before the
// insertion.
func matchSpans(ms []match, x, y string, offA, offB []int, aBase, bBase int) []span {
	out := make([]span, 0, 3*len(ms)+2)
	pa, pb := 0, 0
	na, nb := len(offA)-1, len(offB)-1
	for _, m := range append(ms, match{na, nb, 0}) {
		a0, a1 := aBase+offA[pa], aBase+offA[m.a]
		b0, b1 := bBase+offB[pb], bBase+offB[m.b]
		if a1 > a0 {
			out = append(out, span{kind: kindDelete, a0: a0, a1: a1, b0: b0, b1: b0})
		}
		if b1 > b0 {
			out = append(out, span{kind: kindInsert, a0: a1, a1: a1, b0: b0, b1: b1})
		}
		if m.n > 0 {
			// Matched tokens may differ in their line endings.
			out = appendEqual(out, x, y, offA[m.a], offA[m.a+m.n], offB[m.b], offB[m.b+m.n], aBase, bBase)
		}
		pa, pb = m.a+m.n, m.b+m.n
	}
	return out
}

// The cleanups below mirror go-diff's DiffCleanupSemantic but work on token
// matches. We cannot call it on our encoded text: its lossless pass slices
// strings by rune counts as if they were byte counts, which splits the
// multi-byte runes we use as token codes (and would corrupt accented text
// if run on plain text).

// semanticCleanup drops equalities no longer than the edits on both sides
// of them (lengths in runes), so that a sentence rewrite reads as one
// replacement rather than a confetti of common words and spaces. Unlike
// go-diff it keeps equalities holding a line break: rows pair lines, and a
// replacement spanning lines would hide which lines really changed.
func semanticCleanup(ms []match, ta, tb *tokens) []match {
	kept := make([]match, 1, len(ms)+1) // kept[0] is a sentinel at the start
	gap := func(p, q match) int {
		return max(ta.runes[q.a]-ta.runes[p.a+p.n], tb.runes[q.b]-tb.runes[p.b+p.n])
	}
	settle := func(next match) {
		for len(kept) > 1 {
			e, prev := kept[len(kept)-1], kept[len(kept)-2]
			size := ta.runes[e.a+e.n] - ta.runes[e.a]
			if size > gap(prev, e) || size > gap(e, next) || hasNewline(ta, e.a, e.a+e.n) {
				return
			}
			kept = kept[:len(kept)-1]
		}
	}
	for _, m := range ms {
		settle(m)
		kept = append(kept, m)
	}
	settle(match{ta.len(), tb.len(), 0})
	return kept[1:]
}

func hasNewline(t *tokens, i, j int) bool {
	for ; i < j; i++ {
		if t.kind[i] == tokNewline {
			return true
		}
	}
	return false
}

// factorGaps grows matches into the gaps around them while tokens agree, and
// joins matches whose gap becomes empty.
func factorGaps(ms []match, ca, cb []rune) []match {
	all := make([]match, 0, len(ms)+2)
	all = append(all, match{0, 0, 0})
	all = append(all, ms...)
	all = append(all, match{len(ca), len(cb), 0})
	for i := 1; i < len(all); i++ {
		p, q := &all[i-1], &all[i]
		for p.a+p.n < q.a && p.b+p.n < q.b && ca[p.a+p.n] == cb[p.b+p.n] {
			p.n++
		}
		for q.a > p.a+p.n && q.b > p.b+p.n && ca[q.a-1] == cb[q.b-1] {
			q.a, q.b, q.n = q.a-1, q.b-1, q.n+1
		}
	}
	return compactMatches(all)
}

// compactMatches drops empty matches and joins touching ones.
func compactMatches(ms []match) []match {
	out := ms[:0]
	for _, m := range ms {
		if m.n == 0 {
			continue
		}
		if n := len(out); n > 0 && out[n-1].a+out[n-1].n == m.a && out[n-1].b+out[n-1].n == m.b {
			out[n-1].n += m.n
			continue
		}
		out = append(out, m)
	}
	return out
}

// slideEdits moves each pure insertion or deletion that sits between two
// equalities to the position where its edges fall on the best boundaries
// (line breaks, then sentence ends, then blanks), as go-diff's lossless
// cleanup does; ties go right, which leaves blanks trailing the edit.
func slideEdits(ms []match, ta, tb *tokens, ca, cb []rune) []match {
	for i := 1; i < len(ms); i++ {
		l, r := &ms[i-1], &ms[i]
		ga, gb := r.a-(l.a+l.n), r.b-(l.b+l.n)
		if (ga == 0) == (gb == 0) || l.n == 0 || r.n == 0 {
			continue
		}
		// Work on the side that holds the edit: the equalities are
		// side[ls:ls+l.n] and side[rs:rs+r.n], the edit side[ls+l.n:rs].
		codes, kinds, ls, rs := ca, ta.kind, l.a, r.a
		if gb > 0 {
			codes, kinds, ls, rs = cb, tb.kind, l.b, r.b
		}
		ln, rn := l.n, r.n
		shift := 0 // how far the edit moved right; negative is left
		for ln > 0 && codes[ls+ln-1] == codes[rs-1] {
			ln, rn, rs, shift = ln-1, rn+1, rs-1, shift-1
		}
		best, bestScore := shift, -1
		for {
			es, ee := ls+ln, rs
			score := boundaryScore(kinds, es-1, es, ln == 0) + boundaryScore(kinds, ee-1, ee, rn == 0)
			if score >= bestScore {
				best, bestScore = shift, score
			}
			if rn == 0 || codes[es] != codes[rs] {
				break
			}
			ln, rn, rs, shift = ln+1, rn-1, rs+1, shift+1
		}
		l.n += best
		r.a, r.b, r.n = r.a+best, r.b+best, r.n-best
	}
	return compactMatches(ms)
}

// boundaryScore rates a cut between tokens left and right of one text, as
// go-diff's diffCleanupSemanticScore does for characters. edge means there
// is no equality on the far side, the best cut of all.
func boundaryScore(kinds []uint8, left, right int, edge bool) int {
	if edge || left < 0 || right >= len(kinds) {
		return 6
	}
	kl, kr := kinds[left], kinds[right]
	switch {
	case kl == tokNewline && left > 0 && kinds[left-1] == tokNewline,
		kr == tokNewline && right+1 < len(kinds) && kinds[right+1] == tokNewline:
		return 5
	case kl == tokNewline || kr == tokNewline:
		return 4
	case kl == tokPunct && kr == tokSpace:
		return 3
	case kl == tokSpace || kr == tokSpace:
		return 2
	case kl == tokPunct || kr == tokPunct:
		return 1
	}
	return 0
}
