package authorship

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Paragraphs of the scenario. B writes "cabanne", A fixes it.
const (
	parA     = "Le jardin partagé du quartier ouvre ses portes chaque samedi matin. Chacun peut y venir planter, arroser ou simplement discuter."
	parB     = "Les outils sont rangés dans la cabanne bleue. Merci de les ramener après usage, et de fermer le cadenas."
	parBFix  = "Les outils sont rangés dans la cabane bleue. Merci de les ramener après usage, et de fermer le cadenas."
	parE     = "Une nouvelle récolte de tomates est prévue pour la fin du mois."
	revA     = 1
	revB     = 2
	revAFix  = 3
	revCMove = 4
)

// tagged returns the words of text as owners writes them, all for rev.
func tagged(text string, rev int) string {
	var parts []string
	for _, t := range tokenize(text) {
		parts = append(parts, text[t.start:t.end]+":"+strconv.Itoa(rev))
	}
	return strings.Join(parts, " ")
}

// scenario plays the history up to C's move, revision 4.
func scenario(t *testing.T) *history {
	h := &history{t: t}
	h.save(parA)
	h.save(parA + "\n\n" + parB)
	h.save(parA + "\n\n" + parBFix)
	h.save(parBFix + "\n\n" + parA)
	return h
}

// wantAfterMove is the true authorship of revision 4's text.
var wantAfterMove = strings.Replace(tagged(parBFix, revB), "cabane:2", "cabane:3", 1) + " " + tagged(parA, revA)

func check(t *testing.T, h *history, want string) {
	t.Helper()
	if got := h.owners(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestScenarioEachWordToItsAuthor(t *testing.T) {
	h := scenario(t)
	check(t, h, wantAfterMove)
	h.save("")                                 // D deletes everything
	a := h.save(parBFix+"\n\n"+parA, revCMove) // E restores revision 4
	check(t, h, wantAfterMove)
	if w := Words(h.texts[5], a); w[6] != 0 || w[revAFix] != 1 {
		t.Errorf("words per revision after the restore: %v", w)
	}
}

func TestManualRevertOfVandalism(t *testing.T) {
	h := scenario(t)
	h.save(strings.Replace(parBFix, "bleue", "MOCHE", 1) + "\n\nN'IMPORTE QUOI !!!") // D, revision 5
	// E pastes revision 4 back; the store passes only the recent versions.
	h.save(parBFix+"\n\n"+parA, 2, 3, 4)
	check(t, h, wantAfterMove)
}

func TestManualRevertThenNewWords(t *testing.T) {
	h := scenario(t)
	h.save("") // D, revision 5
	h.save(parBFix+"\n\n"+parA+"\n\n"+parE, 2, 3, 4)
	check(t, h, wantAfterMove+" "+tagged(parE, 6))
}

func TestOlderSourceWinsForAParagraphSeenTwice(t *testing.T) {
	text := parA + "\n\n" + parB
	// The parent credits parA to revision 5 (a revert an older algorithm
	// missed); an older source credits it to revision 1.
	parent := Source{Text: text, Spans: Attribution{{Len: len(parA) + 2, Revision: 5}, {Len: len(parB), Revision: 2}}}
	older := Source{Text: parA, Spans: Attribution{{Len: len(parA), Revision: 1}}}
	a := Attribute(parent, parB+"\n\n"+parA, 7, older)
	want := Attribution{{Len: len(parB) + 2, Revision: 2}, {Len: len(parA), Revision: 1}}
	if !equal(a, want) {
		t.Errorf("got %v, want %v", a, want)
	}
}

func TestMovedParagraphWithAnEditKeepsItsOtherWords(t *testing.T) {
	h := &history{t: t}
	h.save(parA + "\n\n" + parB)
	h.save(parB + "\n\n" + strings.Replace(parA, "samedi", "dimanche", 1))
	check(t, h, tagged(parB, 1)+" "+strings.Replace(tagged(parA, 1), "samedi:1", "dimanche:2", 1))
}

func TestOneLetterFixStealsOnlyThatWord(t *testing.T) {
	h := &history{t: t}
	h.save(parA + "\n\n" + parB)
	h.save(parA + "\n\n" + parBFix)
	check(t, h, tagged(parA, 1)+" "+strings.Replace(tagged(parBFix, 1), "cabane:1", "cabane:2", 1))
}

func TestRewrapKeepsEveryWord(t *testing.T) {
	h := &history{t: t}
	h.save(parA + "\n\n" + parB)
	h.save(wrap(parA, 30) + "\n\n" + wrap(parB, 45))
	check(t, h, tagged(parA+" "+parB, 1))
	// Re-wrapped again, with one word changed: only that word moves.
	h.save(wrap(parA, 50) + "\n\n" + wrap(strings.Replace(parB, "bleue", "verte", 1), 20))
	check(t, h, tagged(parA, 1)+" "+strings.Replace(tagged(parB, 1), "bleue:1", "verte:3", 1))
}

func TestLineEndingsDoNotChangeAuthors(t *testing.T) {
	h := &history{t: t}
	h.save(wrap(parA, 40) + "\n\n" + parB + "\n")
	crlf := strings.ReplaceAll(h.texts[0], "\n", "\r\n")
	h.save(crlf)
	check(t, h, tagged(parA+" "+parB, 1))
	h.save(strings.ReplaceAll(crlf, "\r\n", "\n") + "\n" + parE)
	check(t, h, tagged(parA+" "+parB, 1)+" "+tagged(parE, 3))
}

func TestSpansAreWholeWords(t *testing.T) {
	h := &history{t: t}
	h.save("Bonjour à tous,\nvoici l'été.")
	a := h.save("Bonjour à toutes,\r\nvoici l'été !")
	texts, err := Cut(h.texts[1], a)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Bonjour à ", "toutes", ",\r\nvoici l'été ", "!"}
	if strings.Join(texts, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", texts, want)
	}
}

func TestWordsCountsWordsNotPunctuation(t *testing.T) {
	body := "## Titre\n\n- aujourd'hui, peut-être 3,5 kg !"
	a := Attribution{{Len: 9, Revision: 1}, {Len: len(body) - 9, Revision: 2}}
	w := Words(body, a)
	if w[1] != 1 || w[2] != 4 || len(w) != 2 {
		t.Errorf("Words = %v, want map[1:1 2:4]", w)
	}
}

// wrap breaks text into lines of about width bytes, as an editor would.
func wrap(text string, width int) string {
	var b strings.Builder
	line := 0
	for i, w := range strings.Fields(text) {
		if i > 0 && line+1+len(w) > width {
			b.WriteByte('\n')
			line = 0
		} else if i > 0 {
			b.WriteByte(' ')
			line++
		}
		b.WriteString(w)
		line += len(w)
	}
	return b.String()
}

func equal(a, b Attribution) bool { return slices.Equal(a, b) }

func TestRewrittenSentenceKeepsNoStrayWords(t *testing.T) {
	h := &history{t: t}
	h.save("Le jardin ouvre le samedi.\n\nLes outils sont dans la cabane.")
	h.save("Les enfants de l'école viennent le mercredi.\n\nLes outils sont dans la cabane.")
	want := tagged("Les enfants de l'école viennent le mercredi", 2) + " .:1 " + tagged("Les outils sont dans la cabane.", 1)
	check(t, h, want)
}

func TestUndoGivesWordsBack(t *testing.T) {
	const (
		s1  = "Le jardin ouvre le samedi matin."
		s1B = "Le jardin ouvre le dimanche soir."
		s2  = "Chacun peut venir arroser les semis."
		s2C = "Chacun peut venir arroser les semis et les jeunes pousses."
	)
	h := &history{t: t}
	h.save(s1 + " " + s2)                   // A
	h.save(s1B + " " + s2)                  // B changes the first sentence
	h.save(s1B + " " + s2C + "\n\n" + parE) // C extends the second, adds a paragraph
	// Undo of B, merged onto the head: the store passes B's parent.
	h.save(s1+" "+s2C+"\n\n"+parE, 1)
	// Words only: after C's edit, the point that closes the paragraph may be
	// A's old one or C's new one; either reading is fair.
	want := tagged("Le jardin ouvre le samedi matin Chacun peut venir arroser les semis", 1) + " " +
		tagged("et les jeunes pousses "+parE[:len(parE)-1], 3)
	if got := h.wordOwners(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestMarkdownListItemEdit(t *testing.T) {
	h := &history{t: t}
	h.save("## Horaires\n\n- Lundi : fermé\n- Mercredi : 14 h à 18 h\n- Samedi : 9 h à 12 h\n")
	h.save("## Horaires\n\n- Lundi : fermé\n- Samedi : 9 h à 13 h\n- Mercredi : 14 h à 18 h\n")
	want := tagged("## Horaires - Lundi : fermé - Samedi : 9 h à", 1) + " 13:2 h:1 " +
		tagged("- Mercredi : 14 h à 18 h", 1)
	check(t, h, want)
}

func TestSplitAndMergedParagraphsKeepTheirAuthors(t *testing.T) {
	h := &history{t: t}
	h.save(parE + "\n\n" + parA)
	// B splits parA after its first sentence, then C joins it back and
	// moves it first.
	first, second, _ := strings.Cut(parA, " Chacun")
	h.save(parE + "\n\n" + first + "\n\nChacun" + second)
	check(t, h, tagged(parE+" "+parA, 1))
	h.save(parA + "\n\n" + parE)
	check(t, h, tagged(parA+" "+parE, 1))
}
