package view

import (
	"fmt"
	"html"
	"html/template"
	"net/url"

	"atlas/internal/i18n"
	"atlas/internal/model"
)

// Person names a person on a page: their display name, linking to
// their contributions (/people/{username}).
type Person struct {
	Username string
	Name     string
}

// PersonOf is u as named on a page; nobody for nil.
func PersonOf(u *model.User) Person {
	if u == nil {
		return Person{}
	}
	return Person{Username: u.Username, Name: u.Name()}
}

// String is the name alone, for text that cannot hold a link.
func (p Person) String() string { return p.Name }

// Link is the name as a link to the person's page; escaped text.
func (p Person) Link() template.HTML {
	if p.Username == "" {
		return template.HTML(html.EscapeString(p.Name)) //nolint:gosec // G203: escaped here
	}
	return template.HTML(`<a class="person" href="/people/` + url.PathEscape(p.Username) + `">` + html.EscapeString(p.Name) + `</a>`) //nolint:gosec // G203: escaped here
}

// TL translates a message whose arguments may be people, who appear as
// links: the message and every other argument are escaped.
func (b Base) TL(key string, args ...any) template.HTML {
	safe := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case Person:
			safe[i] = string(v.Link())
		case string:
			safe[i] = html.EscapeString(v)
		default:
			safe[i] = a
		}
	}
	return template.HTML(fmt.Sprintf(html.EscapeString(i18n.T(b.Lang, key)), safe...)) //nolint:gosec // G203: message and arguments escaped above
}
