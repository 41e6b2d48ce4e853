package document

import "strings"

// What readers see of a body. A new sheet starts from Template(): one
// section per entry of the grid, each question a "### …" heading with
// nothing under it, waiting for an answer written below it. Until someone
// writes that answer, the question is a prompt for writers, not text for
// readers: the sheet page, its revisions and the search index leave it out,
// while the editor keeps showing it. The stored body never changes.
//
// A question of the template is unanswered when its "### " heading (text
// exactly as in the grid, spaces aside) is followed by blank lines only, up
// to the next heading of level 1 to 3 or the end of its section. A section
// is left out when nothing remains in it but its heading, once its
// unanswered questions are gone, and it either is a section of the template
// or held such questions. Anything else a person wrote (an answer, a
// heading of their own, even an empty one) is shown.

// ForReaders returns body without its unanswered template questions and
// without the sections that held nothing else, and for each section of the
// result, its index in body (so a link to edit section k of the result
// edits sections[k] of body). A body with nothing to leave out is returned
// as it is.
func ForReaders(body string) (string, []int) {
	sections := Sections(body)
	index := make([]int, 0, len(sections))
	var b strings.Builder
	changed := false
	for _, s := range sections {
		text := body[s.Start:s.End]
		kept, removed := dropPrompts(text, s.Index > 0)
		if s.Index > 0 && (removed || gridHeadings[normalizeHeading(s.Heading)]) && onlyHeading(kept) {
			changed = true
			continue
		}
		if removed {
			changed = true
		}
		index = append(index, s.Index)
		b.WriteString(kept)
	}
	if !changed {
		return body, index
	}
	return b.String(), index
}

// ReaderText is ForReaders without the section index, for the search index
// and its snippets.
func ReaderText(body string) string {
	text, _ := ForReaders(body)
	return text
}

// dropPrompts removes the unanswered template questions of one section's
// text, with the blank lines that follow each; it reports whether it
// removed any. The section's own "## " heading (its first line when
// headed) is never a question.
func dropPrompts(text string, headed bool) (string, bool) {
	lines := splitLines(text)
	start := 0
	if headed && len(lines) > 0 {
		start = 1
	}
	drop := make([]bool, len(lines))
	removed := false
	fence := ""
	for i := start; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], "\r\n")
		if marker := fenceMarker(line); marker != "" {
			switch {
			case fence == "":
				fence = marker
			case strings.HasPrefix(marker, fence) && strings.TrimSpace(strings.TrimLeft(stripContainer(line), " `~")) == "":
				fence = ""
			}
			continue
		}
		if fence != "" {
			continue
		}
		level, heading := atxHeading(line)
		if level != 3 || !gridQuestions[normalizeHeading(heading)] {
			continue
		}
		// Blank lines up to the next heading of level 1 to 3, or the end:
		// nobody answered.
		j := i + 1
		for j < len(lines) && strings.TrimSpace(lines[j]) == "" {
			j++
		}
		if j < len(lines) {
			if l, _ := atxHeading(strings.TrimRight(lines[j], "\r\n")); l == 0 || l > 3 {
				continue
			}
		}
		for k := i; k < j; k++ {
			drop[k] = true
		}
		removed = true
		i = j - 1
	}
	if !removed {
		return text, false
	}
	var b strings.Builder
	b.Grow(len(text))
	for i, l := range lines {
		if !drop[i] {
			b.WriteString(l)
		}
	}
	return b.String(), true
}

// onlyHeading reports whether a section's text holds nothing but its
// heading line and blank lines.
func onlyHeading(text string) bool {
	if i := strings.IndexByte(text, '\n'); i >= 0 {
		return strings.TrimSpace(text[i+1:]) == ""
	}
	return true
}

// splitLines cuts text after each newline, keeping them, so that joining
// the lines gives text back.
func splitLines(text string) []string {
	lines := make([]string, 0, strings.Count(text, "\n")+1)
	for text != "" {
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			lines = append(lines, text)
			break
		}
		lines = append(lines, text[:i+1])
		text = text[i+1:]
	}
	return lines
}

// atxHeading returns the level (1 to 6) and text of an ATX heading line, or
// 0 when line is not one.
func atxHeading(line string) (int, string) {
	trimmed := strings.TrimLeft(line, " ")
	if len(line)-len(trimmed) > 3 {
		return 0, ""
	}
	n := 0
	for n < len(trimmed) && trimmed[n] == '#' {
		n++
	}
	if n == 0 || n > 6 {
		return 0, ""
	}
	rest := trimmed[n:]
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return 0, ""
	}
	text := strings.TrimSpace(rest)
	if stripped := strings.TrimRight(text, "#"); stripped != text && (stripped == "" || strings.HasSuffix(stripped, " ")) {
		text = strings.TrimSpace(stripped)
	}
	return n, text
}

// normalizeHeading folds the spaces of a heading so "Quels  partenariats ?"
// written with a double space, or a no-break space before the question
// mark, still reads as the grid's question.
func normalizeHeading(s string) string {
	return strings.Join(strings.Fields(strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(s)), " ")
}

// gridQuestions and gridHeadings are the grid's texts, spaces folded.
var gridQuestions, gridHeadings = func() (map[string]bool, map[string]bool) {
	qs, hs := map[string]bool{}, map[string]bool{}
	for _, s := range Grid {
		hs[normalizeHeading(s.Heading)] = true
		for _, q := range s.Questions {
			qs[normalizeHeading(q)] = true
		}
	}
	return qs, hs
}()
