// Package document knows the shape of a sheet body: a Markdown text whose
// level-two headings ("## …") cut it into sections. It is pure: no I/O, no
// HTML. The diff, render and sheet packages all lean on the same cutting so
// that "section 3" means the same thing on the edit page, in a diff and in a
// merge conflict.
package document

import (
	"errors"
	"strings"
)

// Section is one part of a body. Section 0 is the preamble before the first
// heading (often empty); every other section starts with its "## " line.
// Start and End are byte offsets into the body, so body[Start:End] is the
// section's exact text, line ending included.
type Section struct {
	Index   int
	Heading string
	Start   int
	End     int
}

// ErrNoSection reports a section index outside the body.
var ErrNoSection = errors.New("document: no such section")

// Sections cuts body at its level-two headings. The sections always cover
// the whole body, in order, with no gap: concatenating them gives body back.
// Headings inside fenced code blocks do not count.
func Sections(body string) []Section {
	sections := []Section{{Index: 0}}
	fence := ""
	for offset := 0; offset < len(body); {
		end := strings.IndexByte(body[offset:], '\n')
		if end < 0 {
			end = len(body)
		} else {
			end += offset + 1
		}
		line := strings.TrimRight(body[offset:end], "\r\n")
		if marker := fenceMarker(line); marker != "" {
			switch {
			case fence == "":
				fence = marker
			case strings.HasPrefix(marker, fence) && strings.TrimSpace(strings.TrimLeft(stripContainer(line), " `~")) == "":
				fence = ""
			}
		} else if fence == "" {
			if heading, ok := HeadingText(line); ok {
				sections[len(sections)-1].End = offset
				sections = append(sections, Section{Index: len(sections), Heading: heading, Start: offset})
			}
		}
		offset = end
	}
	sections[len(sections)-1].End = len(body)
	return sections
}

// HeadingText reports whether line is a level-two ATX heading and returns its
// text without the markers.
func HeadingText(line string) (string, bool) {
	trimmed := strings.TrimLeft(line, " ")
	if len(line)-len(trimmed) > 3 || !strings.HasPrefix(trimmed, "##") {
		return "", false
	}
	rest := trimmed[2:]
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return "", false
	}
	text := strings.TrimSpace(rest)
	// A closing sequence of #s is decoration, not text.
	if stripped := strings.TrimRight(text, "#"); stripped != text && (stripped == "" || strings.HasSuffix(stripped, " ")) {
		text = strings.TrimSpace(stripped)
	}
	return text, true
}

// fenceMarker returns the run of backticks or tildes that opens or closes a
// fenced code block on this line, or "". A fence may open inside a list
// item or a quote ("- ```", "> ```"): its indented closing line must not be
// mistaken for an opening one, or every heading after it would be lost.
func fenceMarker(line string) string {
	trimmed := strings.TrimLeft(stripContainer(line), " ")
	if len(line)-len(trimmed) > 3 || len(trimmed) < 3 {
		return ""
	}
	c := trimmed[0]
	if c != '`' && c != '~' {
		return ""
	}
	n := 0
	for n < len(trimmed) && trimmed[n] == c {
		n++
	}
	if n < 3 {
		return ""
	}
	return trimmed[:n]
}

// SectionText returns the exact text of section k.
func SectionText(body string, k int) (string, error) {
	sections := Sections(body)
	if k < 0 || k >= len(sections) {
		return "", ErrNoSection
	}
	s := sections[k]
	return body[s.Start:s.End], nil
}

// ReplaceSection swaps the text of section k for text and returns the new
// body. The replacement keeps the body's line structure: if the old section
// ended with a newline and more text follows, the new one does too.
func ReplaceSection(body string, k int, text string) (string, error) {
	sections := Sections(body)
	if k < 0 || k >= len(sections) {
		return "", ErrNoSection
	}
	s := sections[k]
	if s.End < len(body) && text != "" && !strings.HasSuffix(text, "\n") {
		text += lineEnding(body)
	}
	return body[:s.Start] + text + body[s.End:], nil
}

// lineEnding guesses the body's line ending so a section edited in a browser
// (which sends CRLF) does not mix endings into a body written with LF, or the
// other way round.
func lineEnding(body string) string {
	if strings.Contains(body, "\r\n") {
		return "\r\n"
	}
	return "\n"
}

// stripContainer removes leading list markers and quote markers, the
// containers a fenced block can sit in.
func stripContainer(line string) string {
	for {
		t := strings.TrimLeft(line, " ")
		if len(line)-len(t) > 3 {
			return line
		}
		switch {
		case strings.HasPrefix(t, "> "), t == ">":
			line = strings.TrimPrefix(t[1:], " ")
		case strings.HasPrefix(t, "- "), strings.HasPrefix(t, "* "), strings.HasPrefix(t, "+ "):
			line = t[2:]
		default:
			n := 0
			for n < len(t) && n < 9 && t[n] >= '0' && t[n] <= '9' {
				n++
			}
			if n > 0 && n+1 < len(t) && (t[n] == '.' || t[n] == ')') && t[n+1] == ' ' {
				line = t[n+2:]
				continue
			}
			return line
		}
	}
}
