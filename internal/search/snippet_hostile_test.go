package search_test

import (
	"strings"
	"testing"
	"time"

	"atlas/internal/search"
)

// hostileLines are one-line bodies of n bytes that a careless Markdown
// reader takes quadratic time over: every '[' or '<' looking for a close
// that never comes, links nested n/2 deep, addresses never closed, and a
// heading whose closing hashes are read again after each marker.
func hostileLines(n int) map[string]string {
	fill := func(unit string) string { return strings.Repeat(unit, n/len(unit)) }
	return map[string]string{
		"brackets":       fill("["),
		"angles":         fill("<"),
		"open addresses": fill("[a]("),
		"ref links":      "[a]" + fill("["),
		"nested links":   fill("[")[:n/2] + "a" + fill("]")[:n/2],
		"nested images":  fill("![")[:n/2] + "a" + fill("](")[:n/2],
		"autolinks":      fill("<a@b "),
		"headings":       fill("# ")[:n/2] + "a" + fill("#")[:n/2],
		"footnotes":      fill("[^"),
		"escapes":        fill("\\["),
	}
}

// PlainText reads a hostile line of 1 MiB, the largest body a sheet may
// have, in linear time, and so does Snippet the lines around a match: a
// quadratic reading takes minutes over any of these, a linear one
// milliseconds, so a generous deadline tells them apart however loaded
// the machine. A snippet looks for a match in the first 128 KB of a body
// only: one further on shows the opening.
func TestSnippetOfHostileMarkdownIsLinear(t *testing.T) {
	const size, near = 1 << 20, 96 << 10
	nearLines := hostileLines(near)
	for name, line := range hostileLines(size) {
		short := nearLines[name]
		bodies := map[string]string{
			"match after":  "Un mot d'introduction.\n\n" + short + "\n\nLa gouvernance du lieu.\n",
			"match inside": short[:near/2] + " la gouvernance du lieu " + short[near/2:],
			"match far":    "Un mot d'introduction.\n\n" + line + "\n\nLa gouvernance du lieu.\n",
			"no match":     line,
		}
		for where, body := range bodies {
			done := make(chan []search.Segment, 1)
			go func() {
				search.PlainText(line)
				done <- search.Snippet(body, "gouvernance", 200)
			}()
			select {
			case segs := <-done:
				n, marked := 0, 0
				for _, s := range segs {
					n += len(s.Text)
					if s.Match {
						marked++
					}
				}
				if want := strings.HasPrefix(where, "match ") && where != "match far"; want != (marked > 0) {
					t.Errorf("%s, %s: %d matches marked", name, where, marked)
				}
				if n > 8<<10 {
					t.Errorf("%s, %s: a snippet of %d bytes", name, where, n)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("%s, %s: no snippet after 5 s", name, where)
			}
		}
	}
}

func BenchmarkSnippetHostile(b *testing.B) {
	for name, line := range hostileLines(1 << 20) {
		body := "Un mot d'introduction.\n\n" + line + "\n\nLa gouvernance du lieu.\n"
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				search.Snippet(body, "gouvernance", 200)
			}
		})
	}
}

func BenchmarkPlainTextHostile(b *testing.B) {
	for name, line := range hostileLines(1 << 20) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(line)))
			for b.Loop() {
				search.PlainText(line)
			}
		})
	}
}

func render(segs []search.Segment) string {
	var b strings.Builder
	for _, s := range segs {
		if s.Match {
			b.WriteString("[" + s.Text + "]")
		} else {
			b.WriteString(s.Text)
		}
	}
	return b.String()
}

// A snippet reads only the lines around a match, far into a long body; a
// word that matches only in a link's address is passed over for the text
// that shows it, however far; a body that does not match (the title did)
// shows its opening.
func TestSnippetOfALongBody(t *testing.T) {
	filler := strings.Repeat("Une ligne de texte sans rapport.\n", 2000) // 66 KB
	body := "Voir [le site](https://example.org/gouvernance).\n" + filler +
		"## Organisation\n\nLa **gouvernance** est partagée.\n" + filler
	got := render(search.Snippet(body, "gouvernance", 80))
	if want := "… rapport. Organisation — La [gouvernance] est partagée. Une ligne de texte sans …"; got != want {
		t.Errorf("snippet = %q, want %q", got, want)
	}
	got = render(search.Snippet(filler, "gouvernance", 40))
	if want := "Une ligne de texte sans rapport. Une …"; got != want {
		t.Errorf("snippet without a match = %q, want %q", got, want)
	}
}
