package authorship

import (
	"unicode"
	"unicode/utf8"
)

// seg is a run of tokens, [from, to), with a hash of their texts. Blanks are
// not in the hash, so a re-wrapped paragraph hashes the same.
type seg struct {
	from, to int
	hash     uint64
}

// paragraphs cuts d at blank lines.
func (d *doc) paragraphs() []seg {
	return d.segments(func(i int) bool { return d.toks[i].gap == gapPara })
}

// sentences cuts d's paragraphs after a sentence's final punctuation and at
// line breaks that start a new line of Markdown (a list item, a heading's
// text, a table row), but not at the line breaks of wrapped prose.
func (d *doc) sentences() []seg {
	return d.segments(func(i int) bool {
		t := d.toks[i]
		switch {
		case t.gap == gapPara:
			return true
		case t.gap == gapNone:
			return false
		case d.endsSentence(i - 1):
			return true
		}
		return t.gap == gapLine && !d.startsLower(i)
	})
}

// endsSentence tells whether token i is a sentence's final punctuation.
func (d *doc) endsSentence(i int) bool {
	t := d.toks[i]
	if t.kind != kindPunct {
		return false
	}
	switch d.text[t.start] {
	case '.', '!', '?':
		return true
	}
	r, _ := utf8.DecodeRuneInString(d.text[t.start:])
	return r == '…'
}

// startsLower tells whether token i is a word in lower case, as the words
// that go on a sentence after a wrapped line usually are.
func (d *doc) startsLower(i int) bool {
	t := d.toks[i]
	if t.kind != kindWord {
		return false
	}
	r, _ := utf8.DecodeRuneInString(d.text[t.start:])
	return unicode.IsLower(r)
}

// segments cuts d's tokens before each token for which starts says so.
func (d *doc) segments(starts func(i int) bool) []seg {
	var segs []seg
	for i := range d.toks {
		if i == 0 || starts(i) {
			segs = append(segs, seg{from: i, to: i})
		}
		s := &segs[len(segs)-1]
		s.to = i + 1
		s.hash = (s.hash ^ d.toks[i].hash) * fnvPrime
	}
	return segs
}

// sameTokens tells whether segment a of d and segment b of e hold the same
// token texts: hashes only find candidates, this decides.
func sameTokens(d *doc, a seg, e *doc, b seg) bool {
	if a.to-a.from != b.to-b.from {
		return false
	}
	for k := range a.to - a.from {
		x, y := d.toks[a.from+k], e.toks[b.from+k]
		if x.hash != y.hash || d.text[x.start:x.end] != e.text[y.start:y.end] {
			return false
		}
	}
	return true
}

// ref names segment seg of source src.
type ref struct{ src, seg int }

// bucket lists one source's segments of one hash, in order, and where the
// first one not yet consumed may be: a segment once consumed stays so, so
// the cursor only moves forward, and a sheet of a thousand identical list
// items costs linear time, not quadratic.
type bucket struct {
	segs []int
	next int
}

type unitKey struct {
	hash uint64
	src  int
}

// matchSegments gives each segment of the new text whose tokens are all
// still open the revisions of an equal, wholly unused segment of a source:
// the one with the oldest attribution (the lowest sum of revisions, the
// earliest source on a tie), so a paragraph a manual revert brings back goes
// to its first authors and not to whoever copied it since. One equal
// segment is consumed in every source that has one, so that what is left
// for the token diff has the same shape in all of them.
func matchSegments(cur *doc, curSegs []seg, srcs []*doc, srcSegs [][]seg) {
	index := make(map[unitKey]*bucket)
	for s, segs := range srcSegs {
		for k, g := range segs {
			key := unitKey{g.hash, s}
			b := index[key]
			if b == nil {
				b = &bucket{}
				index[key] = b
			}
			b.segs = append(b.segs, k)
		}
	}
	picks := make([]ref, 0, len(srcs))
	for _, c := range curSegs {
		if !cur.allOpen(c) {
			continue
		}
		picks = picks[:0]
		for s, src := range srcs {
			b := index[unitKey{c.hash, s}]
			if b == nil {
				continue
			}
			for b.next < len(b.segs) && !src.allFree(srcSegs[s][b.segs[b.next]]) {
				b.next++
			}
			if b.next < len(b.segs) && sameTokens(cur, c, src, srcSegs[s][b.segs[b.next]]) {
				picks = append(picks, ref{s, b.segs[b.next]})
			}
		}
		if len(picks) > 0 {
			take(cur, c, srcs, srcSegs, picks)
		}
	}
}

// take copies the oldest pick's revisions onto segment c and consumes every
// pick.
func take(cur *doc, c seg, srcs []*doc, srcSegs [][]seg, picks []ref) {
	best, bestAge := picks[0], -1
	for _, p := range picks {
		g := srcSegs[p.src][p.seg]
		age := 0
		for _, r := range srcs[p.src].rev[g.from:g.to] {
			age += r
		}
		if bestAge < 0 || age < bestAge {
			best, bestAge = p, age
		}
	}
	from := srcSegs[best.src][best.seg].from
	copy(cur.rev[c.from:c.to], srcs[best.src].rev[from:from+c.to-c.from])
	for _, p := range picks {
		g := srcSegs[p.src][p.seg]
		for k := g.from; k < g.to; k++ {
			srcs[p.src].used[k] = true
		}
	}
}

func (d *doc) allOpen(g seg) bool {
	for _, r := range d.rev[g.from:g.to] {
		if r != 0 {
			return false
		}
	}
	return true
}

func (d *doc) allFree(g seg) bool {
	for _, u := range d.used[g.from:g.to] {
		if u {
			return false
		}
	}
	return true
}
