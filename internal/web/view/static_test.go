package view

import (
	"html"
	"testing"

	"atlas/internal/i18n"
)

// TestStaticActionsAreWrittenIn: the per-language templates carry the
// translations, escaped, in place of the actions that asked for them.
func TestStaticActionsAreWrittenIn(t *testing.T) {
	a, err := NewAssets(false)
	if err != nil {
		t.Fatal(err)
	}
	v := &Engine{assets: a}
	got := v.static("fr", `<p title="{{.T "site.name"}}">{{$.T "nav.skip"}}</p><html lang="{{.Lang}}">{{.OtherLang}} {{.T "diff.version" 3}}`)
	want := `<p title="` + html.EscapeString(i18n.T("fr", "site.name")) + `">` + html.EscapeString(i18n.T("fr", "nav.skip")) + `</p><html lang="fr">en {{.T "diff.version" 3}}`
	if got != want {
		t.Errorf("static(fr):\n got %s\nwant %s", got, want)
	}
}
