package i18n

import (
	"testing"
	"time"
)

func TestPluralRules(t *testing.T) {
	tests := []struct {
		lang, key string
		n         int
		args      []any
		want      string
	}{
		{"fr", "diff.words_added", 0, nil, "0 mot ajouté"},
		{"fr", "diff.words_added", 1, nil, "1 mot ajouté"},
		{"fr", "diff.words_removed", 2, nil, "2 mots retirés"},
		{"fr", "review.abstentions", 1, nil, "1 abstention"},
		{"fr", "review.abstentions", 0, nil, "0 abstention"},
		{"fr", "search.count", 12, nil, "12 fiches trouvées."},
		{"en", "diff.words_added", 0, nil, "0 words added"},
		{"en", "diff.words_added", 1, nil, "1 word added"},
		{"en", "search.count", 2, nil, "2 sheets found."},
		{"en", "sheet.validated_on", 1, []any{"May 2, 2026", 1}, "Validated by the board on May 2, 2026 (1 vote of 1)."},
		{"fr", "sheet.validated_on", 2, []any{"2 mai 2026", 3}, "Validée par le CA le 2 mai 2026 (2 voix sur 3)."},
		{"de", "review.seats", 3, nil, "3 sièges"}, // an unknown language falls back on French
	}
	for _, tt := range tests {
		if got := N(tt.lang, tt.key, tt.n, tt.args...); got != tt.want {
			t.Errorf("N(%s, %s, %d) = %q, want %q", tt.lang, tt.key, tt.n, got, tt.want)
		}
	}
	if got := N("fr", "nope", 1); got != "[nope]" {
		t.Errorf("missing counted key = %q", got)
	}
}

func TestList(t *testing.T) {
	tests := []struct {
		lang  string
		names []string
		more  int
		want  string
	}{
		{"fr", nil, 0, ""},
		{"fr", []string{"Bob"}, 0, "Bob"},
		{"fr", []string{"Bob", "Chloé"}, 0, "Bob et Chloé"},
		{"fr", []string{"Bob", "Chloé", "Dan"}, 0, "Bob, Chloé et Dan"},
		{"fr", []string{"Bob", "Chloé", "Dan"}, 1, "Bob, Chloé, Dan et 1 autre"},
		{"fr", []string{"Bob", "Chloé", "Dan"}, 4, "Bob, Chloé, Dan et 4 autres"},
		{"en", []string{"Bob", "Chloé"}, 0, "Bob and Chloé"},
		{"en", []string{"Bob", "Chloé", "Dan"}, 0, "Bob, Chloé and Dan"},
		{"en", []string{"Bob"}, 1, "Bob and 1 other"},
		{"en", []string{"Bob"}, 2, "Bob and 2 others"},
	}
	for _, tt := range tests {
		if got := List(tt.lang, tt.names, tt.more); got != tt.want {
			t.Errorf("List(%s, %v, %d) = %q, want %q", tt.lang, tt.names, tt.more, got, tt.want)
		}
	}
}

func BenchmarkDate(b *testing.B) {
	day := time.Date(2020, 2, 25, 14, 5, 0, 0, time.UTC)
	for b.Loop() {
		_ = Date("fr", day)
	}
}

func BenchmarkN(b *testing.B) {
	for b.Loop() {
		_ = N("fr", "diff.words_added", 3)
	}
}
