package sheet

import (
	"strings"

	"atlas/internal/model"
)

// Licence is one of the licences a sheet's writers choose from. ID is what
// is stored and what the API speaks (SPDX identifiers, and Etalab's own for
// the Licence Ouverte); a licence outside the list is stored as the text
// its writers typed.
type Licence struct {
	ID    string
	Short string // the name it goes by: "CC BY-SA 4.0"
	// Its full name, for readers, and what it allows in a few words, for
	// writers, are the catalogues' "licence.name.<id>" and "licence.gist.<id>".
	Deed    string // its human-readable summary, "%s" standing for the language
	Aliases []string
}

// Licences are the choices offered, the default first.
var Licences = []Licence{
	{ID: model.DefaultLicence, Short: "CC BY-SA 4.0",
		Deed: "https://creativecommons.org/licenses/by-sa/4.0/deed.%s", Aliases: []string{"CC BY-SA 4.0", "CC-BY-SA 4.0", "CC BY SA 4.0"}},
	{ID: "CC-BY-4.0", Short: "CC BY 4.0",
		Deed: "https://creativecommons.org/licenses/by/4.0/deed.%s", Aliases: []string{"CC BY 4.0", "CC-BY 4.0"}},
	{ID: "CC0-1.0", Short: "CC0 1.0",
		Deed: "https://creativecommons.org/publicdomain/zero/1.0/deed.%s", Aliases: []string{"CC0", "CC0 1.0", "CC-0"}},
	{ID: "etalab-2.0", Short: "Licence Ouverte 2.0",
		Deed: "https://www.etalab.gouv.fr/licence-ouverte-open-licence/", Aliases: []string{"Licence Ouverte 2.0", "Licence Ouverte", "Open Licence 2.0", "LO 2.0", "etalab"}},
}

// LicenceOther is the choice "another licence": the form sends it with the
// licence's name in another field, and alone it names nothing.
const LicenceOther = "other"

// LicenceByID finds a licence of the list by its stored id, or by a name
// people write for it ("CC BY-SA 4.0", "licence ouverte 2.0"), spaces and
// case aside.
func LicenceByID(value string) (Licence, bool) {
	key := licenceKey(value)
	for _, l := range Licences {
		if licenceKey(l.ID) == key {
			return l, true
		}
		for _, a := range l.Aliases {
			if licenceKey(a) == key {
				return l, true
			}
		}
	}
	return Licence{}, false
}

// LicenceFromForm is the value the editor's licence fields stand for: the
// chosen licence's id, or for "another licence" the name typed for it (or
// LicenceOther itself when nothing was typed, which NormalizeMeta refuses).
func LicenceFromForm(choice, other string) string {
	if strings.TrimSpace(choice) != LicenceOther {
		return choice
	}
	if other = strings.TrimSpace(other); other != "" {
		return other
	}
	return LicenceOther
}

// normalizeLicence stores a licence of the list under its id and another
// one as written. Sheets written when the licence was free text keep
// theirs: any text names "another licence", except the bare choice
// LicenceOther, which names none.
func normalizeLicence(value string) (string, error) {
	value = strings.TrimSpace(value)
	if value == "" {
		return model.DefaultLicence, nil
	}
	if l, ok := LicenceByID(value); ok {
		return l.ID, nil
	}
	if value == LicenceOther {
		return value, invalid("meta.licence", "licence_unnamed", "error.licence_unnamed")
	}
	return value, nil
}

// licenceKey folds case, spaces, dashes and underscores.
func licenceKey(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '_', '\u00a0', '.':
			return -1
		}
		return r
	}, strings.ToLower(s))
}
