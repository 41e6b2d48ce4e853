package render

import (
	"fmt"
	"strings"
	"testing"
)

func TestPicturesCarryTheirSizesAndCopies(t *testing.T) {
	sha := strings.Repeat("0f", 32)
	small := strings.Repeat("1e", 32)
	r := NewWithPictures(func(shas []string) map[string][2]int {
		out := map[string][2]int{}
		for _, s := range shas {
			switch s {
			case sha:
				out[s] = [2]int{1000, 750}
			case small:
				out[s] = [2]int{200, 100}
			}
		}
		return out
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

func TestManyPicturesCostOneLookup(t *testing.T) {
	var asked [][]string
	r := NewWithPictures(func(shas []string) map[string][2]int { asked = append(asked, shas); return nil })
	var b strings.Builder
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&b, "![x](/media/%064x)\n\n", i)
	}
	r.Render(b.String())
	if len(asked) != 1 || len(asked[0]) != maxSizedPictures {
		t.Errorf("lookups %d, want one of %d pictures", len(asked), maxSizedPictures)
	}
}
