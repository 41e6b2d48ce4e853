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
