package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPlaceByPointing: the editor's map in a real browser. A click puts
// the marker and fills latitude and longitude, a drag moves both, a typed
// coordinate moves the marker, the address search (a stand-in service
// here, allowed by the CSP because the atlas names it) puts the marker on
// its answer; the saved sheet shows its mini-map with the marker and the
// coordinates tucked away. At 1280 and 375 px. Tiles come from a server
// this machine cannot reach: the maps show no background, which is fine.
func TestPlaceByPointing(t *testing.T) { onEachDatabase(t, placeJourney) }

func placeJourney(t *testing.T, srv *server) {
	geocoder := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Content-Type", "application/json")
		if !strings.Contains(r.URL.Query().Get("q"), "Kerinou") {
			_, _ = io.WriteString(w, `{"type":"FeatureCollection","features":[]}`)
			return
		}
		_, _ = io.WriteString(w, `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[-4.4912,48.4061]},"properties":{"label":"<b>3</b> rue de Kerinou 29200 Brest"}}]}`)
	}))
	t.Cleanup(geocoder.Close)
	// The same database, with the address search service set.
	env := []string{"ATLAS_GEOCODER_URL=" + geocoder.URL + "/search/"}
	for _, kv := range srv.env {
		if strings.HasPrefix(kv, "ATLAS_DATABASE_URL=") || strings.HasPrefix(kv, "ATLAS_AUTO_MIGRATE=") {
			env = append(env, kv)
		}
	}
	srv = startServer(t, env...)
	srv.createUsers(t, map[string]string{"marie": "contributor"})

	shot := newShots(t)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	chromium := startChromium(t, ctx)
	marie := newBrowser(t, chromium, srv, "marie")
	marie.login(t, "marie")

	for _, width := range []int64{1280, 375} {
		marie.viewport(t, width)
		marie.open(t, "/sheets/new")
		if !marie.has(t, "[data-place-picker]") {
			t.Skip("Leaflet is not installed (make assets): the editor has no map")
		}
		marie.waitFor(t, "#place-map .leaflet-tile-pane")
		if marie.value(t, "#lat") != "" || marie.value(t, "#lon") != "" || marie.has(t, "#place-map .leaflet-marker-icon") {
			t.Fatal("a new sheet's place map starts with a marker or coordinates")
		}
		// A click puts the marker and fills the fields.
		x, y := center(t, marie, "#place-map")
		marie.do(t, "click the map", chromedp.MouseClickXY(x+40, y+30))
		marie.waitFor(t, "#place-map .leaflet-marker-icon")
		lat1, lon1 := coordinates(t, marie)
		// Brest's default view: the click lands near it.
		if lat1 < 47 || lat1 > 50 || lon1 < -6 || lon1 > -3 {
			t.Fatalf("a click on the map filled %v, %v", lat1, lon1)
		}
		shot.save(t, marie, fmt.Sprintf("places-01-clicked-%d", width))

		// A drag to the right and down: east and south.
		mx, my := center(t, marie, "#place-map .leaflet-marker-icon")
		marie.do(t, "drag the marker",
			chromedp.MouseEvent("mouseMoved", mx, my),
			chromedp.MouseEvent("mousePressed", mx, my, chromedp.ButtonLeft, chromedp.ClickCount(1)),
			chromedp.MouseEvent("mouseMoved", mx+20, my+15, chromedp.ButtonLeft),
			chromedp.MouseEvent("mouseMoved", mx+50, my+40, chromedp.ButtonLeft),
			chromedp.MouseEvent("mouseReleased", mx+50, my+40, chromedp.ButtonLeft, chromedp.ClickCount(1)))
		lat2, lon2 := coordinates(t, marie)
		if lon2 <= lon1 || lat2 >= lat1 {
			t.Fatalf("after dragging east and south: %v, %v (was %v, %v)", lat2, lon2, lat1, lon1)
		}

		// Typed coordinates move the marker (a decimal comma too).
		before := eval[string](t, marie, `document.querySelector('#place-map .leaflet-marker-icon').style.transform`)
		eval[bool](t, marie, `(() => { const f = document.getElementById('lat'); f.value = '48,3901'; f.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`)
		if after := eval[string](t, marie, `document.querySelector('#place-map .leaflet-marker-icon').style.transform`); after == before {
			t.Error("a typed latitude did not move the marker")
		}

		// The address search: its answer is a button, its label shown as text.
		marie.typeInto(t, "#place-search", "Kerinou")
		marie.click(t, "[data-place-search]")
		marie.waitFor(t, "[data-place-results] button")
		if label := marie.text(t, "[data-place-results] button"); label != "<b>3</b> rue de Kerinou 29200 Brest" {
			t.Errorf("the search's answer reads %q", label)
		}
		shot.save(t, marie, fmt.Sprintf("places-02-search-%d", width))
		marie.click(t, "[data-place-results] button")
		if lat, lon := coordinates(t, marie); lat != 48.4061 || lon != -4.4912 {
			t.Errorf("the chosen address put the marker at %v, %v", lat, lon)
		}
		if got := marie.value(t, "#place_address"); got != "<b>3</b> rue de Kerinou 29200 Brest" {
			t.Errorf("the empty address field got %q", got)
		}
		if w := eval[float64](t, marie, `document.documentElement.scrollWidth`); w > float64(width) {
			t.Errorf("the editor is %v px wide at %d px", w, width)
		}
		if width == 375 {
			break
		}

		// The drawing tools: a route of three points, finished on its last
		// point, is written into the GeoJSON field; the marker stays.
		if !marie.has(t, "#place-map .leaflet-pm-toolbar") {
			t.Fatal("the editor's map has no drawing tools (Leaflet-Geoman)")
		}
		marie.click(t, "#place-map .leaflet-pm-icon-polyline")
		x, y = center(t, marie, "#place-map")
		// Geoman puts a vertex where its hint follows the pointer: the
		// pointer moves before each click, as a hand would. The clicks
		// keep to the right half: the tool's own buttons (finish, remove
		// the last point, cancel) open beside it on the left.
		for _, p := range [][2]float64{{40, -50}, {120, 20}, {200, 60}, {200, 60}} {
			marie.do(t, "draw", chromedp.MouseEvent("mouseMoved", x+p[0]-5, y+p[1]-5), chromedp.MouseEvent("mouseMoved", x+p[0], y+p[1]),
				chromedp.MouseClickXY(x+p[0], y+p[1]))
		}
		var route struct {
			Type        string      `json:"type"`
			Coordinates [][]float64 `json:"coordinates"`
		}
		if err := json.Unmarshal([]byte(marie.value(t, "#place_geometry")), &route); err != nil || route.Type != "LineString" || len(route.Coordinates) != 3 {
			t.Fatalf("the drawn route wrote %q (%v)", marie.value(t, "#place_geometry"), err)
		}
		if lat, lon := coordinates(t, marie); lat != 48.4061 || lon != -4.4912 {
			t.Errorf("drawing moved the marker to %v, %v", lat, lon)
		}
		shot.save(t, marie, "places-04-drawn-1280")

		// Saved, the sheet shows its place on a mini-map.
		marie.setValue(t, "#title", "Jardin de Kerinou")
		marie.setValue(t, "#place_name", "Jardin de Kerinou")
		marie.submit(t, `form.editor button[type=submit]:not([name])`)
		if !strings.HasPrefix(marie.path(t), "/sheets/jardin-de-kerinou") {
			t.Fatalf("after saving, at %s:\n%s", marie.path(t), marie.pageText(t))
		}
		eval[bool](t, marie, `(() => { document.querySelector('.mini-map').scrollIntoView(); return true; })()`)
		marie.waitFor(t, ".mini-map .leaflet-marker-icon")
		if got := eval[string](t, marie, `document.querySelector('.sheet-meta details.coordinates p').textContent`); !strings.Contains(got, "48.4061, -4.4912") {
			t.Errorf("coordinates read %q", got)
		}
		if eval[bool](t, marie, `document.querySelector('.sheet-meta details.coordinates').open`) {
			t.Error("the coordinates are not tucked away")
		}
		if !marie.has(t, ".mini-map path.leaflet-interactive") {
			t.Error("the mini-map does not draw the route")
		}
		shot.save(t, marie, "places-03-sheet-1280")
		marie.open(t, "/map")
		marie.waitFor(t, "#atlas-map path.leaflet-interactive")
		if n := eval[int](t, marie, `document.querySelectorAll('#atlas-map .leaflet-marker-icon').length`); n != 1 {
			t.Errorf("the atlas map shows %d markers for one place with a route", n)
		}
		shot.save(t, marie, "places-05-atlas-map-1280")
		marie.viewport(t, 375)
		marie.open(t, "/sheets/jardin-de-kerinou")
		eval[bool](t, marie, `(() => { document.querySelector('.mini-map').scrollIntoView(); return true; })()`)
		marie.waitFor(t, ".mini-map .leaflet-marker-icon")
		if w := eval[float64](t, marie, `document.documentElement.scrollWidth`); w > 375 {
			t.Errorf("the sheet is %v px wide at 375 px", w)
		}
		shot.save(t, marie, "places-03-sheet-375")
	}
}

// center scrolls an element into the middle of the view and returns its
// center, in the viewport's pixels.
func center(t *testing.T, b *browser, sel string) (float64, float64) {
	t.Helper()
	xy := eval[[]float64](t, b, `(() => { const e = document.querySelector('`+sel+`'); e.scrollIntoView({block: 'center'});
		const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()`)
	return xy[0], xy[1]
}

// coordinates reads the editor's latitude and longitude fields.
func coordinates(t *testing.T, b *browser) (float64, float64) {
	t.Helper()
	lat, err1 := strconv.ParseFloat(b.value(t, "#lat"), 64)
	lon, err2 := strconv.ParseFloat(b.value(t, "#lon"), 64)
	if err1 != nil || err2 != nil {
		b.fatalf(t, "the fields hold %q, %q", b.value(t, "#lat"), b.value(t, "#lon"))
	}
	return lat, lon
}
