package geo

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestNormalizeAcceptsEveryShapeAPlaceNeeds(t *testing.T) {
	cases := map[string]string{
		`{"type":"Point","coordinates":[-4.4783,48.4075]}`:                                                `{"type":"Point","coordinates":[-4.4783,48.4075]}`,
		` { "coordinates" : [ -4.50 , 48.40, 12.0 ] , "type" : "Point", "bbox": [0,0,1,1] }`:              `{"type":"Point","coordinates":[-4.5,48.4,12]}`,
		`{"type":"MultiPoint","coordinates":[[-4.5,48.4],[-4.4,48.3]]}`:                                   `{"type":"MultiPoint","coordinates":[[-4.5,48.4],[-4.4,48.3]]}`,
		`{"type":"LineString","coordinates":[[-4.5,48.4],[-4.4,48.3],[-4.3,48.2]]}`:                       `{"type":"LineString","coordinates":[[-4.5,48.4],[-4.4,48.3],[-4.3,48.2]]}`,
		`{"type":"MultiLineString","coordinates":[[[0,0],[1,1]],[[2,2],[3,3]]]}`:                          `{"type":"MultiLineString","coordinates":[[[0,0],[1,1]],[[2,2],[3,3]]]}`,
		`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}`:                                    `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}`,
		`{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]]}`: `{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]]}`,
		// Tiny and negative zero numbers in plain decimals, as jsonb keeps them.
		`{"type":"Point","coordinates":[1e-7,-0]}`: `{"type":"Point","coordinates":[0.0000001,0]}`,
	}
	for in, want := range cases {
		got, _, err := Normalize([]byte(in))
		if err != nil || string(got) != want {
			t.Errorf("Normalize(%s) = %s, %v; want %s", in, got, err, want)
		}
	}
}

func TestParseNamesWhatIsWrong(t *testing.T) {
	many := strings.Repeat("[1,1],", MaxPositions)
	cases := map[string]string{
		`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`:                                    "open_ring",
		`{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}`:                                          "short_ring",
		`{"type":"Polygon","coordinates":[]}`:                                                             "empty",
		`{"type":"LineString","coordinates":[[0,0]]}`:                                                     "short_line",
		`{"type":"Point","coordinates":[181,0]}`:                                                          "longitude_range",
		`{"type":"Point","coordinates":[0,-90.5]}`:                                                        "latitude_range",
		`{"type":"Point","coordinates":[0]}`:                                                              "bad_position",
		`{"type":"Point","coordinates":[0,0,0,0]}`:                                                        "bad_position",
		`{"type":"Point","coordinates":["0","0"]}`:                                                        "bad_coordinates",
		`{"type":"Point","coordinates":[1e400,0]}`:                                                        "bad_coordinates",
		`{"type":"Point","coordinates":[[0,0]]}`:                                                          "bad_coordinates",
		`{"type":"Point"}`:                                                                                "bad_coordinates",
		`{"type":"LineString","coordinates":[[0,0],null]}`:                                                "bad_position",
		`{"type":"Polygon","coordinates":[[[[0,0]]]]}`:                                                    "bad_coordinates",
		`{"type":"GeometryCollection","geometries":[]}`:                                                   "unknown_type",
		`{"type":"Feature","geometry":null}`:                                                              "unknown_type",
		`[1,2]`:                                                                                           "not_json",
		`{"type":"LineString","coordinates":[` + many + `[0,0]]}`:                                         "too_many_positions",
		`{"type":"LineString","coordinates":[` + strings.Repeat(" ", MaxBytes) + `]}`:                     "too_large",
		`{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,6]]]]}`: "open_ring",
	}
	for in, want := range cases {
		_, err := Parse([]byte(in))
		var ge *Error
		if !errors.As(err, &ge) || ge.Key != "error.geometry."+want {
			short := in
			if len(short) > 80 {
				short = short[:80]
			}
			t.Errorf("Parse(%s) = %v, want %s", short, err, want)
		}
	}
}

func TestMarkerSitsOnTheShape(t *testing.T) {
	cases := map[string][2]float64{
		`{"type":"Point","coordinates":[-4.5,48.4]}`:                         {48.4, -4.5},
		`{"type":"LineString","coordinates":[[0,0],[1,1],[2,2]]}`:            {1, 1},
		`{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,2],[0,2],[0,0]]]}`: {1, 1},
		// A U-shaped area: its bounding box's centre is outside it.
		`{"type":"Polygon","coordinates":[[[0,0],[3,0],[3,3],[2,3],[2,1],[1,1],[1,3],[0,3],[0,0]]]}`: {0, 0},
	}
	for in, want := range cases {
		g, err := Parse([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		lat, lon := g.Marker()
		if got := [2]float64{lat, lon}; got != want {
			t.Errorf("Marker(%s) = %v, want %v", in, got, want)
		}
	}
}

func TestNormalizeIsStable(t *testing.T) {
	in := `{"type":"LineString","coordinates":[[-4.486123456789,48.390123456789],[-4.4, 48.3]]}`
	once, _, err := Normalize([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	twice, _, err := Normalize(once)
	if err != nil || string(once) != string(twice) {
		t.Fatalf("%s then %s (%v)", once, twice, err)
	}
	if fmt.Sprint(IsNull(nil), IsNull([]byte(" null ")), IsNull(once)) != "true true false" {
		t.Error("IsNull")
	}
}
