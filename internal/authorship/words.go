package authorship

// Words counts the words of body per revision: each word counts for the
// revision of the span its first byte falls in. Punctuation is not a word.
// Words past the end of a (which a valid attribution never leaves) count
// for no one.
func Words(body string, a Attribution) map[int]int {
	counts := make(map[int]int)
	k, end := 0, 0
	if len(a) > 0 {
		end = a[0].Len
	}
	for _, t := range tokenize(body) {
		for k < len(a) && t.start >= end {
			k++
			if k < len(a) {
				end += a[k].Len
			}
		}
		if k == len(a) {
			break
		}
		if t.kind == kindWord {
			counts[a[k].Revision]++
		}
	}
	return counts
}

// Cut returns the texts of a's spans, in order: they concatenate to body.
// It fails when a does not fit body.
func Cut(body string, a Attribution) ([]string, error) {
	if err := a.Valid(body); err != nil {
		return nil, err
	}
	texts := make([]string, len(a))
	at := 0
	for i, s := range a {
		texts[i] = body[at : at+s.Len]
		at += s.Len
	}
	return texts, nil
}
