package authorship

import "strings"

// When a save moves paragraphs, or edits both ends of a sheet, the
// unchanged ends are short and the whole sheet would go through the
// tokenizer. Yet most of its paragraphs are still the parent's byte for
// byte, only elsewhere: attributeByPieces gives those the parent's spans
// directly and tokenizes only the rest. It is used only when the parent is
// the one source: with others, a paragraph the parent has may still be
// credited to an older source, which only the full matching decides.

// pieces cuts s before each paragraph start: every piece but the last ends
// with its blank line, so the pieces concatenate back to s.
func pieces(s string) []string {
	var out []string
	from := 0
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '\n')
		if j < 0 {
			break
		}
		b := i + j + 1
		if b < len(s) && b > from && startsParagraph(s, b, from) {
			out = append(out, s[from:b])
			from = b
		}
		i = b
	}
	return append(out, s[from:])
}

// attributeByPieces attributes text from parent alone, copying the spans of
// the paragraphs parent holds byte for byte and matching the others.
func attributeByPieces(parent Source, text string, revision int) Attribution {
	cur, old := pieces(text), pieces(parent.Text)
	oldAt := offsets(old)
	byText := make(map[string][]int, len(old)) // piece → its indexes in old, in order
	for i, p := range old {
		byText[p] = append(byText[p], i)
	}
	taken := make([]bool, len(old))
	from := make([]int, len(cur)) // offset in parent of each piece kept, or -1
	kept := 0
	for k, p := range cur {
		from[k] = -1
		if idx := byText[p]; len(idx) > 0 {
			from[k], taken[idx[0]], byText[p] = oldAt[idx[0]], true, idx[1:]
			kept++
		}
	}
	if kept == 0 {
		return attribute(parent, text, revision, nil)
	}
	// The rest of text is matched against the rest of parent, each put end
	// to end: every piece starts a paragraph, so they stay paragraphs.
	var rest, restOld strings.Builder
	var restSpans []Attribution
	for k, p := range cur {
		if from[k] < 0 {
			rest.WriteString(p)
		}
	}
	for i, p := range old {
		if !taken[i] {
			restOld.WriteString(p)
			restSpans = append(restSpans, slice(parent.Spans, oldAt[i], oldAt[i]+len(p)))
		}
	}
	matched := attribute(Source{Text: restOld.String(), Spans: join(restSpans...)}, rest.String(), revision, nil)
	return assemble(parent.Spans, cur, from, matched)
}

// offsets returns where each piece starts in their concatenation.
func offsets(ps []string) []int {
	at := make([]int, len(ps))
	n := 0
	for i, p := range ps {
		at[i] = n
		n += len(p)
	}
	return at
}

// assemble puts the answer together, piece by piece: a kept piece takes the
// parent's spans at its old place, the others their turn of matched.
func assemble(parentSpans Attribution, cur []string, from []int, matched Attribution) Attribution {
	parts := make([]Attribution, 0, len(cur))
	at := 0
	for k, p := range cur {
		if from[k] >= 0 {
			parts = append(parts, slice(parentSpans, from[k], from[k]+len(p)))
			continue
		}
		parts = append(parts, slice(matched, at, at+len(p)))
		at += len(p)
	}
	return join(parts...)
}
