package testutil

import "strings"

// DistinctWords returns about size bytes of Markdown paragraphs whose
// words are all different, and different from those of any other seed:
// the body a hostile writer saves to make the search index and snippets
// as costly as they can be (no word repeats, so nothing is remembered, and
// each stems to a word of its own).
//
// Words are made of consonant-vowel syllables and end with a consonant
// the French stemmer leaves alone, so distinct words keep distinct stems.
func DistinctWords(seed, size int) string {
	const consonants, vowels, last = "bcdfghjklmnprstvz", "aeiou", "bdgkp"
	var b strings.Builder
	b.Grow(size + 64)
	for i, n := 0, 0; b.Len() < size; i++ {
		// Sheet seed's i-th word: its number in base 85 (17 consonants × 5
		// vowels) as syllables, after seed's own prefix syllables.
		x := seed*1_000_000 + i
		for x > 0 || n == 0 {
			s := x % (len(consonants) * len(vowels))
			b.WriteByte(consonants[s/len(vowels)])
			b.WriteByte(vowels[s%len(vowels)])
			x /= len(consonants) * len(vowels)
			n++
		}
		b.WriteByte(last[i%len(last)])
		n = 0
		if i%12 == 11 {
			b.WriteString(".\n\n")
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}
