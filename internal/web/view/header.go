package view

import (
	"strconv"

	"atlas/internal/i18n"
)

// Header is the data of the site's header for this page (see siteHeader).
func (b Base) Header() siteHeader {
	h := siteHeader{Lang: b.Lang}
	switch b.Path {
	case "/sheets", "/map", "/changes":
		h.Current = b.Path
	}
	if b.User != nil {
		h.SignedIn, h.Admin, h.Name, h.CSRF = true, b.User.IsAdmin(), b.User.Name(), b.CSRF
		if h.UnreadBadge = b.UnreadBadge(); h.UnreadBadge != "" {
			h.UnreadText = b.N("nav.unread", b.Unread)
		}
	}
	return h
}

// siteHeader is what the site_header partial shows: the same for every
// anonymous reader of a section in a language, and for a signed-in one on
// every page of that section until their name, role or unread count
// changes, so it is rendered once and kept ({{part}}).
type siteHeader struct {
	Lang    string
	Current string // the section whose link is the current page, if any
	// The signed-in reader's links: their name, unread notifications and
	// the logout form's CSRF token.
	SignedIn, Admin         bool
	Name, CSRF              string
	UnreadBadge, UnreadText string
}

// PartKey names everything the header shows. The CSRF token comes first
// and the name is counted: no other session can name the same entry.
func (h siteHeader) PartKey() string {
	return h.CSRF + "|" + h.Lang + "|" + h.Current + "|" + strconv.FormatBool(h.SignedIn) + "|" + strconv.FormatBool(h.Admin) + "|" +
		h.UnreadBadge + "|" + strconv.Itoa(len(h.Name)) + ":" + h.Name
}

// T translates a message key into the header's language.
func (h siteHeader) T(key string, args ...any) string { return i18n.T(h.Lang, key, args...) }

// OtherLang is the language the switcher offers.
func (h siteHeader) OtherLang() string { return Base{Lang: h.Lang}.OtherLang() }
