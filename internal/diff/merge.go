package diff

import (
	"sort"
	"strings"
	"time"

	"atlas/internal/document"
)

// Conflict is a region that both sides changed differently. Base, Mine and
// Theirs are the exact texts of that region in each version.
type Conflict struct {
	Section string `json:"section"` // heading of the base section where it starts, "" for the preamble
	Base    string `json:"base"`
	Mine    string `json:"mine"`
	Theirs  string `json:"theirs"`
}

// mergeTimeout bounds each of the two line diffs of a merge. Hitting it only
// coarsens the diffs, which may turn clean merges into conflicts.
const mergeTimeout = time.Second

// Merge3 merges two versions, mine and theirs, saved from the same base.
// Changes are found line by line; changes separated by at least one
// unchanged line merge cleanly, the same change made on both sides is taken
// once, and anything else that touches or overlaps is a conflict. The merge
// is clean iff conflicts is empty. In a conflicting region merged holds
// mine's text, so that it is a usable draft for the user who saves last.
func Merge3(base, mine, theirs string) (merged string, conflicts []Conflict) {
	return merge3(base, mine, theirs, false)
}

// Merge3Both is Merge3 for a text nobody reviews before it is used (a live
// session's shared text): in a conflicting region merged holds mine's text
// followed by theirs, so that neither side's words are lost.
func Merge3Both(base, mine, theirs string) (merged string, conflicts []Conflict) {
	return merge3(base, mine, theirs, true)
}

// mergeText is one version cut in lines. A last line without a line ending
// gets a virtual one (the text's own last line ending, or "\n") so that
// appending after it does not count as changing it; missing records that.
type mergeText struct {
	s       string
	off     []int
	term    string // the virtual line ending, "" when the text ends with "\n"
	codes   []rune
	missing bool
}

func newMergeText(s string, cd *codec) mergeText {
	t := mergeText{s: s, off: lineOffsets(s)}
	n := len(t.off) - 1
	t.missing = n > 0 && !strings.HasSuffix(s, "\n")
	if t.missing {
		t.term = "\n"
		if n > 1 && t.off[n-1]-2 >= t.off[n-2] && s[t.off[n-1]-2] == '\r' {
			t.term = "\r\n"
		}
	}
	t.codes = make([]rune, n)
	for i := range t.codes {
		// Lines compare by key, whatever their line ending.
		key := lineKey(s[t.off[i]:t.off[i+1]])
		if i == n-1 && t.missing {
			if strings.HasSuffix(key, "\r") {
				// "x\r" plus "\n" would read as "x" plus "\r\n": give
				// this odd line a key no real line can have instead.
				t.term = "\n"
				key += "\n\x00"
			} else {
				key += "\n"
			}
		}
		t.codes[i] = cd.code(key)
	}
	return t
}

// written returns lines [l0,l1) as the merge writes them, virtual ending
// included.
func (t *mergeText) written(l0, l1 int) string {
	s := t.text(l0, l1)
	if l1 == t.lines() && l1 > l0 && t.missing {
		s += t.term
	}
	return s
}

func (t *mergeText) lines() int { return len(t.off) - 1 }

// text returns the exact text of lines [l0,l1).
func (t *mergeText) text(l0, l1 int) string { return t.s[t.off[l0]:t.off[l1]] }

// hunk says base lines [bs,be) became lines [os,oe) of the other version.
type hunk struct{ bs, be, os, oe int }

func hunks(base, other *mergeText) []hunk {
	ms, _ := diffRunes(base.codes, other.codes, time.Now().Add(mergeTimeout))
	var hs []hunk
	pa, pb := 0, 0
	for _, m := range append(ms, match{base.lines(), other.lines(), 0}) {
		if m.a > pa || m.b > pb {
			hs = append(hs, hunk{pa, m.a, pb, m.b})
		}
		pa, pb = m.a+m.n, m.b+m.n
	}
	return hs
}

// merger writes the merged text line range by line range, with virtual line
// endings, and remembers how the output ends so they can be undone.
type merger struct {
	out      strings.Builder
	lastTerm int // length of the virtual ending the output ends with, or 0
}

// writeKept writes base lines [l0,l1), which neither side changed in
// content, as lines [x0,…) of mine and [y0,…) of theirs. The lines are the
// same but their bytes may differ in line endings: each line is written as
// mine has it unless mine kept base's bytes, then as theirs has it. So the
// saver's text wins, a side that alone rewrote line endings keeps them,
// and merge(b, x, b) = x and merge(b, b, y) = y hold byte for byte.
func (m *merger) writeKept(b, x, y *mergeText, l0, l1, x0, y0 int) {
	n := l1 - l0
	if n <= 0 {
		return
	}
	wb := b.written(l0, l1)
	if x.written(x0, x0+n) != wb {
		// Line by line, grouping runs taken from the same side.
		from, start := 0, 0 // 1: mine, 2: theirs
		flush := func(k int) {
			switch from {
			case 1:
				m.write(x, x0+start, x0+k)
			case 2:
				m.write(y, y0+start, y0+k)
			}
		}
		for k := 0; k < n; k++ {
			side := 2
			if x.written(x0+k, x0+k+1) != b.written(l0+k, l0+k+1) {
				side = 1
			}
			if side != from {
				flush(k)
				from, start = side, k
			}
		}
		flush(n)
		return
	}
	m.write(y, y0, y0+n)
}

func (m *merger) write(t *mergeText, l0, l1 int) {
	if l0 == l1 {
		return
	}
	m.out.WriteString(t.text(l0, l1))
	m.lastTerm = 0
	if l1 == t.lines() && t.missing {
		m.out.WriteString(t.term)
		m.lastTerm = len(t.term)
	}
}

func merge3(base, mine, theirs string, both bool) (string, []Conflict) {
	switch {
	case mine == theirs:
		return mine, nil
	case mine == base:
		return theirs, nil
	case theirs == base:
		return mine, nil
	}
	cd := newCodec()
	if !cd.room(3 + strings.Count(base, "\n") + strings.Count(mine, "\n") + strings.Count(theirs, "\n")) {
		if both {
			return mine + theirs, []Conflict{{Base: base, Mine: mine, Theirs: theirs}}
		}
		return mine, []Conflict{{Base: base, Mine: mine, Theirs: theirs}}
	}
	b, x, y := newMergeText(base, cd), newMergeText(mine, cd), newMergeText(theirs, cd)
	hx, hy := hunks(&b, &x), hunks(&b, &y)
	var sections []document.Section
	var conflicts []Conflict
	var m merger
	pos, dx, dy := 0, 0, 0 // next base line; line shift of mine and theirs
	for i, j := 0, 0; i < len(hx) || j < len(hy); {
		// A group is a maximal run of hunks of either side that overlap or
		// touch: without an unchanged line between them they conflict.
		gs := b.lines()
		if i < len(hx) {
			gs = hx[i].bs
		}
		if j < len(hy) {
			gs = min(gs, hy[j].bs)
		}
		ge, i0, j0 := gs, i, j
		for {
			if i < len(hx) && hx[i].bs <= ge {
				ge = max(ge, hx[i].be)
				i++
			} else if j < len(hy) && hy[j].bs <= ge {
				ge = max(ge, hy[j].be)
				j++
			} else {
				break
			}
		}
		xs, ys := gs+dx, gs+dy
		dx += shift(hx[i0:i])
		dy += shift(hy[j0:j])
		m.writeKept(&b, &x, &y, pos, gs, pos+xs-gs, pos+ys-gs)
		xe, ye := ge+dx, ge+dy
		switch {
		case j == j0:
			m.write(&x, xs, xe)
		case i == i0:
			m.write(&y, ys, ye)
		case runesEqual(x.codes[xs:xe], y.codes[ys:ye]):
			m.write(&x, xs, xe)
		default:
			if sections == nil {
				sections = document.Sections(base)
			}
			at := gs
			if gs == ge && gs > 0 {
				at = gs - 1 // an insertion belongs with the line before it
			}
			conflicts = append(conflicts, Conflict{
				Section: sectionAt(sections, b.off[min(at, b.lines())]),
				Base:    b.text(gs, ge),
				Mine:    x.text(xs, xe),
				Theirs:  y.text(ys, ye),
			})
			m.write(&x, xs, xe)
			if both {
				m.write(&y, ys, ye)
			}
		}
		pos = ge
	}
	m.writeKept(&b, &x, &y, pos, b.lines(), pos+dx, pos+dy)
	out := m.out.String()
	// The final newline merges like a one-line change of its own.
	missing := x.missing
	if x.missing == b.missing {
		missing = y.missing
	}
	if missing {
		// Undo the virtual ending of the last line. A real line ending the
		// output may stand for a version's virtual last line with the same
		// key; keys are built so that its "\r\n" or "\n" is the ending.
		switch {
		case m.lastTerm > 0:
			out = out[:len(out)-m.lastTerm]
		case strings.HasSuffix(out, "\r\n"):
			out = out[:len(out)-2]
		case strings.HasSuffix(out, "\n"):
			out = out[:len(out)-1]
		}
	}
	return out, conflicts
}

// shift is how many lines the hunks add to the other version.
func shift(hs []hunk) int {
	d := 0
	for _, h := range hs {
		d += (h.oe - h.os) - (h.be - h.bs)
	}
	return d
}

func runesEqual(a, b []rune) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// sectionAt returns the heading of the section holding byte offset off.
func sectionAt(sections []document.Section, off int) string {
	i := sort.Search(len(sections), func(i int) bool { return sections[i].Start > off }) - 1
	if i < 0 {
		i = 0
	}
	return sections[i].Heading
}
