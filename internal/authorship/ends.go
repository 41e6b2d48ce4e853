package authorship

// Most saves change one place of a long sheet. The paragraphs before and
// after it are the parent's bytes unchanged, and matching them would give
// them the parent's authors anyway: so they keep the parent's spans as they
// are, and only the changed middle is cut into tokens and matched. This is
// what keeps a save of a 50 KB sheet well under a millisecond.

// unchangedEnds returns how many bytes at the start and at the end of text
// are the parent's own, each cut at a paragraph's start so the middle is
// whole paragraphs in both texts.
func unchangedEnds(parent, text string) (head, tail int) {
	n := min(len(parent), len(text))
	p := commonPrefix(parent, text)
	s := commonSuffix(parent, text, n-p)
	head = lastParagraphStart(text, p)
	tail = len(text) - firstParagraphStart(text, len(text)-s)
	return head, tail
}

// commonPrefix returns how many bytes a and b share at their start,
// comparing blocks first: string equality runs in vector instructions.
func commonPrefix(a, b string) int {
	const block = 64
	n, p := min(len(a), len(b)), 0
	for p+block <= n && a[p:p+block] == b[p:p+block] {
		p += block
	}
	for p < n && a[p] == b[p] {
		p++
	}
	return p
}

// commonSuffix returns how many bytes, up to limit, a and b share at their
// end, by blocks too.
func commonSuffix(a, b string, limit int) int {
	const block = 64
	s := 0
	for s+block <= limit && a[len(a)-s-block:len(a)-s] == b[len(b)-s-block:len(b)-s] {
		s += block
	}
	for s < limit && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	return s
}

// lastParagraphStart returns the last paragraph start in s[:at+1] that the
// bytes of s[:at] prove, or 0.
func lastParagraphStart(s string, at int) int {
	for b := at; b > 0; b-- {
		if startsParagraph(s, b, 0) {
			return b
		}
	}
	return 0
}

// firstParagraphStart returns the first paragraph start at or after at that
// the bytes of s[at:] prove, or len(s).
func firstParagraphStart(s string, at int) int {
	for b := at; b < len(s); b++ {
		if startsParagraph(s, b, at) {
			return b
		}
	}
	return len(s)
}

// startsParagraph tells whether s[b] follows a blank line, looking no
// further back than from.
func startsParagraph(s string, b, from int) bool {
	if b-1 < from || s[b-1] != '\n' {
		return false
	}
	for i := b - 2; i >= from; i-- {
		switch s[i] {
		case '\n':
			return true
		case ' ', '\t', '\r', '\f', '\v':
			continue
		}
		return false
	}
	return false
}

// slice returns the spans of a that cover bytes [from, to).
func slice(a Attribution, from, to int) Attribution {
	var out Attribution
	at := 0
	for _, s := range a {
		lo, hi := max(at, from), min(at+s.Len, to)
		if lo < hi {
			out = append(out, Span{Len: hi - lo, Revision: s.Revision})
		}
		at += s.Len
	}
	return out
}

// join appends the parts one after the other, merging spans of one
// revision that meet.
func join(parts ...Attribution) Attribution {
	var out Attribution
	for _, p := range parts {
		for _, s := range p {
			if n := len(out); n > 0 && out[n-1].Revision == s.Revision {
				out[n-1].Len += s.Len
			} else {
				out = append(out, s)
			}
		}
	}
	return out
}
