package diff

// Row kinds.
const (
	RowEqual  = "equal"
	RowInsert = "insert"
	RowDelete = "delete"
	RowChange = "change" // a deleted line paired with an inserted line
	RowSkip   = "skip"   // folded unchanged rows, see SectionDiff.Context
)

// Segment is a piece of one line's text. Changed marks text that the word
// pass found inserted (new side) or deleted (old side).
type Segment struct {
	Text    string
	Changed bool
}

// Row is one line of the rendered diff. The same rows serve the inline view
// (old side then new side of change rows) and the side-by-side view.
type Row struct {
	Kind string
	// OldNo and NewNo are 1-based line numbers in A and B, 0 when the row
	// has no line on that side. For a skip row they are the numbers of the
	// first folded row.
	OldNo, NewNo int
	// Old and New hold the line's text without its line ending. Old is
	// empty for insert rows, New for delete rows; equal rows hold the same
	// single unchanged segment on both sides. An empty line of a change row
	// has no segment at all.
	Old, New []Segment
	// Skipped is the number of unchanged rows a skip row stands for.
	Skipped int
}

// piece of one side's text, in the order of that text.
type sidePiece struct {
	s, e    int
	changed bool
}

// blockRows appends the rows of lines [x0,x1) of A replaced by lines
// [y0,y1) of B, given the spans of the word pass over them. The i-th
// deleted line is paired with the i-th inserted line; the rest of the
// longer side become plain delete or insert rows.
func (c *comparer) blockRows(rows []Row, spans []span, x0, x1, y0, y1 int) []Row {
	var oldP, newP []sidePiece
	for _, sp := range spans {
		switch sp.kind {
		case kindEqual:
			oldP = append(oldP, sidePiece{sp.a0, sp.a1, false})
			newP = append(newP, sidePiece{sp.b0, sp.b1, false})
		case kindDelete:
			oldP = append(oldP, sidePiece{sp.a0, sp.a1, true})
		case kindInsert:
			newP = append(newP, sidePiece{sp.b0, sp.b1, true})
		}
	}
	oldL := splitLines(c.a, c.offA, x0, x1, oldP)
	newL := splitLines(c.b, c.offB, y0, y1, newP)
	nd, ni := x1-x0, y1-y0
	for i := 0; i < min(nd, ni); i++ {
		x, y := x0+i, y0+i
		if lineKey(c.a[c.offA[x]:c.offA[x+1]]) == lineKey(c.b[c.offB[y]:c.offB[y+1]]) {
			// A line that happens to be identical on both sides.
			seg := []Segment{{Text: c.a[c.offA[x]:lineEnd(c.a, c.offA[x], c.offA[x+1])]}}
			rows = append(rows, Row{Kind: RowEqual, OldNo: x + 1, NewNo: y + 1, Old: seg, New: seg})
			continue
		}
		rows = append(rows, Row{Kind: RowChange, OldNo: x + 1, NewNo: y + 1, Old: oldL[i], New: newL[i]})
	}
	for i := min(nd, ni); i < nd; i++ {
		rows = append(rows, Row{Kind: RowDelete, OldNo: x0 + i + 1, Old: oldL[i]})
	}
	for i := min(nd, ni); i < ni; i++ {
		rows = append(rows, Row{Kind: RowInsert, NewNo: y0 + i + 1, New: newL[i]})
	}
	return rows
}

// splitLines cuts pieces, which cover text[off[l0]:off[l1]] in order, into
// one segment list per line, line endings left out.
func splitLines(text string, off []int, l0, l1 int, ps []sidePiece) [][]Segment {
	out := make([][]Segment, l1-l0)
	k := 0
	for l := l0; l < l1; l++ {
		ls, le := off[l], lineEnd(text, off[l], off[l+1])
		for k < len(ps) && ps[k].e <= ls {
			k++
		}
		var segs []Segment
		last := 0 // start of the last segment, to grow it in place
		for q := k; q < len(ps) && ps[q].s < le; q++ {
			s, e := max(ps[q].s, ls), min(ps[q].e, le)
			if s >= e {
				continue
			}
			if n := len(segs); n > 0 && segs[n-1].Changed == ps[q].changed {
				segs[n-1].Text = text[last:e]
				continue
			}
			segs = append(segs, Segment{Text: text[s:e], Changed: ps[q].changed})
			last = s
		}
		out[l-l0] = segs
	}
	return out
}

// Context returns the section's rows with long runs of unchanged rows
// folded, keeping n rows of context next to each change. A run between two
// changes keeps n rows at each end, a run at the start of the section keeps
// its last n rows and a run at the end its first n; the rest of the run
// becomes one row of kind RowSkip whose Skipped field counts the folded
// rows. Folding happens only when it hides at least two rows, so that a
// marker never replaces a single line. A section without changes (and at
// least two rows) folds to a single skip row. n < 0 returns the rows unchanged.
func (s SectionDiff) Context(n int) []Row {
	if n < 0 {
		return s.Rows
	}
	rows := s.Rows
	out := make([]Row, 0, len(rows))
	for i := 0; i < len(rows); {
		if rows[i].Kind != RowEqual {
			out = append(out, rows[i])
			i++
			continue
		}
		j := i
		for j < len(rows) && rows[j].Kind == RowEqual {
			j++
		}
		head, tail := n, n
		if i == 0 {
			head = 0
		}
		if j == len(rows) {
			tail = 0
		}
		if hidden := j - i - head - tail; hidden >= 2 {
			out = append(out, rows[i:i+head]...)
			first := rows[i+head]
			out = append(out, Row{Kind: RowSkip, OldNo: first.OldNo, NewNo: first.NewNo, Skipped: hidden})
			out = append(out, rows[j-tail:j]...)
		} else {
			out = append(out, rows[i:j]...)
		}
		i = j
	}
	return out
}
