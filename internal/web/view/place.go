package view

import (
	"net/mail"
	"strings"
)

// MapSettings is what a page needs to draw a map: the tiles and their
// credit, whether `make assets` installed Leaflet (and its drawing tools),
// and the address search
// service the host chose, if any. One per atlas, shared by every page.
type MapSettings struct {
	Leaflet     bool
	Geoman      bool // Leaflet-Geoman's drawing tools, for a place's shape
	Tiles       string
	Attribution string
	Geocoder    string
}

// Map is the page's map settings; pages built without a handler (errors
// rendered early) draw no map.
func (b Base) Map() MapSettings {
	if b.maps == nil {
		return MapSettings{}
	}
	return *b.maps
}

// contactView splits a sheet's contact around the first e-mail address it
// holds, so that address becomes a mailto: link and the rest (a name, a
// telephone number) stays text.
type contactView struct {
	Before, Address, After string
}

// ContactOf finds the e-mail address in a contact, if any.
func (b Base) ContactOf(contact string) contactView {
	fields := strings.FieldsFunc(contact, func(r rune) bool {
		return r == ' ' || r == ',' || r == ';' || r == '(' || r == ')' || r == '<' || r == '>' || r == '\t'
	})
	for _, f := range fields {
		if !strings.Contains(f, "@") {
			continue
		}
		a, err := mail.ParseAddress(f)
		if err != nil || a.Address != f || strings.ContainsAny(f, "\"\\") {
			continue
		}
		i := strings.Index(contact, f)
		return contactView{Before: contact[:i], Address: f, After: contact[i+len(f):]}
	}
	return contactView{Before: contact}
}
