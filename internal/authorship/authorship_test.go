package authorship

import (
	"strconv"
	"strings"
	"testing"
)

// history replays edits, each by its revision number, keeping every version
// so a test can pass older ones as sources.
type history struct {
	t     *testing.T
	texts []string
	attrs []Attribution
}

func (h *history) source(n int) Source {
	return Source{Text: h.texts[n-1], Spans: h.attrs[n-1]}
}

// save records text as the next revision, attributed from the last one and
// the given older revisions.
func (h *history) save(text string, others ...int) Attribution {
	h.t.Helper()
	n := len(h.texts) + 1
	var parent Source
	if n > 1 {
		parent = h.source(n - 1)
	}
	var srcs []Source
	for _, o := range others {
		srcs = append(srcs, h.source(o))
	}
	a := Attribute(parent, text, n, srcs...)
	if err := a.Valid(text); err != nil {
		h.t.Fatalf("revision %d: %v\n%q\n%v", n, err, text, a)
	}
	h.texts, h.attrs = append(h.texts, text), append(h.attrs, a)
	return a
}

// owners returns each token of the last revision with its revision, as
// "word:rev" separated by spaces.
func (h *history) owners() string { return h.ownersOf(false) }

// wordOwners is owners without punctuation, for histories where which
// point a point comes from is a matter of taste.
func (h *history) wordOwners() string { return h.ownersOf(true) }

func (h *history) ownersOf(wordsOnly bool) string {
	text, a := h.texts[len(h.texts)-1], h.attrs[len(h.attrs)-1]
	var b strings.Builder
	k, end := 0, a[0].Len
	for _, t := range tokenize(text) {
		for t.start >= end {
			k++
			end += a[k].Len
		}
		if wordsOnly && t.kind != kindWord {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(text[t.start:t.end])
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(a[k].Revision))
	}
	return b.String()
}

func TestTokenEdits(t *testing.T) {
	h := &history{t: t}
	h.save("Le jardin partagé ouvre le samedi.")
	h.save("Le jardin partagé ouvre le samedi et le dimanche.")
	want := "Le:1 jardin:1 partagé:1 ouvre:1 le:1 samedi:1 et:2 le:2 dimanche:2 .:1"
	if got := h.owners(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
