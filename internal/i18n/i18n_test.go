package i18n

import (
	"testing"
	"time"
)

// TestCataloguesAreComplete fails on a key missing in a language, a
// missing or extra plural form for that language's CLDR categories, or
// placeholders that differ between languages.
func TestCataloguesAreComplete(t *testing.T) {
	for _, p := range problems(catalogues) {
		t.Error(p)
	}
	if len(Languages) < 2 || Languages[0] != Default {
		t.Errorf("Languages = %v, want %s first and at least English", Languages, Default)
	}
}

func TestFormats(t *testing.T) {
	day := time.Date(2020, 2, 25, 14, 5, 0, 0, time.UTC)
	if got := Date("fr", day); got != "25 février 2020" {
		t.Errorf("fr date = %q", got)
	}
	if got := Date("en", day); got != "February 25, 2020" {
		t.Errorf("en date = %q", got)
	}
	if got := DateTime("fr", day); got != "25 février 2020 à 15h05" {
		t.Errorf("fr datetime = %q", got)
	}
	if got := Date("fr", time.Date(2017, 10, 1, 12, 0, 0, 0, time.UTC)); got != "1er octobre 2017" {
		t.Errorf("fr first of month = %q", got)
	}
	if got := Number("fr", 17700); got != "17\u202f700" {
		t.Errorf("fr number = %q", got)
	}
	if got := Number("en", -1234567); got != "-1,234,567" {
		t.Errorf("en number = %q", got)
	}
	if got := T("fr", "nope"); got != "[nope]" {
		t.Errorf("missing key = %q", got)
	}
}
