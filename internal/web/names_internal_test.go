package web

import (
	"testing"

	"atlas/internal/i18n"
	"atlas/internal/sheet"
)

// Category and licence names are catalogue keys built from slugs and ids:
// each must be in every language, or a page would show [category.x].
func TestCategoryAndLicenceNamesAreTranslated(t *testing.T) {
	var keys []string
	for _, c := range sheet.Categories {
		keys = append(keys, "category."+c.Slug)
	}
	for _, l := range sheet.Licences {
		keys = append(keys, "licence.name."+l.ID, "licence.gist."+l.ID)
	}
	for _, key := range keys {
		for _, lang := range i18n.Languages {
			if !i18n.Has(lang, key) {
				t.Errorf("%s lacks %q", lang, key)
			}
		}
	}
	b := Base{Lang: "en"}
	if got := categoryName("en", sheet.Categories[0]); got != "Digital and free software" {
		t.Errorf("English category name = %q", got)
	}
	if got := b.LicenceOf("CC-BY-SA-4.0").Name; got != "Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)" {
		t.Errorf("English licence name = %q", got)
	}
}
