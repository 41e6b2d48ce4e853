package web

import (
	"strings"
	"testing"

	"atlas/internal/document"
)

func TestSectionIn(t *testing.T) {
	head := "Intro.\n\n## Un\n\nx\n\n## Deux\n\ny\n\n## Trois\n\nz\n"
	tests := []struct {
		name, merged, heading string
		k                     int
		text                  string
		ok                    bool
	}{
		{"inside a section", strings.Replace(head, "y\n", "y2\n", 1), "Deux", 2, "## Deux\n\ny2\n\n", true},
		{"the preamble", strings.Replace(head, "Intro.", "Préambule.", 1), "", 0, "Préambule.\n\n", true},
		{"appended at the end of a section", strings.Replace(head, "y\n\n", "y\n\nw\n\n", 1), "Deux", 2, "## Deux\n\ny\n\nw\n\n", true},
		{"a new heading inside the section", strings.Replace(head, "y\n\n", "y\n\n## Deux bis\n\nv\n\n", 1), "Deux", 2, "## Deux\n\ny\n\n## Deux bis\n\nv\n\n", true},
		{"two sections changed", strings.Replace(strings.Replace(head, "x\n", "x2\n", 1), "z\n", "z2\n", 1), "Un", 0, "", false},
		{"last section", strings.Replace(head, "z\n", "z2\n", 1), "Trois", 3, "## Trois\n\nz2\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, text, ok := sectionIn(head, tt.merged, tt.heading)
			if ok != tt.ok || ok && (k != tt.k || text != tt.text) {
				t.Fatalf("sectionIn = %d %q %v, want %d %q %v", k, text, ok, tt.k, tt.text, tt.ok)
			}
			if ok {
				if got, _ := document.ReplaceSection(head, k, text); got != tt.merged {
					t.Fatalf("replacing section %d gives %q", k, got)
				}
			}
		})
	}
}

func TestKeepEndings(t *testing.T) {
	for _, tt := range []struct{ base, typed, want string }{
		{"a\r\nb\r\n", "a\nb\n", "a\r\nb\r\n"},
		{"a\r\nb\r\n", "a\nc\n", "a\nc\n"},
		{"a\nb\n", "a\nb\n", "a\nb\n"},
		{"a\r\nb", "a\nb\n", "a\nb\n"},
	} {
		if got := keepEndings(tt.base, tt.typed); got != tt.want {
			t.Errorf("keepEndings(%q, %q) = %q, want %q", tt.base, tt.typed, got, tt.want)
		}
	}
}
