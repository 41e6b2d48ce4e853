package authorship

// matchSeq pairs equal elements of a and b, in order, and calls pair(i, j)
// for each pair, i and j ascending. It finds a longest common subsequence
// on small inputs; on large ones it first anchors on elements that occur
// once in each (so a big rewrite costs near linear time, not quadratic) and
// matches between the anchors.
func matchSeq(a, b []uint64, pair func(i, j int)) {
	m := matcher{pair: pair, budget: 16*(len(a)+len(b)) + dpCells}
	m.matchRange(a, b, 0, 0)
}

// matcher carries the output and a budget of work: each anchoring pass
// spends the size of its region, and a history built to make anchors
// scarce (one found per pass) stops matching instead of going quadratic.
type matcher struct {
	pair   func(i, j int)
	budget int
}

// dpCells bounds the table of the exact algorithm: 64 K cells of 4 bytes.
const dpCells = 1 << 16

func (m *matcher) matchRange(a, b []uint64, offA, offB int) {
	// Common ends first: an edit usually leaves both ends alone.
	for len(a) > 0 && len(b) > 0 && a[0] == b[0] {
		m.pair(offA, offB)
		a, b, offA, offB = a[1:], b[1:], offA+1, offB+1
	}
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	endA, endB := len(a)-n, len(b)-n
	switch {
	case endA == 0 || endB == 0:
	case endA*endB <= dpCells:
		lcs(a[:endA], b[:endB], offA, offB, m.pair)
	default:
		m.anchored(a[:endA], b[:endB], offA, offB)
	}
	for k := range n {
		m.pair(offA+endA+k, offB+endB+k)
	}
}

// lcs is the textbook dynamic programming algorithm, walked from the front so the pairs
// come out in order.
func lcs(a, b []uint64, offA, offB int, pair func(i, j int)) {
	w := len(b) + 1
	t := make([]int32, (len(a)+1)*w)
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			switch {
			case a[i] == b[j]:
				t[i*w+j] = t[(i+1)*w+j+1] + 1
			case t[(i+1)*w+j] >= t[i*w+j+1]:
				t[i*w+j] = t[(i+1)*w+j]
			default:
				t[i*w+j] = t[i*w+j+1]
			}
		}
	}
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			pair(offA+i, offB+j)
			i, j = i+1, j+1
		case t[(i+1)*w+j] >= t[i*w+j+1]:
			i++
		default:
			j++
		}
	}
}

// anchored matches the elements unique in both a and b whose order agrees
// (the longest increasing run of their positions, as in patience diff), then
// recurses into the gaps between them. With no anchor the region is left
// unmatched: its words count as new, which errs on the side of the editor.
func (m *matcher) anchored(a, b []uint64, offA, offB int) {
	if m.budget -= len(a) + len(b); m.budget < 0 {
		return
	}
	anchors := uniqueAnchors(a, b)
	if len(anchors) == 0 {
		return
	}
	prevA, prevB := 0, 0
	for _, p := range anchors {
		m.matchRange(a[prevA:p.i], b[prevB:p.j], offA+prevA, offB+prevB)
		m.pair(offA+p.i, offB+p.j)
		prevA, prevB = p.i+1, p.j+1
	}
	m.matchRange(a[prevA:], b[prevB:], offA+prevA, offB+prevB)
}

type ij struct{ i, j int }

// uniqueAnchors returns the pairs of elements occurring once in a and once in
// b, keeping the longest chain whose positions increase in both.
func uniqueAnchors(a, b []uint64) []ij {
	type count struct{ inA, inB, posA, posB int }
	seen := make(map[uint64]*count, len(a))
	for i, h := range a {
		c := seen[h]
		if c == nil {
			c = &count{}
			seen[h] = c
		}
		c.inA++
		c.posA = i
	}
	for j, h := range b {
		if c := seen[h]; c != nil {
			c.inB++
			c.posB = j
		}
	}
	var cands []ij
	for i, h := range a {
		if c := seen[h]; c.inA == 1 && c.inB == 1 {
			cands = append(cands, ij{i, c.posB})
		}
	}
	return increasingChain(cands)
}

// increasingChain returns the longest subsequence of cands (ordered by i)
// whose j increase too, by patience sorting.
func increasingChain(cands []ij) []ij {
	if len(cands) == 0 {
		return nil
	}
	tails := []int{}                // tails[k]: index in cands ending the best chain of length k+1
	back := make([]int, len(cands)) // back[x]: the element before x in its chain
	for x, c := range cands {
		lo, hi := 0, len(tails)
		for lo < hi {
			mid := (lo + hi) / 2
			if cands[tails[mid]].j < c.j {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		back[x] = -1
		if lo > 0 {
			back[x] = tails[lo-1]
		}
		if lo == len(tails) {
			tails = append(tails, x)
		} else {
			tails[lo] = x
		}
	}
	chain := make([]ij, len(tails))
	for k, x := len(tails)-1, tails[len(tails)-1]; k >= 0; k, x = k-1, back[x] {
		chain[k] = cands[x]
	}
	return chain
}
