package render

import (
	"strings"
	"testing"
)

func FuzzRender(f *testing.F) {
	f.Add(readFixture(f, "fiche.md"))
	for _, in := range xssCorpus {
		f.Add(in)
	}
	for _, body := range pathologicalBodies(1 << 10) {
		f.Add(body)
	}
	r := New()
	f.Fuzz(func(t *testing.T, body string) {
		out := r.Render(body)
		page := string(out.HTML)
		if err := unsafeHTML(page); err != nil {
			t.Fatalf("Render: %v\n%s", err, page)
		}
		if strings.Contains(strings.ToLower(page), "<script") {
			t.Fatalf("Render: <script in\n%s", page)
		}
		if again := r.pagePolicy.Sanitize(page); again != page {
			t.Fatalf("Render: sanitize not idempotent\n%s\n%s", page, again)
		}
		checkHeadings(t, body, out)

		inline := string(r.Inline(body))
		if err := unsafeHTML(inline); err != nil {
			t.Fatalf("Inline: %v\n%s", err, inline)
		}
		if again := r.inlinePolicy.Sanitize(inline); again != inline {
			t.Fatalf("Inline: sanitize not idempotent\n%s\n%s", inline, again)
		}
	})
}
