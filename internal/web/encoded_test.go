package web

import "testing"

func TestETagMatches(t *testing.T) {
	const tag = `"abc-br"`
	for header, want := range map[string]bool{
		`"abc-br"`:                 true,
		`W/"abc-br"`:               true,
		`"old", "abc-br"`:          true,
		`"old",W/"abc-br"`:         true,
		`*`:                        true,
		``:                         false,
		`"abc"`:                    false,
		`"abc-br`:                  false,
		`"old", "abc-gzip"`:        false,
		`abc-br`:                   false,
		`W/"abc-br", W/"abc-gzip"`: true,
	} {
		if got := etagMatches(header, tag); got != want {
			t.Errorf("If-None-Match %q: %v, want %v", header, got, want)
		}
	}
}
