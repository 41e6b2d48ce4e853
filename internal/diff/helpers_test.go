package diff

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"
)

// rebuild concatenates the ops of a result back into both texts.
func rebuild(res Result) (a, b string) {
	var sa, sb strings.Builder
	for _, s := range res.Sections {
		for _, op := range s.Ops {
			if op.Op != OpInsert {
				sa.WriteString(op.Text)
			}
			if op.Op != OpDelete {
				sb.WriteString(op.Text)
			}
		}
	}
	return sa.String(), sb.String()
}

func rebuildOps(ops []Op) (a, b string) {
	return rebuild(Result{Sections: []SectionDiff{{Ops: ops}}})
}

// checkOps verifies the op contract: known kinds, no empty text, no two
// adjacent ops of the same kind.
func checkOps(t testing.TB, ops []Op) {
	t.Helper()
	for i, op := range ops {
		switch op.Op {
		case OpEqual, OpInsert, OpDelete:
		default:
			t.Fatalf("op %d: unknown kind %q", i, op.Op)
		}
		if op.Text == "" {
			t.Fatalf("op %d: empty %s op", i, op.Op)
		}
		if i > 0 && ops[i-1].Op == op.Op {
			t.Fatalf("ops %d and %d: adjacent %s ops not merged", i-1, i, op.Op)
		}
	}
}

// checkResult verifies everything Compare promises about a result.
func checkResult(t testing.TB, a, b string, res Result) {
	t.Helper()
	ga, gb := rebuild(res)
	if ga != a {
		t.Fatalf("equal+delete ops do not rebuild A:\n got %q\nwant %q", ga, a)
	}
	if gb != b {
		t.Fatalf("equal+insert ops do not rebuild B:\n got %q\nwant %q", gb, b)
	}
	for _, s := range res.Sections {
		if len(s.Ops) == 0 {
			t.Fatalf("section %q has no ops", s.Heading)
		}
		checkOps(t, s.Ops)
		var eq, ins, del bool
		for i, op := range s.Ops {
			eq = eq || op.Op == OpEqual
			ins = ins || op.Op == OpInsert && !lineEndingOnly(s.Ops, i)
			del = del || op.Op == OpDelete && !lineEndingOnly(s.Ops, i)
		}
		want := StatusChanged
		switch {
		case !ins && !del:
			want = StatusSame
		case ins && !del && !eq:
			want = StatusAdded
		case del && !ins && !eq:
			want = StatusRemoved
		}
		if s.Status != want {
			t.Fatalf("section %q: status %q, want %q", s.Heading, s.Status, want)
		}
	}
	checkRows(t, a, b, res)
}

// lineEndingOnly reports whether ops[i], an insert or a delete, is just
// the "\r" of a CRLF line ending whose "\n" the other side has too: the
// next op on the same side starts with "\n" and is not of the same kind.
func lineEndingOnly(ops []Op, i int) bool {
	if ops[i].Text != "\r" {
		return false
	}
	for _, next := range ops[i+1:] {
		if next.Op == OpEqual || next.Op == ops[i].Op {
			return next.Op == OpEqual && strings.HasPrefix(next.Text, "\n")
		}
	}
	return false
}

// checkRows verifies that the rows show every line of A and of B exactly
// once, in order, with the text of the line.
func checkRows(t testing.TB, a, b string, res Result) {
	t.Helper()
	offA, offB := lineOffsets(a), lineOffsets(b)
	nextOld, nextNew := 1, 1
	for _, s := range res.Sections {
		for _, r := range s.Rows {
			if r.OldNo != 0 {
				if r.OldNo != nextOld {
					t.Fatalf("row %+v: old line %d, want %d", r, r.OldNo, nextOld)
				}
				want := a[offA[r.OldNo-1]:lineEnd(a, offA[r.OldNo-1], offA[r.OldNo])]
				if got := joinSegs(r.Old); got != want {
					t.Fatalf("old line %d: rows say %q, text has %q", r.OldNo, got, want)
				}
				nextOld++
			}
			if r.NewNo != 0 {
				if r.NewNo != nextNew {
					t.Fatalf("row %+v: new line %d, want %d", r, r.NewNo, nextNew)
				}
				want := b[offB[r.NewNo-1]:lineEnd(b, offB[r.NewNo-1], offB[r.NewNo])]
				if got := joinSegs(r.New); got != want {
					t.Fatalf("new line %d: rows say %q, text has %q", r.NewNo, got, want)
				}
				nextNew++
			}
			switch r.Kind {
			case RowEqual:
				if len(r.Old) != 1 || len(r.New) != 1 || r.Old[0] != r.New[0] || r.Old[0].Changed {
					t.Fatalf("equal row %+v: want one identical unchanged segment", r)
				}
			case RowInsert:
				if r.OldNo != 0 || len(r.Old) != 0 || r.NewNo == 0 {
					t.Fatalf("bad insert row %+v", r)
				}
			case RowDelete:
				if r.NewNo != 0 || len(r.New) != 0 || r.OldNo == 0 {
					t.Fatalf("bad delete row %+v", r)
				}
			case RowChange:
				if r.OldNo == 0 || r.NewNo == 0 {
					t.Fatalf("bad change row %+v", r)
				}
			default:
				t.Fatalf("unknown row kind %q", r.Kind)
			}
		}
	}
	if nextOld != len(offA) || nextNew != len(offB) {
		t.Fatalf("rows cover %d old and %d new lines, want %d and %d", nextOld-1, nextNew-1, len(offA)-1, len(offB)-1)
	}
}

func joinSegs(segs []Segment) string {
	var sb strings.Builder
	for _, s := range segs {
		sb.WriteString(s.Text)
	}
	return sb.String()
}

// opsString renders ops compactly for test expectations: [-del-] {+ins+}.
func opsString(ops []Op) string {
	var sb strings.Builder
	for _, op := range ops {
		switch op.Op {
		case OpDelete:
			fmt.Fprintf(&sb, "[-%s-]", op.Text)
		case OpInsert:
			fmt.Fprintf(&sb, "{+%s+}", op.Text)
		default:
			sb.WriteString(op.Text)
		}
	}
	return sb.String()
}

func segsString(segs []Segment) string {
	var sb strings.Builder
	for _, s := range segs {
		if s.Changed {
			fmt.Fprintf(&sb, "<%s>", s.Text)
		} else {
			sb.WriteString(s.Text)
		}
	}
	return sb.String()
}

var frenchWords = strings.Fields(`le la les un une des du de et à au aux en dans pour par sur avec sans
	commun communs ressource ressources jardin partagé quartier habitants association
	gouvernance collective règles accès usage entretien bénévoles réunion mensuelle
	décision consensus charte ouverte libre savoir logiciel semences bibliothèque outils
	atelier réparation vélo cuisine four pain eau source forêt rivière sentier école
	mairie commune coopérative énergie solaire toit terrain friche café habitat
	mutualisation prêt échange don partage cartographie atlas fiche contribution
	histoire origine été hiver printemps automne année membres voisins familles enfants`)

// frenchText builds a deterministic Markdown body of about size bytes:
// paragraphs on one line each, lists and "## " sections.
func frenchText(r *rand.Rand, size int) string {
	var sb strings.Builder
	sb.WriteString("Présentation du commun, écrite à plusieurs mains.\n\n")
	for sec := 1; sb.Len() < size; sec++ {
		fmt.Fprintf(&sb, "## Section %d : %s %s\n\n", sec, frenchWords[r.Intn(len(frenchWords))], frenchWords[r.Intn(len(frenchWords))])
		for p := 0; p < 6 && sb.Len() < size; p++ {
			if r.Intn(4) == 0 {
				for k := 0; k < 3+r.Intn(4); k++ {
					sb.WriteString("- ")
					writeWords(r, &sb, 4+r.Intn(8))
					sb.WriteString("\n")
				}
			} else {
				writeWords(r, &sb, 30+r.Intn(90))
				sb.WriteString("\n")
			}
			sb.WriteString("\n")
		}
	}
	return sb.String()
}

func writeWords(r *rand.Rand, sb *strings.Builder, n int) {
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteByte(' ')
		}
		w := frenchWords[r.Intn(len(frenchWords))]
		if i == 0 {
			rr, size := utf8.DecodeRuneInString(w)
			w = strings.ToUpper(string(rr)) + w[size:]
		}
		sb.WriteString(w)
		if r.Intn(12) == 0 {
			sb.WriteString(",")
		}
	}
	sb.WriteString(".")
}

// mutate changes about rate of the words of s: replaced, deleted or
// followed by a new word. Whitespace and punctuation are kept.
func mutate(r *rand.Rand, s string, rate float64) string {
	t := tokenize(s)
	var sb strings.Builder
	for i := 0; i < t.len(); i++ {
		tok := s[t.off[i]:t.off[i+1]]
		if t.kind[i] != tokWord || r.Float64() >= rate {
			sb.WriteString(tok)
			continue
		}
		switch r.Intn(3) {
		case 0:
			sb.WriteString(frenchWords[r.Intn(len(frenchWords))])
		case 1:
			// deleted
		default:
			sb.WriteString(tok + " " + frenchWords[r.Intn(len(frenchWords))])
		}
	}
	return sb.String()
}
