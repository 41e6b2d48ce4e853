package web

import (
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
