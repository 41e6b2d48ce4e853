package render

import (
	"strings"
	"testing"
	"time"
)

// pathologicalSize is the size of each hostile body; a sheet is ~30 KB.
const pathologicalSize = 1 << 20

// repeatTo repeats unit until the result reaches n bytes.
func repeatTo(unit string, n int) string {
	return strings.Repeat(unit, n/len(unit)+1)[:n]
}

// growing builds lines whose prefix deepens line after line.
func growing(prefix, line string, period, n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		b.WriteString(strings.Repeat(prefix, i%period))
		b.WriteString(line)
	}
	return b.String()
}

func pathologicalBodies(n int) map[string]string {
	return map[string]string{
		"nested blockquotes":      repeatTo("> ", n),
		"blockquote markers":      repeatTo(">", n),
		"deepening blockquotes":   growing(">", " a\n", 5000, n),
		"nested emphasis":         repeatTo("*a **b ", n),
		"nested underscores":      repeatTo("_a __b ", n),
		"balanced emphasis":       strings.Repeat("*", n/2) + "a" + strings.Repeat("*", n/2),
		"alternating emphasis":    repeatTo("a*", n),
		"unclosed brackets":       repeatTo("[", n),
		"unclosed brackets lines": repeatTo("[\n", n),
		"unclosed image brackets": repeatTo("![", n),
		"unclosed links":          repeatTo("[a](", n),
		"unclosed links lines":    repeatTo("[a](\n", n),
		"unclosed images":         repeatTo("![a](", n),
		"unclosed angle links":    repeatTo("[a](<", n),
		"unclosed titles":         repeatTo("[a](b (", n),
		"emphasis in links":       repeatTo("*[a](", n),
		"shortcut references":     repeatTo("[a]\n", n),
		"reference definitions":   repeatTo("[a]: b\n", n),
		"nested images":           strings.Repeat("![", n/8) + "a" + strings.Repeat("](b)", n/8),
		"footnote refs":           repeatTo("[^", n),
		"nested footnote defs":    repeatTo("[^a]: ", n),
		"nested lists":            repeatTo("- ", n),
		"nested ordered lists":    repeatTo("1. ", n),
		"nested plus lists":       repeatTo("+ ", n),
		"deepening lists":         growing("  ", "- a\n", 2000, n),
		"quotes and lists":        repeatTo("> 1. ", n),
		"long heading":            "## " + repeatTo("[a](", n),
		"many headings":           repeatTo("## a\n", n),
		"wide table":              "|" + repeatTo("a|", n/2) + "\n|" + repeatTo("-|", n/2) + "\n",
		"long table":              "|a|b|\n|-|-|\n" + repeatTo("|[x](y)|[z](", n),
		"table of links":          "|a|b|\n|-|-|\n" + repeatTo("|[x](y)|[z](w)|\n", n),
		"backticks":               repeatTo("`a``", n),
		"html comments":           repeatTo("a <!--", n),
		"raw html":                repeatTo("<a b='", n),
		"linkify":                 repeatTo("www.a.b/(", n),
		"autolinks":               repeatTo("<http://a", n),
		"entities":                repeatTo("&#", n),
		"fences":                  repeatTo("```\n", n),
		"setext":                  repeatTo("a\n=\n", n),
		"strikethrough":           repeatTo("~~a ", n),
	}
}

// TestPathological checks that hostile bodies render in bounded time. The
// cap is a sanity bound, far above the measured times (at most ~2 s on a
// loaded 2-CPU machine, see guard.go; up to 30 s under the race detector
// on a machine running other suites at once): what it catches is a
// quadratic renderer, which takes many minutes on a megabyte.
func TestPathological(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	r := New()
	for name, body := range pathologicalBodies(pathologicalSize) {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			out := r.Render(body)
			elapsed := time.Since(start)
			t.Logf("%-28s %8d bytes in, %8d bytes out, %v", name, len(body), len(out.HTML), elapsed)
			if elapsed > 90*time.Second {
				t.Errorf("took %v", elapsed)
			}
		})
	}
}
