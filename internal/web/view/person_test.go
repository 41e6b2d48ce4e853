package view

import (
	"testing"
)

// TestPersonLinksAreEscaped: a display name or a username is text, never
// markup, in a link or in a sentence that names a person.
func TestPersonLinksAreEscaped(t *testing.T) {
	p := Person{Username: "a b?c", Name: `<script>alert("x")</script>`}
	want := `<a class="person" href="/people/a%20b%3Fc">&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</a>`
	if got := string(p.Link()); got != want {
		t.Errorf("Link() = %s\nwant %s", got, want)
	}
	b := Base{Lang: "fr"}
	got := string(b.TL("review.submitted", p, "<i>demain</i>"))
	if got != "soumise par "+want+" le &lt;i&gt;demain&lt;/i&gt;" {
		t.Errorf("TL = %s", got)
	}
}
