package web

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

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

// TestEditFormTextsOutliveTheRequest: Fiber's form values point into a
// buffer the server reuses for the next request on the connection; the
// editor's texts go on to what the store keeps (its cache of recent
// bodies), so readEditForm hands out copies.
func TestEditFormTextsOutliveTheRequest(t *testing.T) {
	app := fiber.New()
	c := app.AcquireCtx(&fasthttp.RequestCtx{})
	defer app.ReleaseCtx(c)
	post := func(body string) {
		c.Request().Reset()
		c.Request().Header.SetMethod(fiber.MethodPost)
		c.Request().Header.SetContentType(fiber.MIMEApplicationForm)
		c.Request().SetBodyString(body)
	}
	post("title=Atelier+v%C3%A9lo&body=Un+atelier+o%C3%B9+chacun+r%C3%A9pare.&summary=premier+jet")
	f := readEditForm(c)
	// The next request on the connection parses into the same buffers.
	post("title=xxxx&body=yyyyyyyyyy&summary=zzzz")
	if c.FormValue("body") != "yyyyyyyyyy" {
		t.Fatal("the second request was not read")
	}
	if f.Title != "Atelier vélo" || f.Body != "Un atelier où chacun répare." || f.Summary != "premier jet" {
		t.Errorf("after the next request: %+v", f)
	}
}
