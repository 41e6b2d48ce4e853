package search

import (
	"context"
	"strings"
	"testing"

	"atlas/internal/testutil"
)

// The snippets of one query over 60 sheets of 878 KB whose words are all
// different and whose matching words come last (issue 13's search, which
// cost 30 s of CPU) read and stem a bounded amount: each sheet shows its
// opening. The bound is on work counted, not on time, so that the test
// says the same on a loaded machine.
//
// The second query's terms begin as a sixth of the words do, which match
// none of them: those cannot be ruled out without stemming them, and the
// budget of stems is what stops.
func TestSnippetsOfOneQueryAreBounded(t *testing.T) {
	const hits = 60
	bodies := make([]string, hits)
	for i := range bodies {
		bodies[i] = testutil.DistinctWords(100+i, 878<<10) + "\n\nLa gouvernance du jardin.\n"
	}
	for _, query := range []string{"gouvernance jardin", "baxw bexw bixw boxw buxw daxw dexw dixw doxw duxw faxw fexw fixw foxw fuxw gouvernance"} {
		s := NewSnippets(context.Background(), query)
		for i, body := range bodies {
			if got := render(s.Of(body, 200)); !strings.HasPrefix(got, strings.Fields(body)[0]+" ") {
				t.Fatalf("%s, hit %d: snippet %q, not the opening", query, i, got)
			}
		}
		// An opening reads at most two spans of Markdown.
		w := s.Work()
		if limit := maxQueryScan + hits*(maxSnippetScan/hits+2*snippetSpan); w.Read > limit {
			t.Errorf("%s: read %d bytes for %d hits, more than %d", query, w.Read, hits, limit)
		}
		if w.Stemmed > maxQueryStems {
			t.Errorf("%s: stemmed %d words, more than %d", query, w.Stemmed, maxQueryStems)
		}
		t.Logf("%s: %d hits, %d KB read, %d words stemmed", query, hits, w.Read>>10, w.Stemmed)
	}
}

// Within the budget, the first hits show the stretch that matches, far
// into a long body; once it is spent, the next hits show their opening,
// with the words already judged still marked; a query whose context has
// ended stems no more.
func TestSnippetsBudgetServesTheFirstHits(t *testing.T) {
	filler := strings.Repeat("Une ligne de texte sans rapport.\n", 2000) // 66 KB
	body := filler + "La **gouvernance** est partagée.\n" + filler
	s := NewSnippets(context.Background(), "gouvernance")
	first := render(s.Of(body, 80))
	if !strings.Contains(first, "[gouvernance]") {
		t.Fatalf("first hit = %q", first)
	}
	s.scanLeft = 0
	if got := render(s.Of("La gouvernance d'abord.\n"+filler, 80)); got != "La [gouvernance] d'abord. Une ligne de texte sans rapport. Une ligne de texte sans …" {
		t.Errorf("hit past the budget = %q", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s = NewSnippets(ctx, "gouvernance")
	words := strings.Repeat("gouverneur gouvernail gouvernante ", 1000)
	s.Of(words+body, 80)
	if w := s.Work(); w.Stemmed > 64 {
		t.Errorf("an ended query stemmed %d words", w.Stemmed)
	}
}

// mayMatch rules out only words whose stem cannot begin with a term:
// stemming keeps the first two letters of words, but for "y".
func TestMayMatchKeepsEveryStemPrefix(t *testing.T) {
	suffixes := []string{"", "eaux", "aux", "euse", "ance", "ique", "isme", "able", "iste", "eux", "ement", "ment", "if",
		"ive", "eur", "ier", "ion", "er", "ez", "a", "ai", "ait", "ant", "e", "s", "es", "ent", "it", "is", "ir",
		"issement", "amment", "emment", "logie", "usion", "ution", "ence", "atrice", "ation", "y", "u", "ui", "enn", "ett", "eill"}
	const letters = "aeiouybcgqsnAY"
	var prefixes []string
	for _, a := range letters {
		prefixes = append(prefixes, string(a))
		for _, b := range letters {
			prefixes = append(prefixes, string(a)+string(b))
			for _, c := range letters {
				prefixes = append(prefixes, string(a)+string(b)+string(c))
			}
		}
	}
	for _, p := range prefixes {
		for _, suffix := range suffixes {
			w := p + suffix
			st := stem(w)
			for n := 1; n <= len(st); n++ {
				s := &Snippets{terms: []string{st[:n]}}
				if !s.mayMatch(w) {
					t.Fatalf("%q (stem %q) ruled out for the term %q", w, st, st[:n])
				}
			}
		}
	}
}

func render(segs []Segment) string {
	var b strings.Builder
	for _, s := range segs {
		if s.Match {
			b.WriteString("[" + s.Text + "]")
		} else {
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

// Snippets read nothing of a body past SnippetSource: cut there, a body
// gives the same snippet, wherever its match and whatever its lines.
func TestSnippetSourceHoldsWhatSnippetsRead(t *testing.T) {
	words := testutil.DistinctWords(7, 300<<10)
	for _, at := range []int{0, 10 << 10, 120 << 10, 127 << 10, 200 << 10} {
		at = strings.IndexByte(words[at:], ' ') + at
		body := words[:at] + " la gouvernance " + words[at:]
		for _, b := range []string{body, strings.ReplaceAll(body, "\n", " ")} {
			src := SnippetSource(b)
			if len(src) >= len(b) || !strings.HasPrefix(b, src) {
				t.Fatalf("match at %d: a source of %d bytes of %d", at, len(src), len(b))
			}
			if got, want := render(Snippet(src, "gouvernance", 200)), render(Snippet(b, "gouvernance", 200)); got != want {
				t.Errorf("match at %d: snippet of the source %q, of the body %q", at, got, want)
			}
		}
	}
}
