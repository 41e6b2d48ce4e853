package view

import (
	"fmt"
	"strings"

	"atlas/internal/sheet"
)

// licenceView is a sheet's licence as pages show it: a licence of the list
// by its name and a link to its summary, another one as its writers typed it.
type licenceView struct {
	ID    string // the licence's id, or sheet.LicenceOther
	Name  string
	URL   string
	Other string // the typed name of another licence
}

// LicenceOf describes a stored licence value in the page's language.
func (b Base) LicenceOf(value string) licenceView {
	l, ok := sheet.LicenceByID(value)
	if !ok {
		if value == sheet.LicenceOther {
			value = ""
		}
		return licenceView{ID: sheet.LicenceOther, Name: value, Other: value}
	}
	v := licenceView{ID: l.ID, Name: b.T("licence.name." + l.ID), URL: l.Deed}
	if !strings.Contains(v.Name, l.Short) {
		v.Name += " (" + l.Short + ")"
	}
	if strings.Contains(l.Deed, "%s") {
		v.URL = fmt.Sprintf(l.Deed, b.Lang)
	}
	return v
}

// licenceOption is one choice of the editor's licence list.
type licenceOption struct {
	Value, Label string
	Selected     bool
}

// LicenceOptions are the editor's choices, the current value selected; a
// value outside the list selects "another licence".
func (b Base) LicenceOptions(value string) []licenceOption {
	current := b.LicenceOf(value).ID
	opts := make([]licenceOption, 0, len(sheet.Licences)+1)
	for _, l := range sheet.Licences {
		label := l.Short + " — " + b.T("licence.gist."+l.ID)
		opts = append(opts, licenceOption{Value: l.ID, Label: label, Selected: l.ID == current})
	}
	return append(opts, licenceOption{Value: sheet.LicenceOther, Label: b.T("licence.other"), Selected: current == sheet.LicenceOther})
}
