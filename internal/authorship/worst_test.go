package authorship

import (
	"strings"
	"testing"
	"time"
)

// TestRepetitiveSheetsStayLinear runs the shapes that make a naive matcher
// quadratic: thousands of identical paragraphs, sentences, list items or
// words. Each took over a minute before the segment index kept a cursor;
// linear, each takes about a tenth of a second (a minute is the alarm, so
// a loaded machine or -race does not make the test flaky).
func TestRepetitiveSheetsStayLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("large inputs")
	}
	cases := map[string][2]string{
		"list items": {strings.Repeat("- a\n", 50000), "x\n\n" + strings.Repeat("- a\n", 50000)},
		"sentences":  {strings.Repeat("Oui. ", 50000), "Non. " + strings.Repeat("Oui. ", 50000)},
		"paragraphs": {strings.Repeat("Oui.\n\n", 50000), "Non.\n\n" + strings.Repeat("Oui.\n\n", 49000) + "x"},
		"words":      {strings.Repeat("a ", 100000), "b " + strings.Repeat("a ", 90000) + "c"},
		"pairs":      {strings.Repeat("a b ", 50000), "c " + strings.Repeat("b a ", 50000) + "c"},
	}
	for name, c := range cases {
		parent := Source{Text: c[0], Spans: Attribute(Source{}, c[0], 1)}
		start := time.Now()
		a := Attribute(parent, c[1], 2, parent)
		if d := time.Since(start); d > time.Minute {
			t.Errorf("%s: %v", name, d)
		}
		if err := a.Valid(c[1]); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
