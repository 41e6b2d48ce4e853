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
	})
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
