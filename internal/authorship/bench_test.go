package authorship

import (
	"math/rand/v2"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

var frenchWords = strings.Fields(`le la les un une des du de et à au aux en dans sur sous pour par avec sans
jardin partagé quartier commune habitants association bénévoles récolte légumes tomates courges
semences grainothèque compost composteur arrosage pluie été hiver printemps automne samedi matin
réunion assemblée décision collectif gouvernance charte règles entretien outils cabane clé cadenas
parcelle bac potager verger arbres fruitiers pommiers abeilles ruche miel fleurs haie mare oiseaux
chacun peut venir planter arroser discuter apprendre partager échanger proposer organiser accueillir
mairie financement subvention budget cotisation adhésion atelier formation enfants école voisins
aujourd'hui peut-être très souvent toujours jamais ensemble ouvert fermé gratuit libre public commun`)

// frenchSheet builds a Markdown sheet of about size bytes: headings,
// paragraphs of sentences, a list now and then.
func frenchSheet(r *rand.Rand, size int) string {
	var b strings.Builder
	for b.Len() < size {
		switch r.IntN(6) {
		case 0:
			b.WriteString("## " + sentence(r, 3) + "\n\n")
		case 1:
			for range 2 + r.IntN(4) {
				b.WriteString("- " + sentence(r, 4+r.IntN(6)) + "\n")
			}
			b.WriteString("\n")
		default:
			for range 3 + r.IntN(4) {
				b.WriteString(sentence(r, 8+r.IntN(14)) + ". ")
			}
			b.WriteString("\n\n")
		}
	}
	return b.String()
}

func sentence(r *rand.Rand, n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = frenchWords[r.IntN(len(frenchWords))]
	}
	ws[0] = strings.ToUpper(ws[0][:1]) + ws[0][1:]
	return strings.Join(ws, " ")
}

// editParagraph changes a few words of one paragraph in the middle.
func editParagraph(r *rand.Rand, text string) string {
	ps := strings.Split(text, "\n\n")
	i := len(ps) / 2
	ws := strings.Split(ps[i], " ")
	for range 3 {
		ws[r.IntN(len(ws))] = frenchWords[r.IntN(len(frenchWords))]
	}
	ps[i] = strings.Join(ws, " ") + " " + sentence(r, 10) + "."
	return strings.Join(ps, "\n\n")
}

// benchHistory builds ten revisions of a 50 KB sheet, each editing one
// paragraph, so the parent's attribution has many spans.
func benchHistory(b *testing.B) (parent Source, next string, recent []Source) {
	r := rand.New(rand.NewPCG(50, 1024))
	text := frenchSheet(r, 50<<10)
	src := Source{Text: text, Spans: Attribute(Source{}, text, 1)}
	var all []Source
	for n := 2; n <= 10; n++ {
		all = append(all, src)
		text = editParagraph(r, text)
		src = Source{Text: text, Spans: Attribute(src, text, n)}
	}
	return src, editParagraph(r, text), all[len(all)-3:]
}

func BenchmarkAttribute50KBOneParagraph(b *testing.B) {
	parent, next, _ := benchHistory(b)
	b.SetBytes(int64(len(next)))
	benchP50(b, func() { Attribute(parent, next, 11) })
}

func BenchmarkAttribute50KBWithThreeRecentSources(b *testing.B) {
	parent, next, recent := benchHistory(b)
	b.SetBytes(int64(len(next)))
	benchP50(b, func() { Attribute(parent, next, 11, recent...) })
}

func BenchmarkEncodeDecode(b *testing.B) {
	parent, _, _ := benchHistory(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(Encode(parent.Spans)); err != nil {
			b.Fatal(err)
		}
	}
}

// benchP50 runs f b.N times and reports the median call as p50-ns beside
// the mean ns/op (a save's budget is stated as a median), and the process's
// CPU time per call as cpu-ns/op, which stays meaningful on a machine
// shared with other work, where wall-clock times are not.
func benchP50(b *testing.B, f func()) {
	b.ReportAllocs()
	times := make([]time.Duration, 0, b.N)
	cpu0 := cpuTime()
	for b.Loop() {
		start := time.Now()
		f()
		times = append(times, time.Since(start))
	}
	cpu := cpuTime() - cpu0
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(len(times)), "cpu-ns/op")
}

// cpuTime is the user and system time this process has used.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

func BenchmarkTokenize50KB(b *testing.B) {
	text := frenchSheet(rand.New(rand.NewPCG(50, 1024)), 50<<10)
	b.SetBytes(int64(len(text)))
	benchP50(b, func() { tokenize(text) })
}

// BenchmarkAttribute1MBRewrite is the worst size a sheet may have, every
// paragraph rewritten: nothing is shared but the vocabulary.
func BenchmarkAttribute1MBRewrite(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	old := frenchSheet(r, 1<<20)
	parent := Source{Text: old, Spans: Attribute(Source{}, old, 1)}
	next := frenchSheet(r, 1<<20)
	b.SetBytes(int64(len(next)))
	benchP50(b, func() { Attribute(parent, next, 2) })
}

// BenchmarkAttribute50KBFirstParagraphMovedLast is the case the unchanged
// ends do not shorten: the changed middle is the whole sheet.
func BenchmarkAttribute50KBFirstParagraphMovedLast(b *testing.B) {
	parent, next, _ := benchHistory(b)
	first, rest, _ := strings.Cut(next, "\n\n")
	next = rest + "\n\n" + first
	b.SetBytes(int64(len(next)))
	benchP50(b, func() { Attribute(parent, next, 11) })
}
