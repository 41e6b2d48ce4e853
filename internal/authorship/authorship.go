package authorship

import (
	"sync"
	"unicode/utf8"
)

// Version names the algorithm. Stored attributions computed by an older
// version may be recomputed; bump it when Attribute's answers change.
const Version = 1

// Span is a run of a body's bytes introduced by one revision (by its number).
type Span struct {
	Len      int
	Revision int
}

// Attribution covers a body exactly: the Lens sum to len(body); adjacent
// spans differ in Revision.
type Attribution []Span

// Source is an earlier version whose words may come back: the parent, a
// revision a restore or an undo brings back, recent versions (for manual
// reverts of vandalism).
type Source struct {
	Text  string
	Spans Attribution
}

// Attribute gives text (revision `revision`, a positive number) its
// attribution from its parent and other sources. A source whose Spans do not
// cover its Text is ignored, so the answer is always valid for text.
//
// As WikiWho does, it matches from the coarsest unit down: whole paragraphs
// of any source (so moved or restored paragraphs keep their authors), then
// whole sentences of any source, then the remaining words against the
// parent's remaining words in order. Words left are the new revision's.
// Words go to older sources' authors only by whole sentences, since single
// common words ("de", "la") would match almost anywhere. The paragraphs
// before and after the place that changed keep the parent's authors.
func Attribute(parent Source, text string, revision int, others ...Source) Attribution {
	if parent.Spans.Valid(parent.Text) != nil {
		parent = Source{}
	}
	if text == parent.Text {
		return append(Attribution(nil), parent.Spans...)
	}
	head, tail := unchangedEnds(parent.Text, text)
	others = trimOthers(others, text, head, tail)
	if head+tail == 0 {
		return attributeMiddle(parent, text, revision, others)
	}
	pEnd, tEnd := len(parent.Text)-tail, len(text)-tail
	middle := Source{Text: parent.Text[head:pEnd], Spans: slice(parent.Spans, head, pEnd)}
	return join(slice(parent.Spans, 0, head),
		attributeMiddle(middle, text[head:tEnd], revision, others),
		slice(parent.Spans, pEnd, len(parent.Text)))
}

// attributeMiddle attributes what changed, paragraph by paragraph when the
// parent is the only source.
func attributeMiddle(parent Source, text string, revision int, others []Source) Attribution {
	if len(others) == 0 && parent.Text != "" && text != "" {
		return attributeByPieces(parent, text, revision)
	}
	return attribute(parent, text, revision, others)
}

// trimOthers cuts each other source down to what may match the changed
// middle of text (all but its first head and last tail bytes). What a
// source shares with text's unchanged ends, at the same place, can only
// match those ends, which the parent already answers for; the rest is
// kept, paragraphs whole. A source with nothing left is dropped. This is
// what keeps a save that passes recent versions as sources cheap: most of
// each is the text itself.
func trimOthers(others []Source, text string, head, tail int) []Source {
	out := make([]Source, 0, len(others))
	for _, o := range others {
		if !covers(o.Spans, len(o.Text)) {
			continue
		}
		h, t := unchangedEnds(o.Text, text)
		lo, hi := min(head, h), len(o.Text)-min(tail, t)
		if lo < hi {
			out = append(out, Source{Text: o.Text[lo:hi], Spans: slice(o.Spans, lo, hi)})
		}
	}
	return out
}

// attribute matches text against its sources, without the shortcut.
func attribute(parent Source, text string, revision int, others []Source) Attribution {
	cur := newDoc(text)
	srcs := make([]*doc, 0, 1+len(others))
	p := newSource(parent)
	if p != nil {
		srcs = append(srcs, p)
	}
	for _, s := range others {
		if d := newSource(s); d != nil {
			srcs = append(srcs, d)
		}
	}
	matchUnits(cur, srcs, (*doc).paragraphs)
	matchUnits(cur, srcs, (*doc).sentences)
	if p != nil {
		matchTokens(cur, p)
	}
	a := cur.spans(revision)
	cur.release()
	for _, d := range srcs {
		d.release()
	}
	return a
}

// matchUnits cuts every text into units and matches them whole.
func matchUnits(cur *doc, srcs []*doc, units func(*doc) []seg) {
	if len(srcs) == 0 || !cur.anyOpen() {
		return
	}
	srcUnits := make([][]seg, len(srcs))
	for i, s := range srcs {
		srcUnits[i] = units(s)
	}
	matchSegments(cur, units(cur), srcs, srcUnits)
}

// doc is a text cut into tokens, with what is known of each token: in a
// source, the revision that wrote it and whether a match consumed it; in the
// new text, the revision it is given (0 while unknown).
type doc struct {
	text string
	toks []token
	rev  []int
	used []bool
}

// Docs are pooled: a save cuts two to five texts of up to 1 MB into tokens,
// and allocating (and clearing) those arrays afresh each time cost more than
// the matching itself.
var docPool = sync.Pool{New: func() any { return new(doc) }}

// maxPooledTokens keeps the pool from holding on to the buffers of the
// rare huge sheet (about 200 KB of text).
const maxPooledTokens = 1 << 15

func newDoc(text string) *doc {
	d := docPool.Get().(*doc)
	d.text = text
	d.toks = appendTokens(d.toks[:0], text)
	d.rev = resize(d.rev, len(d.toks))
	d.used = d.used[:0]
	return d
}

// release gives d back to the pool; d must not be used after.
func (d *doc) release() {
	if d == nil || cap(d.toks) > maxPooledTokens {
		return
	}
	d.text = ""
	docPool.Put(d)
}

// resize returns s with length n, all zero, reusing its array if it can.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

// newSource returns s cut into tokens, each with the revision of the span
// its first byte falls in, or nil when s is empty or its spans are broken.
func newSource(s Source) *doc {
	if s.Text == "" || !covers(s.Spans, len(s.Text)) {
		return nil
	}
	d := newDoc(s.Text)
	d.used = resize(d.used, len(d.toks))
	k, end := 0, s.Spans[0].Len
	for i, t := range d.toks {
		for t.start >= end {
			k++
			end += s.Spans[k].Len
		}
		d.rev[i] = s.Spans[k].Revision
	}
	return d
}

// covers is the part of Valid that Attribute relies on, without the
// rune check it does not need.
func covers(a Attribution, n int) bool {
	total := 0
	for _, s := range a {
		if s.Len <= 0 || s.Revision < 1 || s.Len > n-total {
			return false
		}
		total += s.Len
	}
	return total == n
}

// matchTokens gives the new text's open tokens the revisions of equal free
// tokens of src, in order.
func matchTokens(cur *doc, src *doc) {
	a, ia := cur.open()
	b, ib := src.free()
	if len(a) == 0 || len(b) == 0 {
		return
	}
	var hits []int
	matchSeq(a, b, func(i, j int) {
		cur.rev[ia[i]] = src.rev[ib[j]]
		src.used[ib[j]] = true
		hits = append(hits, ia[i])
	})
	cur.dropLoneHits(hits)
}

// dropLoneHits takes back the matches of short words (up to three letters)
// and punctuation with new words on both sides: when a sentence is
// rewritten, its "le" and its commas are not what survived of the old one,
// but what any sentence has. A token at either end of the text is left
// alone: the shortcuts hand the matcher only the changed part of a sheet,
// and the answer must not depend on where that part was cut.
func (d *doc) dropLoneHits(hits []int) {
	isNew := func(i int) bool { return i >= 0 && i < len(d.toks) && d.rev[i] == 0 }
	var lone []int
	for _, i := range hits {
		t := d.toks[i]
		if isNew(i-1) && isNew(i+1) &&
			(t.kind == kindPunct || utf8.RuneCountInString(d.text[t.start:t.end]) <= 3) {
			lone = append(lone, i)
		}
	}
	for _, i := range lone {
		d.rev[i] = 0
	}
}

func (d *doc) anyOpen() bool {
	for _, r := range d.rev {
		if r == 0 {
			return true
		}
	}
	return false
}

// open returns the hashes and indexes of the tokens still without a revision.
func (d *doc) open() ([]uint64, []int) {
	hs, is := make([]uint64, 0, len(d.toks)), make([]int, 0, len(d.toks))
	for i, t := range d.toks {
		if d.rev[i] == 0 {
			hs, is = append(hs, t.hash), append(is, i)
		}
	}
	return hs, is
}

// free returns the hashes and indexes of a source's tokens no match consumed.
func (d *doc) free() ([]uint64, []int) {
	hs, is := make([]uint64, 0, len(d.toks)), make([]int, 0, len(d.toks))
	for i, t := range d.toks {
		if !d.used[i] {
			hs, is = append(hs, t.hash), append(is, i)
		}
	}
	return hs, is
}

// spans turns the tokens' revisions into an Attribution; tokens still
// without one are the new revision's. Each token takes the blanks after it
// (the first one the blanks before it too), so spans are whole words.
func (d *doc) spans(revision int) Attribution {
	if len(d.toks) == 0 {
		if d.text == "" {
			return nil
		}
		return Attribution{{Len: len(d.text), Revision: revision}}
	}
	var a Attribution
	for i := range d.toks {
		start, end := d.toks[i].start, len(d.text)
		if i == 0 {
			start = 0
		}
		if i+1 < len(d.toks) {
			end = d.toks[i+1].start
		}
		rev := d.rev[i]
		if rev == 0 {
			rev = revision
		}
		if n := len(a); n > 0 && a[n-1].Revision == rev {
			a[n-1].Len += end - start
		} else {
			a = append(a, Span{Len: end - start, Revision: rev})
		}
	}
	return a
}
