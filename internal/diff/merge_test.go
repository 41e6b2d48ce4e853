package diff

import (
	"math/rand"
	"strings"
	"testing"
)

// editParagraphs rewrites some words of every fourth line, starting at
// line 2*parity, so that two calls with different parities never touch
// neighboring lines.
func editParagraphs(r *rand.Rand, s string, parity int) string {
	off := lineOffsets(s)
	var sb strings.Builder
	for i := 0; i+1 < len(off); i++ {
		line := s[off[i]:off[i+1]]
		if i%4 == 2*parity && r.Intn(2) == 0 {
			line = mutate(r, line, 0.1)
		}
		sb.WriteString(line)
	}
	return sb.String()
}

func TestMerge3(t *testing.T) {
	base := "Intro\n\n## Un\n\nPremier paragraphe.\n\nDeuxième paragraphe.\n\n## Deux\n\nFin.\n"
	tests := []struct {
		name, base, mine, theirs string
		want                     string
		conflicts                []Conflict
	}{
		{"mine only", base, strings.Replace(base, "Premier", "Tout premier", 1), base,
			strings.Replace(base, "Premier", "Tout premier", 1), nil},
		{"theirs only", base, base, strings.Replace(base, "Fin.", "La fin.", 1),
			strings.Replace(base, "Fin.", "La fin.", 1), nil},
		{"paragraphs separated by a blank line",
			base,
			strings.Replace(base, "Premier paragraphe.", "Premier paragraphe modifié.", 1),
			strings.Replace(base, "Deuxième paragraphe.", "Deuxième paragraphe retouché.", 1),
			strings.Replace(strings.Replace(base, "Premier paragraphe.", "Premier paragraphe modifié.", 1),
				"Deuxième paragraphe.", "Deuxième paragraphe retouché.", 1), nil},
		{"different sections", base,
			strings.Replace(base, "Intro", "Introduction", 1),
			strings.Replace(base, "Fin.", "Fin.\nPost-scriptum.", 1),
			strings.Replace(strings.Replace(base, "Intro", "Introduction", 1), "Fin.", "Fin.\nPost-scriptum.", 1), nil},
		{"same change on both sides", base,
			strings.Replace(base, "Fin.", "Conclusion.", 1),
			strings.Replace(base, "Fin.", "Conclusion.", 1),
			strings.Replace(base, "Fin.", "Conclusion.", 1), nil},
		{"same change plus another", base,
			strings.Replace(strings.Replace(base, "Fin.", "Conclusion.", 1), "Intro", "Préambule", 1),
			strings.Replace(base, "Fin.", "Conclusion.", 1),
			strings.Replace(strings.Replace(base, "Fin.", "Conclusion.", 1), "Intro", "Préambule", 1), nil},
		{"same line changed differently", base,
			strings.Replace(base, "Premier paragraphe.", "Mon paragraphe.", 1),
			strings.Replace(base, "Premier paragraphe.", "Leur paragraphe.", 1),
			strings.Replace(base, "Premier paragraphe.", "Mon paragraphe.", 1),
			[]Conflict{{Section: "Un", Base: "Premier paragraphe.\n", Mine: "Mon paragraphe.\n", Theirs: "Leur paragraphe.\n"}}},
		{"adjacent lines conflict", "a\nb\nc\n", "a\nB\nc\n", "a\nb\nC\n", "a\nB\nc\n",
			[]Conflict{{Base: "b\nc\n", Mine: "B\nc\n", Theirs: "b\nC\n"}}},
		{"different insertions at the same point", "a\nb\n", "a\nx\nb\n", "a\ny\nb\n", "a\nx\nb\n",
			[]Conflict{{Base: "", Mine: "x\n", Theirs: "y\n"}}},
		{"same insertion at the same point", "a\nb\n", "a\nx\nb\n", "a\nx\nb\n", "a\nx\nb\n", nil},
		{"delete vs edit", "a\n\nb\n\nc\n", "a\n\nc\n", "a\n\nB\n\nc\n", "a\n\nc\n",
			[]Conflict{{Base: "b\n\n", Mine: "", Theirs: "B\n\n"}}},
		{"both append without final newline", "a\nb", "a\nb\nc", "a\nb\nd", "a\nb\nc",
			[]Conflict{{Base: "", Mine: "c", Theirs: "d"}}},
		{"append and edit, no final newline", "a\n\nb", "A\n\nb", "a\n\nb\nc", "A\n\nb\nc", nil},
		{"edit last line, no final newline", "a\n\nb", "A\n\nb", "a\n\nB", "A\n\nB", nil},
		{"add final newline and edit", "a\n\nb", "a\n\nb\n", "A\n\nb", "A\n\nb\n", nil},
		{"remove final newline and append", "a\n\nb\n", "a\n\nb", "A\n\nb\n", "A\n\nb", nil},
		{"crlf append without final newline", "a\r\n\r\nb", "A\r\n\r\nb", "a\r\n\r\nb\r\nc", "A\r\n\r\nb\r\nc", nil},
		{"empty base", "", "x\n", "y\n", "x\n", []Conflict{{Mine: "x\n", Theirs: "y\n"}}},
		{"conflict names the base section", "## A\nx\n\n## B\ny\n", "## A\nx\n\n## B\ny1\n", "## A\nx\n\n## B\ny2\n",
			"## A\nx\n\n## B\ny1\n", []Conflict{{Section: "B", Base: "y\n", Mine: "y1\n", Theirs: "y2\n"}}},
		{"insertion conflict belongs to the section before", "## A\nx\n## B\ny\n", "## A\nx\nm\n## B\ny\n", "## A\nx\nt\n## B\ny\n",
			"## A\nx\nm\n## B\ny\n", []Conflict{{Section: "A", Mine: "m\n", Theirs: "t\n"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, f := range []func(b, x, y string) (string, []Conflict){Merge3, func(b, x, y string) (string, []Conflict) { return merge3(b, x, y, false) }} {
				got, conflicts := f(tt.base, tt.mine, tt.theirs)
				if got != tt.want {
					t.Errorf("merged:\n got %q\nwant %q", got, tt.want)
				}
				if len(conflicts) != len(tt.conflicts) {
					t.Fatalf("conflicts %+v, want %+v", conflicts, tt.conflicts)
				}
				for i := range conflicts {
					if conflicts[i] != tt.conflicts[i] {
						t.Errorf("conflict %d: got %+v, want %+v", i, conflicts[i], tt.conflicts[i])
					}
				}
			}
		})
	}
}

func TestMerge3Properties(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for i := 0; i < 200; i++ {
		base := frenchText(r, 1+r.Intn(3000))
		if r.Intn(3) == 0 {
			base = strings.TrimSuffix(base, "\n")
		}
		x, y := mutate(r, base, 0.05), mutate(r, base, 0.05)
		checkMergeProperties(t, base, x, y)
	}
	// Clean merges of disjoint edits hold both sides' changes.
	for i := 0; i < 50; i++ {
		base := frenchText(r, 5000)
		x, y := editParagraphs(r, base, 0), editParagraphs(r, base, 1)
		got, conflicts := Merge3(base, x, y)
		if len(conflicts) > 0 {
			t.Fatalf("disjoint edits conflict: %+v", conflicts)
		}
		if want := mergeLinesByHand(base, x, y); got != want {
			t.Fatalf("merge lost a change:\n got %q\nwant %q", got, want)
		}
	}
}

// mergeLinesByHand merges versions that keep base's line count, taking
// each line from whichever side changed it.
func mergeLinesByHand(base, x, y string) string {
	ob, ox, oy := lineOffsets(base), lineOffsets(x), lineOffsets(y)
	var sb strings.Builder
	for i := 0; i+1 < len(ob); i++ {
		lb, lx, ly := base[ob[i]:ob[i+1]], x[ox[i]:ox[i+1]], y[oy[i]:oy[i+1]]
		if lx != lb {
			sb.WriteString(lx)
		} else {
			sb.WriteString(ly)
		}
	}
	return sb.String()
}

func checkMergeProperties(t testing.TB, base, x, y string) {
	t.Helper()
	for _, c := range []struct {
		name          string
		b, mine, them string
		want          string
	}{
		{"merge(b,x,b)=x", base, x, base, x},
		{"merge(b,b,y)=y", base, base, y, y},
		{"merge(b,x,x)=x", base, x, x, x},
	} {
		// merge3 skips Merge3's shortcuts, so the real algorithm is checked.
		got, conflicts := merge3(c.b, c.mine, c.them, false)
		if len(conflicts) > 0 || got != c.want {
			t.Fatalf("%s broken for b=%q x=%q:\n got %q (%d conflicts)\nwant %q", c.name, c.b, c.mine, got, len(conflicts), c.want)
		}
	}
	m1, c1 := merge3(base, x, y, false)
	m2, c2 := merge3(base, y, x, false)
	// Where both sides rewrote the line endings of an unchanged line
	// differently, each order keeps its saver's: the texts then agree
	// once line endings are read alike.
	same := m1 == m2
	if strings.Contains(base+x+y, "\r") {
		same = lf(m1) == lf(m2)
	}
	if (len(c1) == 0) != (len(c2) == 0) || len(c1) == 0 && !same {
		t.Fatalf("merge not symmetric for b=%q x=%q y=%q:\n%q %v\n%q %v", base, x, y, m1, c1, m2, c2)
	}
	for _, c := range c1 {
		if !strings.Contains(base, c.Base) || !strings.Contains(x, c.Mine) || !strings.Contains(y, c.Theirs) {
			t.Fatalf("conflict %+v does not quote the texts", c)
		}
	}
}

func FuzzMerge3(f *testing.F) {
	f.Add("a\nb\nc\n", "a\nB\nc\n", "a\nb\nC\n")
	f.Add("a\nb", "a\nb\nc", "a\nb\nd")
	f.Add("a\n\nb", "A\n\nb", "a\n\nb\nc")
	f.Add("a\r\nb", "a\r\nb\r\n", "x\r\nb")
	f.Add("", "x", "")
	f.Add("## A\nx\n\n## B\ny\n", "## A\nx2\n\n## B\ny\n", "## A\nx\n\n## B\ny2\n")
	f.Add("a\nb\r", "a\nb\r\nc", "A\nb\r")
	f.Add("a\nb\nc\n", "a\r\nB\r\nc\r\n", "a\nb\nC\n")
	f.Add("## A\nx\n\ny\n\nz\n", "## A\r\nx2\r\n\r\ny\r\n\r\nz\r\n", "## A\nx\n\ny\n\nz2\n")
	f.Fuzz(func(t *testing.T, base, x, y string) {
		checkMergeProperties(t, base, x, y)
		merged, conflicts := Merge3(base, x, y)
		if len(conflicts) == 0 && (x == base && merged != y || y == base && merged != x) {
			t.Fatalf("Merge3 shortcut broken")
		}
		// The same texts with other line endings merge the same way: each
		// of the three written LF or CRLF, the merge has the same
		// conflicts and the same text once line endings are read alike.
		lb, lx, ly := pureLF(base), pureLF(x), pureLF(y)
		want, wantConflicts := merge3(lb, lx, ly, false)
		for v := 1; v < 8; v++ {
			vb, vx, vy := ending(lb, v&1 != 0), ending(lx, v&2 != 0), ending(ly, v&4 != 0)
			checkMergeProperties(t, vb, vx, vy)
			got, gotConflicts := merge3(vb, vx, vy, false)
			if len(gotConflicts) != len(wantConflicts) || lf(got) != lf(want) {
				t.Fatalf("variant %d of b=%q x=%q y=%q:\n got %q (%d conflicts)\nwant %q (%d conflicts)",
					v, base, x, y, got, len(gotConflicts), want, len(wantConflicts))
			}
			for i, c := range gotConflicts {
				w := wantConflicts[i]
				if c.Section != w.Section || lf(c.Base) != lf(w.Base) || lf(c.Mine) != lf(w.Mine) || lf(c.Theirs) != lf(w.Theirs) {
					t.Fatalf("variant %d: conflict %+v, want %+v", v, c, w)
				}
			}
		}
	})
}

// lf reads every "\r\n" of s as "\n", as the diff and the merge do.
func lf(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

// pureLF removes every "\r" before a "\n", so that no line of the result
// ends in "\r" and ending can write it back in CRLF faithfully.
func pureLF(s string) string {
	for strings.Contains(s, "\r\n") {
		s = lf(s)
	}
	return s
}

// ending writes the LF text s with CRLF line endings when crlf is set.
func ending(s string, crlf bool) string {
	if !crlf {
		return s
	}
	return strings.ReplaceAll(s, "\n", "\r\n")
}

// TestMerge3LineEndings: a browser sends CRLF, the API LF; the same words
// merge as if both wrote the same line endings.
func TestMerge3LineEndings(t *testing.T) {
	base := "## Un\n\nPremier paragraphe.\n\nDeuxième paragraphe.\n\nTroisième paragraphe.\n"
	browser := ending(strings.Replace(base, "Premier", "Tout premier", 1), true)
	api := strings.Replace(base, "Troisième", "Dernier", 1)
	tests := []struct {
		name, base, mine, theirs string
		want                     string
		conflicts                int
	}{
		// The saver's text gives the bytes of what neither side changed.
		{"browser saves after the api", base, browser, api,
			"## Un\r\n\r\nTout premier paragraphe.\r\n\r\nDeuxième paragraphe.\r\n\r\nDernier paragraphe.\n", 0},
		// The saver kept base's line endings: theirs, who rewrote them,
		// keeps its own.
		{"api saves after the browser", base, api, browser,
			"## Un\r\n\r\nTout premier paragraphe.\r\n\r\nDeuxième paragraphe.\r\n\r\nDernier paragraphe.\n", 0},
		{"crlf base, lf edits", ending(base, true), api, ending(base, true), api, 0},
		{"line endings alone change nothing", base, ending(base, true), api,
			"## Un\r\n\r\nPremier paragraphe.\r\n\r\nDeuxième paragraphe.\r\n\r\nDernier paragraphe.\n", 0},
		{"same paragraph still conflicts", base, browser, strings.Replace(base, "Premier", "Le premier", 1),
			"## Un\r\n\r\nTout premier paragraphe.\r\n\r\nDeuxième paragraphe.\r\n\r\nTroisième paragraphe.\r\n", 1},
		{"same change with other endings is taken once", base, browser, strings.Replace(base, "Premier", "Tout premier", 1), browser, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, f := range []func(b, x, y string) (string, []Conflict){Merge3, func(b, x, y string) (string, []Conflict) { return merge3(b, x, y, false) }} {
				got, conflicts := f(tt.base, tt.mine, tt.theirs)
				if got != tt.want || len(conflicts) != tt.conflicts {
					t.Fatalf("merged %q (%d conflicts)\nwant   %q (%d)", got, len(conflicts), tt.want, tt.conflicts)
				}
			}
			checkMergeProperties(t, tt.base, tt.mine, tt.theirs)
		})
	}
	// Larger texts: disjoint paragraph edits, one side in CRLF, merge
	// cleanly in both orders and hold both sides' words.
	r := rand.New(rand.NewSource(11))
	for i := 0; i < 30; i++ {
		b := frenchText(r, 4000)
		x, y := editParagraphs(r, b, 0), editParagraphs(r, b, 1)
		want := mergeLinesByHand(b, x, y)
		for _, order := range [][2]string{{ending(x, true), y}, {y, ending(x, true)}} {
			got, conflicts := Merge3(b, order[0], order[1])
			if len(conflicts) > 0 || lf(got) != want {
				t.Fatalf("disjoint edits with CRLF on one side: %d conflicts, merged %q\nwant %q", len(conflicts), got, want)
			}
		}
	}
}

func TestMerge3BothKeepsEachSideOfAConflict(t *testing.T) {
	base := "a\nb\nc\n"
	got, conflicts := Merge3Both(base, "a\nB1\nc\n", "a\nB2\nc\n")
	if len(conflicts) != 1 || got != "a\nB1\nB2\nc\n" {
		t.Fatalf("got %q, %d conflicts", got, len(conflicts))
	}
	got, conflicts = Merge3Both("x\ny\nz", "X\ny\nz", "x\ny\nZ")
	if len(conflicts) != 0 || got != "X\ny\nZ" {
		t.Fatalf("clean merge: got %q, %d conflicts", got, len(conflicts))
	}
}
