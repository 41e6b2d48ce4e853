package render

import (
	"strings"
	"testing"
)

func TestPicturesCarryTheirSizesAndCopies(t *testing.T) {
	sha := strings.Repeat("0f", 32)
	small := strings.Repeat("1e", 32)
	r := NewWithPictures(func(s string) (int, int, bool) {
		switch s {
		case sha:
			return 1000, 750, true
		case small:
			return 200, 100, true
		}
		return 0, 0, false
	})
	src := "/media/" + sha
	for in, want := range map[string]string{
		"![Le *jardin* en mai](" + src + ")": `<img src="` + src + `" alt="Le jardin en mai" loading="lazy" decoding="async" width="1000" height="750" srcset="` +
			src + `?w=320 320w, ` + src + `?w=640 640w, ` + src + ` 1000w" sizes="(max-width: 46rem) 100vw, 46rem">`,
		"![Logo](/media/" + small + ")": `<img src="/media/` + small + `" alt="Logo" loading="lazy" decoding="async" width="200" height="100">`,
		// A crafted attribute goes nowhere: the description is text.
		`![a" onerror="alert(1)](` + src + `)`: `alt="a&#34; onerror=&#34;alert(1)"`,
		// Not a picture's name: a link.
		"![x](/media/" + sha + "?w=5)": `<a href="/media/` + sha + `?w=5" rel="nofollow noopener noreferrer">x</a>`,
		"![x](javascript:alert(1))":    `<p><a rel="nofollow noopener noreferrer">x</a></p>`,
	} {
		for name, got := range map[string]string{"Render": string(r.Render(in).HTML), "Inline": string(r.Inline(in))} {
			if !strings.Contains(got, want) {
				t.Errorf("%s(%q) = %s\nwant %s", name, in, got, want)
			}
		}
	}
}
