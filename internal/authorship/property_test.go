package authorship

import (
	"bytes"
	"maps"
	"math/rand/v2"
	"strings"
	"testing"
)

// fragments are what random edits insert: French words, Markdown, blanks of
// every kind, multi-byte and combining runes, and broken UTF-8.
var fragments = []string{
	"le ", "jardin ", "partagé ", "été", "l'eau ", "peut-être ", "3,5 ", "Œuvre ", "e\u0301te\u0301 ",
	". ", ", ", "! ", "… ", "« ", " »", "**gras** ", "## ", "- ", "1. ", "| a | b |\n", "---\n",
	" ", "\n", "\n\n", "\r\n", "\t", "\u00a0", "\u202f", "🌱", "\xff", "\xe2\x82", "\x80",
}

// edit changes text one random way; older versions can come back whole.
func edit(r *rand.Rand, text string, older []string) string {
	at := func() int { return r.IntN(len(text) + 1) }
	switch r.IntN(8) {
	case 0, 1, 2: // insert a few fragments, at any byte, even inside a rune
		i := at()
		var b strings.Builder
		for range 1 + r.IntN(8) {
			b.WriteString(fragments[r.IntN(len(fragments))])
		}
		return text[:i] + b.String() + text[i:]
	case 3: // delete a range
		i, j := at(), at()
		if i > j {
			i, j = j, i
		}
		return text[:i] + text[j:]
	case 4: // move a paragraph
		ps := strings.Split(text, "\n\n")
		i, j := r.IntN(len(ps)), r.IntN(len(ps))
		ps[i], ps[j] = ps[j], ps[i]
		return strings.Join(ps, "\n\n")
	case 5: // re-wrap or change line endings
		if r.IntN(2) == 0 {
			return strings.ReplaceAll(text, "\n", "\r\n")
		}
		return strings.Replace(text, " ", "\n", 1+r.IntN(4))
	case 6: // bring an older version back
		return older[r.IntN(len(older))]
	}
	return "" // vandalism
}

// checkAttribution asserts what holds for every answer of Attribute.
func checkAttribution(t *testing.T, a Attribution, parent Source, text string, rev int, others []Source) {
	t.Helper()
	if err := a.Valid(text); err != nil {
		t.Fatalf("%v\ntext %q\nspans %v", err, text, a)
	}
	known := map[int]bool{rev: true}
	for _, s := range append([]Source{parent}, others...) {
		for _, sp := range s.Spans {
			known[sp.Revision] = true
		}
	}
	for _, sp := range a {
		if !known[sp.Revision] {
			t.Fatalf("revision %d comes from nowhere: %v", sp.Revision, a)
		}
	}
	if text == parent.Text && parent.Spans.Valid(text) == nil && !equal(a, parent.Spans) {
		t.Fatalf("unchanged text changed authors: %v, parent %v", a, parent.Spans)
	}
	back, err := Decode(Encode(a))
	if err != nil || !equal(back, a) {
		t.Fatalf("round trip: %v, %v", back, err)
	}
}

func TestRandomHistoriesStayValid(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 2026))
	for range 150 {
		h := &history{t: t}
		texts := []string{parA + "\n\n" + parB}
		h.save(texts[0])
		for n := 2; n <= 30; n++ {
			text := edit(r, h.texts[n-2], h.texts)
			var others []int
			for range r.IntN(4) {
				others = append(others, 1+r.IntN(n-1))
			}
			a := h.save(text, others...)
			var srcs []Source
			for _, o := range others {
				srcs = append(srcs, h.source(o))
			}
			checkAttribution(t, a, h.source(n-1), text, n, srcs)
		}
	}
}

func TestBrokenSourcesAreIgnored(t *testing.T) {
	parent := Source{Text: parA, Spans: Attribution{{Len: 3, Revision: 1}}} // covers 3 bytes only
	bad := Source{Text: parB, Spans: Attribution{{Len: len(parB), Revision: 0}}}
	a := Attribute(parent, parA+"\n\n"+parB, 4, bad)
	want := Attribution{{Len: len(parA) + 2 + len(parB), Revision: 4}}
	if !equal(a, want) {
		t.Errorf("got %v, want %v", a, want)
	}
}

func FuzzAttribute(f *testing.F) {
	f.Add(parA, parA+"\n\n"+parB, parB+"\r\n\r\n"+parA)
	f.Add("a b c", "", "a b c")
	f.Add("é\xffà", "\xe2\x82 é", "x\u0301 y")
	f.Fuzz(func(t *testing.T, v1, v2, v3 string) {
		s1 := Source{Text: v1, Spans: Attribute(Source{}, v1, 1)}
		s2 := Source{Text: v2, Spans: Attribute(s1, v2, 2)}
		checkAttribution(t, s2.Spans, s1, v2, 2, nil)
		// Of two equal paragraphs, the shortcuts may credit the other one
		// than full matching does ("0" then "0\n\n0"), so here they must
		// only agree on how many words each revision has.
		if fast, full := Words(v2, s2.Spans), Words(v2, attribute(s1, v2, 2, nil)); !maps.Equal(fast, full) {
			t.Fatalf("the shortcuts change the words per revision: %v, full %v", fast, full)
		}
		a := Attribute(s2, v3, 3, s1)
		checkAttribution(t, a, s2, v3, 3, []Source{s1})
	})
}

func FuzzDecode(f *testing.F) {
	f.Add(Encode(Attribution{{Len: 3, Revision: 2}, {Len: 400, Revision: 1}}))
	f.Add([]byte{format, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := Decode(b)
		if err != nil {
			return
		}
		if again := Encode(a); !bytes.Equal(again, b) {
			t.Fatalf("Decode accepted %x, which encodes back as %x", b, again)
		}
	})
}

// TestConcurrentCallsAgree checks the pooled buffers are never shared: the
// store attributes saves of several sheets at once.
func TestConcurrentCallsAgree(t *testing.T) {
	parent := Source{Text: parA + "\n\n" + parB, Spans: Attribution{{Len: len(parA) + 2, Revision: 1}, {Len: len(parB), Revision: 2}}}
	text := parB + "\n\n" + parBFix + "\n\n" + parA
	want := Attribute(parent, text, 3)
	errs := make(chan string, 8)
	for range 8 {
		go func() {
			for range 50 {
				if got := Attribute(parent, text, 3); !equal(got, want) {
					errs <- "concurrent call differs"
					return
				}
			}
			errs <- ""
		}()
	}
	for range 8 {
		if e := <-errs; e != "" {
			t.Fatal(e)
		}
	}
}

// TestCommonEndsMatchByteByByte checks the block comparisons against the
// plain loop they replace, around block sizes.
func TestCommonEndsMatchByteByByte(t *testing.T) {
	r := rand.New(rand.NewPCG(64, 64))
	for range 2000 {
		common := strings.Repeat("ab", r.IntN(200))
		a := common[:r.IntN(len(common)+1)] + "x" + common
		b := common[:r.IntN(len(common)+1)] + "y" + common
		if r.IntN(2) == 0 {
			a, b = common+a, common+b
		}
		n := min(len(a), len(b))
		p := 0
		for p < n && a[p] == b[p] {
			p++
		}
		s := 0
		for s < n-p && a[len(a)-1-s] == b[len(b)-1-s] {
			s++
		}
		if got := commonPrefix(a, b); got != p {
			t.Fatalf("commonPrefix = %d, want %d", got, p)
		}
		if got := commonSuffix(a, b, n-p); got != s {
			t.Fatalf("commonSuffix = %d, want %d", got, s)
		}
	}
}

func TestPiecesCutBeforeParagraphs(t *testing.T) {
	for _, s := range []string{"", "a", "a\n\nb", "a\n\n\nb\n", "a\r\n\r\nb\n\n", "\n\n", "a\n \t\nb\nc\n\n"} {
		ps := pieces(s)
		if strings.Join(ps, "") != s {
			t.Errorf("pieces(%q) = %q, do not concatenate back", s, ps)
		}
		for _, p := range ps[1:] {
			if p == "" {
				t.Errorf("pieces(%q) = %q has an empty piece", s, ps)
			}
		}
	}
	if got := pieces("a\n\nb\n\nc"); len(got) != 3 {
		t.Errorf("pieces = %q, want 3", got)
	}
}

// TestShortcutsAgreeWithFullMatching checks that the shortcuts (unchanged
// ends, paragraphs kept byte for byte) only save time: every word gets the
// revision the full matching of the whole texts would give it. Blanks may
// go to the word on the other side of a cut.
func TestShortcutsAgreeWithFullMatching(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 100 {
		h := &history{t: t}
		h.save(parA + "\n\n" + parB + "\n\n" + parE)
		for n := 2; n <= 30; n++ {
			text := edit(r, h.texts[n-2], h.texts)
			parent := h.source(n - 1)
			fast := h.save(text)
			full := attribute(parent, text, n, nil)
			if i := firstWordApart(text, fast, full); i >= 0 {
				t.Fatalf("word at %d differs\nparent %q\ntext %q\nfast %v\nfull %v", i, parent.Text, text, fast, full)
			}
		}
	}
}

// firstWordApart returns the offset of the first word a and b give
// different revisions, or -1.
func firstWordApart(text string, a, b Attribution) int {
	ra, rb := revAt(a), revAt(b)
	for _, t := range tokenize(text) {
		if t.kind == kindWord && ra(t.start) != rb(t.start) {
			return t.start
		}
	}
	return -1
}

// revAt returns a function giving the revision of a's span at an offset,
// for offsets asked in increasing order.
func revAt(a Attribution) func(int) int {
	k, end := 0, 0
	if len(a) > 0 {
		end = a[0].Len
	}
	return func(at int) int {
		for k < len(a)-1 && at >= end {
			k++
			end += a[k].Len
		}
		return a[k].Revision
	}
}
