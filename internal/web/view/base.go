package view

import (
	"strconv"
	"time"

	"atlas/internal/i18n"
	"atlas/internal/model"
)

// Base is what every page's data embeds: who is looking, in which
// language, the CSRF token for its forms and a flash message.
type Base struct {
	Lang      string
	Title     string
	User      *model.User
	CSRF      string
	Flash     string
	FlashKind string // "info", "success" or "error"
	Path      string
	// Unread counts the signed-in reader's unread notifications, up to
	// MaxUnread; 0 for anonymous readers.
	Unread int
	assets *Assets
	maps   *MapSettings
}

// NewBase is the base of a page in lang whose files are a's and maps m's
// (either may be nil: no hashed files, no map).
func NewBase(lang string, a *Assets, m *MapSettings) Base {
	return Base{Lang: lang, assets: a, maps: m}
}

// Bare is the base with only what is the same for every reader (the
// language, the files, the maps): for parts of a page kept and shared by
// every reader, which must not carry one reader's name or token.
func (b Base) Bare() Base { return Base{Lang: b.Lang, assets: b.assets, maps: b.maps} }

// MaxUnread bounds the header's count of unread notifications: beyond, it
// shows "99+".
const MaxUnread = 100

// UnreadBadge is the header's count of unread notifications ("" for none).
func (b Base) UnreadBadge() string {
	switch {
	case b.Unread <= 0:
		return ""
	case b.Unread >= MaxUnread:
		return strconv.Itoa(MaxUnread-1) + "+"
	}
	return strconv.Itoa(b.Unread)
}

// Nano names a draft exactly: its saved_at to the microsecond, as the
// editor posts it back.
func (b Base) Nano(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// pageLang tells the engine which language's templates to execute.
func (b Base) pageLang() string { return b.Lang }

// T translates a message key into the page's language.
func (b Base) T(key string, args ...any) string { return i18n.T(b.Lang, key, args...) }

// N translates a counted message: the form the language's plural rule
// picks for n, formatted with n and then args (i18n.N).
func (b Base) N(key string, n int, args ...any) string { return i18n.N(b.Lang, key, n, args...) }

// Asset is the content-hashed URL of a public file.
func (b Base) Asset(p string) string { return b.assets.URL(p) }

// CodeEditor reports whether the editor bundle (CodeMirror 6 and Yjs,
// built by `make assets` into public/vendor/editor) is embedded: without
// it, the editing page keeps its plain textarea and no live co-writing.
func (b Base) CodeEditor() bool {
	return b.assets != nil && b.assets.Has("vendor/editor/editor.js")
}

// Date and DateTime format times for the page's language.
func (b Base) Date(t time.Time) string     { return i18n.Date(b.Lang, t) }
func (b Base) DateTime(t time.Time) string { return i18n.DateTime(b.Lang, t) }

// ISO is the machine-readable form for <time datetime>.
func (b Base) ISO(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Number formats an integer for the page's language.
func (b Base) Number(n int) string { return i18n.Number(b.Lang, n) }

// OtherLang is the language the switcher offers.
func (b Base) OtherLang() string {
	if b.Lang == "fr" {
		return "en"
	}
	return "fr"
}

// IsAdmin is for the navigation's admin link.
func (b Base) IsAdmin() bool { return b.User.IsAdmin() }
