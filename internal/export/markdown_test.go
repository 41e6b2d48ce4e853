package export

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"atlas/internal/geo"
	"atlas/internal/model"
)

func TestMarkdownRoundTrip(t *testing.T) {
	f := SheetFile{
		Slug: "jardin", Title: `Jardin "partagé": l'été`, Revision: 3, SHA256: "abc", Updated: time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC),
		Body: "## La communauté\r\n\r\n---\nDes voisins : « oui ».\n",
		Meta: model.Meta{Subtitle: "un: deux", Categories: []string{"jardins-nature"}, Tags: []string{"a, b", "#c"},
			Place: &model.Place{Name: "Kerinou", Address: "rue: 1", Lat: 48.4, Lon: -4.48}, Licence: "CC-BY-SA-4.0"},
	}
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, f); err != nil {
		t.Fatal(err)
	}
	got, err := ReadMarkdown(buf.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if got.Title != f.Title || got.Body != f.Body || got.Slug != f.Slug || got.Meta.Subtitle != f.Meta.Subtitle ||
		strings.Join(got.Meta.Tags, "|") != "a, b|#c" || got.Meta.Place == nil || got.Meta.Place.Lat != 48.4 || got.Meta.Place.Address != "rue: 1" {
		t.Errorf("round trip:\n%+v\n%+v", got, f)
	}
}

func TestReadHandWrittenFiles(t *testing.T) {
	tests := []struct {
		in, title, body string
		cats            int
	}{
		{"# Grainothèque\n\n## La communauté\n\nDes jardiniers.\n", "Grainothèque", "## La communauté\n\nDes jardiniers.\n", 0},
		{"---\ntitle: Repair café\ncategories:\n  - reemploi\n  - tiers-lieux\n---\n## Les ressources\n", "Repair café", "## Les ressources\n", 2},
		{"---\ncategories: [reemploi]\n---\n\n# Titre en ligne\n\ncorps", "Titre en ligne", "corps", 1},
		{"\ufeff# Avec BOM\r\n\r\ncorps\r\n", "Avec BOM", "corps\r\n", 0},
	}
	for _, tt := range tests {
		got, err := ReadMarkdown([]byte(tt.in))
		if err != nil || got.Title != tt.title || got.Body != tt.body || len(got.Meta.Categories) != tt.cats {
			t.Errorf("%q: %+v %v", tt.in, got, err)
		}
	}
	for _, bad := range []string{"pas de titre\n", "---\ntitle: x\n", "---\ntitle: [\n---\n"} {
		if _, err := ReadMarkdown([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// A body's leading blank lines survive an export and an import: only the
// one blank line WriteMarkdown puts after the title is a separator.
func TestMarkdownKeepsLeadingBlankLines(t *testing.T) {
	for _, body := range []string{"\n\nDes voisins.\n", "\n", "\r\n\r\n## Section\r\n", "\n# Pas un titre\n", "    code\n"} {
		var buf bytes.Buffer
		if err := WriteMarkdown(&buf, SheetFile{Title: "Four", Body: body}); err != nil {
			t.Fatal(err)
		}
		got, err := ReadMarkdown(buf.Bytes())
		if err != nil || got.Body != body || got.Title != "Four" {
			t.Errorf("body %q came back as %q (title %q, %v)", body, got.Body, got.Title, err)
		}
	}
	got, err := ReadMarkdown([]byte("---\ntitle: Four\n---\n\n\n\ncorps\n"))
	if err != nil || got.Body != "\n\ncorps\n" {
		t.Errorf("after front matter: %q %v", got.Body, err)
	}
}

// A place's shape survives a sheet file: written as JSON in the front
// matter (JSON is YAML), read back as the same geometry.
func TestMarkdownKeepsGeometry(t *testing.T) {
	route := `{"type":"LineString","coordinates":[[-4.5,48.4],[-4.45,48.39,12.5]]}`
	f := SheetFile{Title: "Balade", Body: "x\n",
		Meta: model.Meta{Place: &model.Place{Name: "Brest", Lat: 48.39, Lon: -4.45, Geometry: model.Geometry(route)}}}
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, f); err != nil {
		t.Fatal(err)
	}
	got, err := ReadMarkdown(buf.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if got.Meta.Place == nil {
		t.Fatalf("no place read back:\n%s", buf.String())
	}
	// The save normalizes it (member order).
	if norm, _, err := geo.Normalize(got.Meta.Place.Geometry); err != nil || string(norm) != route {
		t.Errorf("geometry read back: %+v\n%s", got.Meta.Place, buf.String())
	}
}
