package authorship

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// A simulated sheet whose true authors are known: each word carries the
// revision that wrote it, whatever happens to it since.
type simWord struct {
	text string
	rev  int
}

type simDoc [][]simWord // paragraphs of words

func (d simDoc) clone() simDoc {
	c := make(simDoc, len(d))
	for i, p := range d {
		c[i] = append([]simWord(nil), p...)
	}
	return c
}

// render writes d as Markdown prose, wrapping lines at a width of the
// editor's, and returns each byte's true revision.
func (d simDoc) render(width int) (string, []int) {
	var b strings.Builder
	var truth []int
	write := func(s string, rev int) {
		b.WriteString(s)
		for range len(s) {
			truth = append(truth, rev)
		}
	}
	for i, p := range d {
		if i > 0 {
			write("\n\n", 0)
		}
		line := 0
		for j, w := range p {
			if j > 0 && line+len(w.text) > width {
				write("\n", 0)
				line = 0
			} else if j > 0 {
				write(" ", 0)
			}
			write(w.text, w.rev)
			line += len(w.text) + 1
		}
	}
	return b.String(), truth
}

func simWords(r *rand.Rand, n, rev int) []simWord {
	ws := make([]simWord, n)
	for i := range ws {
		t := frenchWords[r.IntN(len(frenchWords))]
		if r.IntN(8) == 0 {
			t += [...]string{".", ",", " :", " !"}[r.IntN(4)]
		}
		ws[i] = simWord{t, rev}
	}
	return ws
}

// simEdit makes revision rev out of d, the way people edit a sheet.
func simEdit(r *rand.Rand, d simDoc, rev int) simDoc {
	d = d.clone()
	if len(d) == 0 {
		return simDoc{simWords(r, 20+r.IntN(40), rev)}
	}
	p := r.IntN(len(d))
	switch r.IntN(7) {
	case 0: // add a paragraph
		at := r.IntN(len(d) + 1)
		d = append(d[:at], append(simDoc{simWords(r, 10+r.IntN(50), rev)}, d[at:]...)...)
	case 1: // delete a paragraph
		d = append(d[:p], d[p+1:]...)
	case 2: // move a paragraph
		q := r.IntN(len(d))
		d[p], d[q] = d[q], d[p]
	case 3: // fix one letter of a word
		w := &d[p][r.IntN(len(d[p]))]
		w.text, w.rev = w.text[:len(w.text)-1]+"x", rev
	default: // insert and delete a few words in a paragraph
		i, j := r.IntN(len(d[p])+1), 0
		j = min(len(d[p]), i+r.IntN(4))
		d[p] = append(d[p][:i], append(simWords(r, r.IntN(6), rev), d[p][j:]...)...)
	}
	return d
}

// TestAccuracyOnSimulatedHistories measures, as WikiWho's evaluation does,
// the share of words attributed to their true revision, over histories of
// edits, moves, one-letter fixes, re-wraps, vandalism and reverts (half of
// them with the version they revert to as a source, half by hand with
// recent versions only).
func TestAccuracyOnSimulatedHistories(t *testing.T) {
	r := rand.New(rand.NewPCG(95, 2014))
	right, total := 0, 0
	for range 40 {
		docs := []simDoc{{simWords(r, 60, 1), simWords(r, 40, 1)}}
		h := &history{t: t}
		text, _ := docs[0].render(70)
		h.save(text)
		for n := 2; n <= 40; n++ {
			d, sources := simEdit(r, docs[n-2], n), []int(nil)
			switch {
			case r.IntN(12) == 0 && n >= 3: // vandalism, then its revert
				d = simDoc{simWords(r, 3, n)}
			case n >= 3 && len(docs[n-2]) == 1 && len(docs[n-2][0]) == 3: // revert
				d = docs[n-3].clone()
				if r.IntN(2) == 0 {
					sources = []int{n - 2}
				} else {
					sources = []int{max(1, n-4), max(1, n-3), n - 2}
				}
			}
			docs = append(docs, d)
			text, truth := d.render(50 + r.IntN(40))
			a := h.save(text, sources...)
			ok, all := scoreWords(text, a, truth)
			right, total = right+ok, total+all
		}
	}
	got := float64(right) / float64(total)
	t.Logf("%d of %d words attributed to their true revision (%.1f %%)", right, total, 100*got)
	if got < 0.95 {
		t.Errorf("accuracy %.3f, want at least 0.95", got)
	}
}

// scoreWords counts the words of text whose revision in a is their true one.
func scoreWords(text string, a Attribution, truth []int) (right, total int) {
	rev := make([]int, 0, len(text))
	for _, s := range a {
		for range s.Len {
			rev = append(rev, s.Revision)
		}
	}
	for _, t := range tokenize(text) {
		if t.kind == kindWord {
			total++
			if rev[t.start] == truth[t.start] {
				right++
			}
		}
	}
	return right, total
}
