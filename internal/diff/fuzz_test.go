package diff

import (
	"testing"
	"time"
)

func FuzzCompare(f *testing.F) {
	f.Add("Le chat noir dort.\n", "Le chien noir dort.\n")
	f.Add("a\nb", "a\nb\nc")
	f.Add("Un\r\nDeux\r\n", "Un\nDeux\n")
	f.Add("Prix\u00a0: 3 €\nJoie 🎉\n", "Prix\u00a0: 4 €\nJoie 🎉🎊\n")
	f.Add("a\xff\xfeb\n", "a\xffb\n")
	f.Add("p\n## A\nq\n## B\nr\nfin\n", "p2\n## C\nr2\nfin\n")
	f.Add("```\n## x\n```\n", "## x\n```\n")
	f.Add("## Un\nx\n\n## Deux\ny\n", "## Un\nx\n\n## Neuf\nz\n\n## Deux\ny\n")
	f.Add("e\u0301t\u00e9\n", "\u00e9t\u00e9 \n")
	f.Add("Le chat\n\n## Un\nnoir dort.\n", "Le chat\r\n\r\n## Un\r\nnoir mange.\r\n")
	f.Add("x\r\r\n", "x\r\n")
	f.Fuzz(func(t *testing.T, a, b string) {
		checkResult(t, a, b, Compare(a, b, Options{}))
		// A bound that is already over must degrade, never break.
		checkResult(t, a, b, Compare(a, b, Options{Timeout: time.Nanosecond}))
		ops := Words(a, b, 0)
		checkOps(t, ops)
		if ga, gb := rebuildOps(ops); ga != a || gb != b {
			t.Fatalf("Words ops rebuild %q, %q", ga, gb)
		}
		for _, s := range Compare(a, b, Options{}).Sections {
			for _, n := range []int{0, 1, 3} {
				checkContext(t, s, n)
			}
		}
		checkLineEndings(t, a, b)
	})
}

// checkLineEndings compares a and b written with every mix of LF and CRLF
// line endings: the ops still rebuild both texts exactly, the words
// counted and the sections' statuses are those of the LF texts, and a text
// against itself in other line endings changes nothing.
func checkLineEndings(t *testing.T, a, b string) {
	t.Helper()
	la, lb := pureLF(a), pureLF(b)
	want := Compare(la, lb, Options{Timeout: time.Minute})
	for v := 1; v < 4; v++ {
		va, vb := ending(la, v&1 != 0), ending(lb, v&2 != 0)
		got := Compare(va, vb, Options{Timeout: time.Minute})
		checkResult(t, va, vb, got)
		if got.Stats != want.Stats || len(got.Sections) != len(want.Sections) {
			t.Fatalf("variant %d of %q, %q: stats %+v in %d sections, want %+v in %d",
				v, a, b, got.Stats, len(got.Sections), want.Stats, len(want.Sections))
		}
		for i := range got.Sections {
			if g, w := got.Sections[i], want.Sections[i]; g.Heading != w.Heading || g.Status != w.Status {
				t.Fatalf("variant %d of %q, %q: section %d is %q %s, want %q %s", v, a, b, i, g.Heading, g.Status, w.Heading, w.Status)
			}
		}
	}
	for _, pair := range [][2]string{{la, ending(la, true)}, {ending(la, true), la}, {lb, ending(lb, true)}} {
		res := Compare(pair[0], pair[1], Options{Timeout: time.Minute})
		checkResult(t, pair[0], pair[1], res)
		if res.Stats != (Stats{}) {
			t.Fatalf("%q against %q counts %+v", pair[0], pair[1], res.Stats)
		}
		for _, s := range res.Sections {
			if s.Status != StatusSame {
				t.Fatalf("%q against %q: section %q is %s", pair[0], pair[1], s.Heading, s.Status)
			}
		}
	}
}

// checkContext verifies that folding keeps every changed row and accounts
// for every folded row.
func checkContext(t *testing.T, s SectionDiff, n int) {
	t.Helper()
	got := s.Context(n)
	total := 0
	for _, r := range got {
		if r.Kind == RowSkip {
			if r.Skipped < 2 {
				t.Fatalf("skip row folds %d rows", r.Skipped)
			}
			total += r.Skipped
		} else {
			total++
		}
	}
	if total != len(s.Rows) {
		t.Fatalf("Context(%d) accounts for %d rows, section has %d", n, total, len(s.Rows))
	}
}
