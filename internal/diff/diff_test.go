package diff

import (
	"math/rand"
	"strconv"
	"strings"
	"testing"
	"time"
)

type wantSection struct {
	heading, status, ops string
}

func TestCompareSections(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want []wantSection
	}{
		{"both empty", "", "", nil},
		{"identical", "Intro\n\n## Un\n\nTexte.\n", "Intro\n\n## Un\n\nTexte.\n", []wantSection{
			{"", "same", "Intro\n\n"},
			{"Un", "same", "## Un\n\nTexte.\n"},
		}},
		{"from empty", "", "## Un\nTexte.\n", []wantSection{
			{"Un", "added", "{+## Un\nTexte.\n+}"},
		}},
		{"to empty", "Intro\n## Un\nTexte.", "", []wantSection{
			{"", "removed", "[-Intro\n-]"},
			{"Un", "removed", "[-## Un\nTexte.-]"},
		}},
		{"word change", "Le chat noir dort.\n", "Le chien noir dort.\n", []wantSection{
			{"", "changed", "Le [-chat-]{+chien+} noir dort.\n"},
		}},
		{"sentence rewrite is one replacement", "Il fait beau et chaud ici.\n", "Nous irons au parc et puis voilà.\n", []wantSection{
			{"", "changed", "[-Il fait beau et chaud ici-]{+Nous irons au parc et puis voilà+}.\n"},
		}},
		{"insertion keeps trailing blank", "le chat dort\n", "le chat noir dort\n", []wantSection{
			{"", "changed", "le chat {+noir +}dort\n"},
		}},
		{"append without final newline", "a\nb", "a\nb\nc", []wantSection{
			{"", "changed", "a\nb{+\nc+}"},
		}},
		{"section added in the middle", "## Un\nx\n\n## Deux\ny\n", "## Un\nx\n\n## Neuf\nz\n\n## Deux\ny\n", []wantSection{
			{"Un", "same", "## Un\nx\n\n"},
			{"Neuf", "added", "{+## Neuf\nz\n\n+}"},
			{"Deux", "same", "## Deux\ny\n"},
		}},
		{"section removed", "## Un\nx\n\n## Deux\ny\n\n## Trois\nw\n", "## Un\nx\n\n## Trois\nw\n", []wantSection{
			{"Un", "same", "## Un\nx\n\n"},
			{"Deux", "removed", "[-## Deux\ny\n\n-]"},
			{"Trois", "same", "## Trois\nw\n"},
		}},
		{"heading renamed", "## Un\nx\n## Deux\ny\n", "## Un\nx\n## Deux bis\ny\n", []wantSection{
			{"Un", "same", "## Un\nx\n"},
			{"Deux bis", "changed", "## Deux{+ bis+}\ny\n"},
		}},
		{"block with more headings on the old side", "p\n## A\nq\n## B\nr\nfin\n", "p2\n## C\nr2\nfin\n", []wantSection{
			{"", "changed", "[-p-]{+p2+}\n"},
			{"A", "removed", "[-## A\nq\n-]"},
			{"C", "changed", "## [-B-]{+C+}\n[-r-]{+r2+}\nfin\n"},
		}},
		{"block with more headings on the new side", "p\n## A\nq\nfin\n", "p2\n## B\nr\n## C\nq2\nfin\n", []wantSection{
			{"", "changed", "[-p-]{+p2+}\n"},
			{"B", "added", "{+## B\nr\n+}"},
			{"C", "changed", "## [-A-]{+C+}\n[-q-]{+q2+}\nfin\n"},
		}},
		{"heading only in new side's fence state", "```\n## x\n```\n", "## x\n```\n", []wantSection{
			{"", "removed", "[-```\n-]"},
			{"x", "same", "## x\n```\n"},
		}},
		{"headings in fenced code do not cut", "```\n## pas un titre\n```\nfin\n", "```\n## pas un titre\n```\nfin !\n", []wantSection{
			{"", "changed", "```\n## pas un titre\n```\nfin{+ !+}\n"},
		}},
		{"crlf kept", "Un\r\nDeux\r\n", "Un\r\nTrois\r\n", []wantSection{
			{"", "changed", "Un\r\n[-Deux-]{+Trois+}\r\n"},
		}},
		// Line endings are form, not content: the "\r" of a CRLF line
		// shows in the ops (they rebuild both texts) but changes nothing.
		{"crlf to lf", "Un\r\nDeux\r\n", "Un\nDeux\n", []wantSection{
			{"", "same", "Un[-\r-]\nDeux[-\r-]\n"},
		}},
		{"lf to crlf", "Un\n\n## Deux\nx\n", "Un\r\n\r\n## Deux\r\nx\r\n", []wantSection{
			{"", "same", "Un{+\r+}\n{+\r+}\n"},
			{"Deux", "same", "## Deux{+\r+}\nx{+\r+}\n"},
		}},
		{"browser edit of one word of an lf text", "Le chat\n\nnoir dort.\n", "Le chat\r\n\r\nnoir mange.\r\n", []wantSection{
			{"", "changed", "Le chat{+\r+}\n{+\r+}\nnoir [-dort-]{+mange+}.{+\r+}\n"},
		}},
		{"crlf edit of two lines in a block", "un deux\r\ntrois quatre\r\n", "un 2\ntrois 4\n", []wantSection{
			{"", "changed", "un [-deux-]{+2+}[-\r-]\ntrois [-quatre-]{+4+}[-\r-]\n"},
		}},
		{"lone cr is content", "a\rb\n", "ab\n", []wantSection{
			{"", "changed", "[-a\rb-]{+ab+}\n"},
		}},
		{"cr before crlf is content", "x\r\r\n", "x\r\n", []wantSection{
			{"", "changed", "x[-\r-]\r\n"},
		}},
		{"final line ending still counts", "a\r\nb", "a\nb\n", []wantSection{
			{"", "changed", "a[-\r-]\nb{+\n+}"},
		}},
		{"nbsp and emoji", "Prix\u00a0: 3 €\nJoie 🎉\n", "Prix\u00a0: 4 €\nJoie 🎉🎊\n", []wantSection{
			{"", "changed", "Prix\u00a0: [-3-]{+4+} €\nJoie 🎉{+🎊+}\n"},
		}},
		{"invalid utf-8", "a\xff\xfeb\n", "a\xffb\n", []wantSection{
			{"", "changed", "a\xff[-\xfe-]b\n"},
		}},
		{"preamble appears", "## Un\nx\n", "Intro\n## Un\nx\n", []wantSection{
			{"", "added", "{+Intro\n+}"},
			{"Un", "same", "## Un\nx\n"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Compare(tt.a, tt.b, Options{})
			checkResult(t, tt.a, tt.b, res)
			if res.Truncated {
				t.Errorf("Truncated on a tiny diff")
			}
			var got []wantSection
			for _, s := range res.Sections {
				got = append(got, wantSection{s.Heading, s.Status, opsString(s.Ops)})
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d sections %q, want %d %q", len(got), got, len(tt.want), tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("section %d:\n got %q\nwant %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestCompareStats(t *testing.T) {
	a := "Le chat noir dort sur le tapis du salon.\nFin.\n"
	b := "Le gros chien dort sur le tapis du salon bien.\nFin.\nSuite et fin\n"
	res := Compare(a, b, Options{})
	checkResult(t, a, b, res)
	// "chat noir" → "gros chien", plus "bien", plus a line of three words.
	if want := (Stats{InsertedWords: 6, DeletedWords: 2}); res.Stats != want {
		t.Errorf("stats %+v, want %+v (ops %s)", res.Stats, want, opsString(res.Sections[0].Ops))
	}
}

func TestWords(t *testing.T) {
	tests := []struct{ name, a, b, want string }{
		{"same", "Jardin partagé", "Jardin partagé", "Jardin partagé"},
		{"empty", "", "", ""},
		{"added", "", "Four à pain", "{+Four à pain+}"},
		{"removed", "Four à pain", "", "[-Four à pain-]"},
		{"one word", "Jardin partagé du quartier", "Jardin collectif du quartier", "Jardin [-partagé-]{+collectif+} du quartier"},
		{"punctuation", "Atelier vélo", "Atelier vélo !", "Atelier vélo{+ !+}"},
		{"accents", "été", "étés", "[-été-]{+étés+}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ops := Words(tt.a, tt.b, 0)
			checkOps(t, ops)
			if a, b := rebuildOps(ops); a != tt.a || b != tt.b {
				t.Fatalf("ops rebuild %q, %q", a, b)
			}
			if got := opsString(ops); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRows(t *testing.T) {
	a := "Titre\n\nLe chat noir dort.\nligne supprimée\n"
	b := "Titre\n\nLe chien noir dort.\n"
	res := Compare(a, b, Options{})
	checkResult(t, a, b, res)
	type row struct {
		kind         string
		oldNo, newNo int
		old, new     string
	}
	want := []row{
		{RowEqual, 1, 1, "Titre", "Titre"},
		{RowEqual, 2, 2, "", ""},
		{RowChange, 3, 3, "Le <chat> noir dort.", "Le <chien> noir dort."},
		{RowDelete, 4, 0, "<ligne supprimée>", ""},
	}
	rows := res.Sections[0].Rows
	if len(rows) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v", len(rows), len(want), rows)
	}
	for i, r := range rows {
		got := row{r.Kind, r.OldNo, r.NewNo, segsString(r.Old), segsString(r.New)}
		if got != want[i] {
			t.Errorf("row %d: got %+v, want %+v", i, got, want[i])
		}
	}
}

func TestContext(t *testing.T) {
	var a, b strings.Builder
	for i := 1; i <= 20; i++ {
		line := "ligne " + strings.Repeat("x", i) + "\n"
		a.WriteString(line)
		if i == 10 {
			line = "changée\n"
		}
		b.WriteString(line)
	}
	res := Compare(a.String(), b.String(), Options{})
	checkResult(t, a.String(), b.String(), res)
	s := res.Sections[0]
	tests := []struct {
		n    int
		want string
	}{
		{-1, strings.Repeat("=", 9) + "~" + strings.Repeat("=", 10)},
		{0, "s9~s10"},
		{2, "s7==~==s8"},
		{8, strings.Repeat("=", 9) + "~" + strings.Repeat("=", 8) + "s2"},
		{7, "s2" + strings.Repeat("=", 7) + "~" + strings.Repeat("=", 7) + "s3"},
		{9, strings.Repeat("=", 9) + "~" + strings.Repeat("=", 9) + "="},
	}
	for _, tt := range tests {
		var sb strings.Builder
		for _, r := range s.Context(tt.n) {
			switch r.Kind {
			case RowEqual:
				sb.WriteString("=")
			case RowSkip:
				sb.WriteString("s" + strconv.Itoa(r.Skipped))
			default:
				sb.WriteString("~")
			}
		}
		if got := sb.String(); got != tt.want {
			t.Errorf("Context(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
	same := SectionDiff{Rows: s.Rows[:5]}
	if got := same.Context(3); len(got) != 1 || got[0].Kind != RowSkip || got[0].Skipped != 5 || got[0].OldNo != 1 {
		t.Errorf("unchanged section folds to %+v", got)
	}
}

func TestManyDistinctLines(t *testing.T) {
	// More than 65k distinct lines, beyond go-diff's historical limit.
	var a, b strings.Builder
	for i := 0; i < 70000; i++ {
		line := "l" + strconv.Itoa(i) + "\n"
		a.WriteString(line)
		if i%10000 == 5 {
			line = "changed " + line
		}
		b.WriteString(line)
	}
	res := Compare(a.String(), b.String(), Options{Timeout: 10 * time.Second})
	checkResult(t, a.String(), b.String(), res)
	if res.Truncated {
		t.Fatal("truncated")
	}
	if res.Stats.InsertedWords != 7 || res.Stats.DeletedWords != 0 {
		t.Errorf("stats %+v, want 7 inserted words", res.Stats)
	}
}

func TestCompareLargeWithinBound(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	big := frenchText(r, 1<<20)
	cases := []struct {
		name string
		a, b string
	}{
		{"1% of words", big, mutate(r, big, 0.01)},
		{"every line changed", big, mutate(r, big, 0.3)},
		{"unrelated texts", big, frenchText(rand.New(rand.NewSource(8)), 1<<20)},
		{"one huge line each", strings.ReplaceAll(big, "\n", " "), strings.ReplaceAll(mutate(r, big, 0.2), "\n", " ")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			const bound = 200 * time.Millisecond
			start := time.Now()
			res := Compare(tc.a, tc.b, Options{Timeout: bound})
			elapsed := time.Since(start)
			checkResult(t, tc.a, tc.b, res)
			// Generous sanity cap: the bound plus linear work around it.
			if elapsed > 10*time.Second {
				t.Fatalf("took %v with a %v bound", elapsed, bound)
			}
			t.Logf("%v, truncated=%v, %d sections", elapsed, res.Truncated, len(res.Sections))
		})
	}
	t.Run("tiny bound degrades", func(t *testing.T) {
		a, b := big, mutate(r, big, 0.05)
		res := Compare(a, b, Options{Timeout: time.Nanosecond})
		checkResult(t, a, b, res)
		if !res.Truncated {
			t.Error("a 1ns bound should truncate")
		}
	})
}
