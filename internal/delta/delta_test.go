package delta

import (
	"bytes"
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// sheetText builds a long French-looking text in paragraphs.
func sheetText(r *rand.Rand, size int) []byte {
	words := strings.Fields("le jardin partagé du quartier accueille les habitants chaque samedi matin pour semer récolter et échanger des graines la grainothèque de Brest prête des semences libres aux bénévoles de l'association qui tient un conseil d'administration ouvert")
	var b bytes.Buffer
	for b.Len() < size {
		b.WriteString(words[r.Intn(len(words))])
		switch r.Intn(40) {
		case 0:
			b.WriteString(".\n\n")
		case 1:
			b.WriteString(", ")
		default:
			b.WriteByte(' ')
		}
	}
	return b.Bytes()
}

// edit changes n places of text: a word replaced, inserted or removed.
func edit(r *rand.Rand, text []byte, n int) []byte {
	out := append([]byte(nil), text...)
	for range n {
		at := r.Intn(len(out) + 1)
		switch r.Intn(3) {
		case 0:
			out = append(out[:at], append([]byte(fmt.Sprintf("ajout%d ", r.Intn(1000))), out[at:]...)...)
		case 1:
			end := min(len(out), at+r.Intn(40))
			out = append(out[:at], out[end:]...)
		default:
			end := min(len(out), at+5)
			out = append(out[:at], append([]byte("remplacé"), out[end:]...)...)
		}
	}
	return out
}

func roundTrip(t testing.TB, base, target []byte) []byte {
	t.Helper()
	d := Encode(base, target)
	got, err := Apply(base, d)
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	if !bytes.Equal(got, target) {
		t.Fatalf("rebuilt %d bytes differ from the %d of the target", len(got), len(target))
	}
	return d
}

func TestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	cases := map[string][2][]byte{
		"both empty":           {nil, nil},
		"from empty":           {nil, []byte("une fiche naît")},
		"to empty":             {[]byte("une fiche s'efface"), nil},
		"identical":            {[]byte("même texte"), []byte("même texte")},
		"shorter than a block": {[]byte("abc"), []byte("abd")},
		"accents":              {[]byte("Le CA s'est réuni à Brest."), []byte("Le CA s'est réuni à Landerneau.")},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) { roundTrip(t, c[0], c[1]) })
	}
	for i := range 200 {
		base := sheetText(r, r.Intn(5000))
		roundTrip(t, base, edit(r, base, r.Intn(6)))
		if i%20 == 0 {
			roundTrip(t, base, sheetText(r, r.Intn(5000))) // an unrelated text
		}
	}
}

// A small edit of a long sheet must cost about the edit, not the sheet.
func TestSmallEditIsSmall(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	base := sheetText(r, 35<<10)
	for i := range 50 {
		target := edit(r, base, 1)
		if d := roundTrip(t, base, target); len(d) > 200 {
			t.Errorf("edit %d: delta of %d bytes for one change", i, len(d))
		}
	}
}

// Paragraphs that move are copied from where they were, not written again.
func TestMovedParagraphIsCopied(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	paras := bytes.Split(sheetText(r, 20<<10), []byte("\n\n"))
	base := bytes.Join(paras, []byte("\n\n"))
	last := len(paras) - 1
	paras[0], paras[last] = paras[last], paras[0]
	if d := roundTrip(t, base, bytes.Join(paras, []byte("\n\n"))); len(d) > 200 {
		t.Errorf("delta of %d bytes for two swapped paragraphs", len(d))
	}
}

func TestApplyRefusesDamage(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	base := sheetText(r, 4000)
	d := Encode(base, edit(r, base, 3))
	bad := [][]byte{
		nil,
		{},
		{2},          // unknown format
		d[:len(d)-1], // cut short
		append(append([]byte(nil), d...), 0x02, 'x'), // an insert past the stated length
	}
	for i, b := range bad {
		if _, err := Apply(base, b); err == nil {
			t.Errorf("damaged delta %d applied", i)
		}
	}
	if _, err := Apply(base[:100], d); err == nil {
		t.Error("a delta applied to a shorter base than its own")
	}
}

func FuzzRoundTrip(f *testing.F) {
	f.Add([]byte("le jardin partagé"), []byte("le jardin partagé de Kerinou"))
	f.Add(bytes.Repeat([]byte("ab"), 100), bytes.Repeat([]byte("ba"), 90))
	f.Fuzz(func(t *testing.T, base, target []byte) {
		roundTrip(t, base, target)
	})
}

// Apply must never panic, whatever the bytes.
func FuzzApply(f *testing.F) {
	f.Add([]byte("base"), Encode([]byte("base"), []byte("basse")))
	f.Fuzz(func(t *testing.T, base, d []byte) {
		_, _ = Apply(base, d)
	})
}

func BenchmarkEncode35KB(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	base := sheetText(r, 35<<10)
	target := edit(r, base, 3)
	b.SetBytes(int64(len(target)))
	for b.Loop() {
		Encode(base, target)
	}
}

func BenchmarkApply35KB(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	base := sheetText(r, 35<<10)
	d := Encode(base, edit(r, base, 3))
	b.SetBytes(int64(len(base)))
	for b.Loop() {
		if _, err := Apply(base, d); err != nil {
			b.Fatal(err)
		}
	}
}
