package diff

import (
	"sort"
	"strings"
	"time"

	"atlas/internal/document"
)

// comparer holds one Compare call: both texts cut in lines, which lines are
// section headings, and the sections built so far.
type comparer struct {
	a, b       string
	offA, offB []int  // line offsets, see lineOffsets
	headA      []bool // headA[i]: line i of A starts a section
	headB      []bool
	words      wordDiffer
	truncated  bool
	sections   []sectionAcc
}

// sectionAcc collects one section's spans and rows.
type sectionAcc struct {
	heading string
	spans   []span
	rows    []Row
}

func newComparer(a, b string, deadline time.Time) *comparer {
	c := &comparer{a: a, b: b, offA: lineOffsets(a), offB: lineOffsets(b)}
	c.headA = headingLines(a, c.offA)
	c.headB = headingLines(b, c.offB)
	c.words = wordDiffer{codec: newCodec(), deadline: deadline}
	return c
}

// headingLines marks the lines of s that document.Sections starts a
// section at, so that headings inside fenced code do not count here either.
func headingLines(s string, off []int) []bool {
	head := make([]bool, len(off)-1)
	for _, sec := range document.Sections(s)[1:] {
		if i := sort.SearchInts(off, sec.Start); i < len(head) && off[i] == sec.Start {
			head[i] = true
		}
	}
	return head
}

func headingOf(s string, off []int, line int) string {
	text, _ := document.HeadingText(strings.TrimRight(s[off[line]:off[line+1]], "\r\n"))
	return text
}

func (c *comparer) run() {
	ra, rb, ok := c.encodeLines()
	var ms []match
	if ok {
		var truncated bool
		ms, truncated = diffRunes(ra, rb, c.words.deadline)
		c.truncated = c.truncated || truncated
	} else {
		c.truncated = true
	}
	na, nb := len(c.offA)-1, len(c.offB)-1
	c.sections = []sectionAcc{{}} // the preamble
	pa, pb := 0, 0
	for _, m := range append(ms, match{na, nb, 0}) {
		if m.a > pa || m.b > pb {
			c.block(pa, m.a, pb, m.b)
		}
		c.equalLines(m.a, m.b, m.n)
		pa, pb = m.a+m.n, m.b+m.n
	}
}

// encodeLines maps each distinct line to a rune, lines that differ only in
// a "\r\n" or "\n" ending sharing one. It fails only if there are more
// distinct lines than runes.
func (c *comparer) encodeLines() (ra, rb []rune, ok bool) {
	na, nb := len(c.offA)-1, len(c.offB)-1
	cd := c.words.codec
	if !cd.room(na + nb) {
		return nil, nil, false
	}
	ra, rb = make([]rune, na), make([]rune, nb)
	for i := range ra {
		ra[i] = cd.code(lineKey(c.a[c.offA[i]:c.offA[i+1]]))
	}
	for i := range rb {
		rb[i] = cd.code(lineKey(c.b[c.offB[i]:c.offB[i+1]]))
	}
	// Token codes of the word pass live in a fresh space.
	cd.reset()
	return ra, rb, true
}

// open starts a new section, unless the current one is still empty (the
// preamble of a body that starts with a heading), which it then renames.
func (c *comparer) open(heading string) {
	if cur := &c.sections[len(c.sections)-1]; len(cur.spans) == 0 {
		cur.heading = heading
		return
	}
	c.sections = append(c.sections, sectionAcc{heading: heading})
}

func (c *comparer) cur() *sectionAcc { return &c.sections[len(c.sections)-1] }

func (s *sectionAcc) add(sp span) {
	if sp.empty() {
		return
	}
	if n := len(s.spans); n > 0 && s.spans[n-1].extend(sp) {
		return
	}
	s.spans = append(s.spans, sp)
}

// equalLines emits n unchanged lines from line i of A and j of B, opening
// a section at each line that is a heading in A or in B.
func (c *comparer) equalLines(i, j, n int) {
	start := 0
	for k := 0; k < n; k++ {
		if !c.headA[i+k] && !c.headB[j+k] {
			continue
		}
		c.emitEqual(i+start, j+start, k-start)
		if c.headB[j+k] {
			c.open(headingOf(c.b, c.offB, j+k))
		} else {
			c.open(headingOf(c.a, c.offA, i+k))
		}
		start = k
	}
	c.emitEqual(i+start, j+start, n-start)
}

func (c *comparer) emitEqual(i, j, n int) {
	if n == 0 {
		return
	}
	s := c.cur()
	for _, sp := range appendEqual(nil, c.a, c.b, c.offA[i], c.offA[i+n], c.offB[j], c.offB[j+n], 0, 0) {
		s.add(sp)
	}
	for k := 0; k < n; k++ {
		seg := []Segment{{Text: c.a[c.offA[i+k]:lineEnd(c.a, c.offA[i+k], c.offA[i+k+1])]}}
		s.rows = append(s.rows, Row{Kind: RowEqual, OldNo: i + k + 1, NewNo: j + k + 1, Old: seg, New: seg})
	}
}

// block handles lines [x0,x1) of A replaced by lines [y0,y1) of B. Heading
// lines inside the block cut it into pieces, one per section. Headings are
// paired from the end: the last heading of A's side with the last of B's,
// and so on; the extra headings of the longer side make sections of their
// own right after the lead piece. Pairing from the end keeps the unchanged
// lines that follow the block in the section that holds them in both texts.
func (c *comparer) block(x0, x1, y0, y1 int) {
	var ha, hb []int
	for i := x0; i < x1; i++ {
		if c.headA[i] {
			ha = append(ha, i)
		}
	}
	for j := y0; j < y1; j++ {
		if c.headB[j] {
			hb = append(hb, j)
		}
	}
	next := func(h []int, k, end int) int {
		if k+1 < len(h) {
			return h[k+1]
		}
		return end
	}
	first := func(h []int, end int) int {
		if len(h) > 0 {
			return h[0]
		}
		return end
	}
	c.piece(x0, first(ha, x1), y0, first(hb, y1))
	k := min(len(ha), len(hb))
	for t := 0; t < len(ha)-k; t++ {
		c.open(headingOf(c.a, c.offA, ha[t]))
		c.piece(ha[t], next(ha, t, x1), y0, y0)
	}
	for t := 0; t < len(hb)-k; t++ {
		c.open(headingOf(c.b, c.offB, hb[t]))
		c.piece(x0, x0, hb[t], next(hb, t, y1))
	}
	for t := 0; t < k; t++ {
		ta, tb := len(ha)-k+t, len(hb)-k+t
		c.open(headingOf(c.b, c.offB, hb[tb]))
		c.piece(ha[ta], next(ha, ta, x1), hb[tb], next(hb, tb, y1))
	}
}

// piece diffs lines [x0,x1) of A against lines [y0,y1) of B word by word
// and adds the result to the current section.
func (c *comparer) piece(x0, x1, y0, y1 int) {
	if x0 == x1 && y0 == y1 {
		return
	}
	a0, a1 := c.offA[x0], c.offA[x1]
	b0, b1 := c.offB[y0], c.offB[y1]
	spans := c.words.spans(c.a[a0:a1], c.b[b0:b1], a0, b0)
	s := c.cur()
	for _, sp := range spans {
		s.add(sp)
	}
	s.rows = c.blockRows(s.rows, spans, x0, x1, y0, y1)
}

func (c *comparer) result() Result {
	res := Result{Sections: []SectionDiff{}, Truncated: c.truncated || c.words.truncated}
	for _, s := range c.sections {
		if len(s.spans) == 0 {
			continue
		}
		sd := SectionDiff{Heading: s.heading, Ops: make([]Op, 0, len(s.spans)), Rows: s.rows}
		var eq, ins, del bool
		for _, sp := range s.spans {
			op := sp.op(c.a, c.b)
			sd.Ops = append(sd.Ops, op)
			switch sp.kind {
			case kindEqual:
				eq = true
			case kindInsert:
				ins = ins || !eolOnly(sp, c.a, c.b)
				res.Stats.InsertedWords += countWords(op.Text)
			case kindDelete:
				del = del || !eolOnly(sp, c.a, c.b)
				res.Stats.DeletedWords += countWords(op.Text)
			}
		}
		switch {
		case !ins && !del:
			sd.Status = StatusSame
		case ins && !del && !eq:
			sd.Status = StatusAdded
		case del && !ins && !eq:
			sd.Status = StatusRemoved
		default:
			sd.Status = StatusChanged
		}
		res.Sections = append(res.Sections, sd)
	}
	return res
}
