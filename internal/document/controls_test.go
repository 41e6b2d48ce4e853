package document

import "testing"

func TestControlCharacters(t *testing.T) {
	for _, tc := range []struct {
		s             string
		oneLine, text bool
	}{
		{"Jardin partagé — café ☕ 🌱", true, true},
		{"", true, true},
		{"a\tb", false, true},
		{"a\nb\r\nc", false, true},
		{"a\x1b[31mb", false, false}, // ESC
		{"a\x07b", false, false},     // BEL
		{"a\x7fb", false, false},     // DEL
		{"a\x00b", false, false},
		{"a\u0085b", false, false}, // NEL, a C1 control
		{"a\u009bb", false, false}, // CSI
		{"a\u2028b", false, true},  // line separator
		{"a\u00a0b\u202fc", true, true},
		{"a\xffb", true, true}, // invalid UTF-8 is another check's
	} {
		if got := OneLine(tc.s); got != tc.oneLine {
			t.Errorf("OneLine(%q) = %v, want %v", tc.s, got, tc.oneLine)
		}
		if got := Text(tc.s); got != tc.text {
			t.Errorf("Text(%q) = %v, want %v", tc.s, got, tc.text)
		}
	}
}

func TestWithoutControls(t *testing.T) {
	for _, tc := range []struct {
		s, oneLine, text string
	}{
		{"Jardin partagé", "Jardin partagé", "Jardin partagé"},
		{"Jar\x1b[2Jdin\x07", "Jar[2Jdin", "Jar[2Jdin"},
		{"a\tb\nc\r\nd", "a b c  d", "a\tb\nc\r\nd"},
		{"a\fb\u0085c\x7fd", "a b cd", "a b cd"},
		{"a\u2028b", "a b", "a\u2028b"},
	} {
		if got := WithoutControls(tc.s, false); got != tc.oneLine || !OneLine(got) {
			t.Errorf("WithoutControls(%q, false) = %q, want %q", tc.s, got, tc.oneLine)
		}
		if got := WithoutControls(tc.s, true); got != tc.text || !Text(got) {
			t.Errorf("WithoutControls(%q, true) = %q, want %q", tc.s, got, tc.text)
		}
	}
}
