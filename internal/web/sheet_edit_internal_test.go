package web

import (
	"encoding/json"
	"strings"
	"testing"

	"atlas/internal/model"
)

// TestEditorTakesOutStoredControls: a text stored before control
// characters were refused opens in the editor without them, so that
// saving it again is possible.
func TestEditorTakesOutStoredControls(t *testing.T) {
	f := formFromRevision(&model.Revision{Title: "Jardin\x1b[2J", Body: "## Texte\n\n\tTabulé\x07\n", Meta: model.Meta{
		Subtitle: "sous\ttitre", Tags: []string{"a\x7f", "b"}, Place: &model.Place{Name: "Lieu\u0085dit"},
	}})
	if f.Title != "Jardin[2J" || f.Body != "## Texte\n\n\tTabulé\n" || f.Subtitle != "sous titre" || f.Tags != "a, b" || f.PlaceName != "Lieu dit" {
		t.Errorf("form = %+v", f)
	}
}

// A place whose shape alone changed shows as changed in a diff's rows.
func TestMetaTextNamesTheShape(t *testing.T) {
	place := func(coords string) any {
		var v any
		if err := json.Unmarshal([]byte(`{"name":"Kerinou","address":"","lat":48.4,"lon":-4.48,"geometry":{"type":"LineString","coordinates":`+coords+`}}`), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	a, b := metaText(place(`[[-4.5,48.39],[-4.48,48.4]]`)), metaText(place(`[[-4.5,48.39],[-4.47,48.4]]`))
	if a == b || !strings.Contains(a, "Kerinou") || !strings.Contains(a, "LineString #") {
		t.Errorf("rows %q and %q", a, b)
	}
}
