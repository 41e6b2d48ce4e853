// Package geo checks and normalizes the GeoJSON geometries a place may
// carry: a garden's outline, a walking route. It is pure (no I/O), so the
// sheet service and the importers apply the same rules.
package geo

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
)

// Limits on one geometry: a parish's outline or a day's walk fits well
// within them, and a pasted country border does not.
const (
	MaxPositions = 10000
	// MaxBytes bounds the geometry's JSON text before it is parsed: 10,000
	// positions of three numbers at full precision, with spaces.
	MaxBytes = 1 << 20
)

// Error says what is wrong with a geometry. Key is a message of the
// catalogues ("error.geometry.*"), formatted with Args.
type Error struct {
	Key  string
	Args []any
}

func (e *Error) Error() string { return "geo: invalid geometry (" + e.Key + ")" }

func fail(key string, args ...any) error { return &Error{Key: key, Args: args} }

// position is [lon, lat] or [lon, lat, altitude], as GeoJSON orders them.
type position []float64

// Geometry is a checked geometry: its type and its positions, grouped as
// the type says.
type Geometry struct {
	Type string
	// One of these holds the coordinates, by depth.
	point    position
	line     []position
	polygon  [][]position
	multiPol [][][]position
}

// Parse checks a GeoJSON geometry. Only Point, LineString, Polygon and
// their Multi forms are accepted: they are what uMap draws and what a
// place needs. A GeometryCollection is refused: a place with several
// kinds of shapes is several places.
func Parse(raw []byte) (*Geometry, error) {
	if len(raw) > MaxBytes {
		return nil, fail("error.geometry.too_large", MaxBytes>>10)
	}
	var head struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, fail("error.geometry.not_json")
	}
	g := &Geometry{Type: head.Type}
	// Each type is decoded at its own depth, so deeper nesting is a type
	// error of the decoder rather than a recursion of ours.
	var target any
	switch head.Type {
	case "Point":
		target = &g.point
	case "MultiPoint", "LineString":
		target = &g.line
	case "MultiLineString", "Polygon":
		target = &g.polygon
	case "MultiPolygon":
		target = &g.multiPol
	default:
		return nil, fail("error.geometry.unknown_type", head.Type)
	}
	if len(head.Coordinates) == 0 || json.Unmarshal(head.Coordinates, target) != nil {
		return nil, fail("error.geometry.bad_coordinates", head.Type)
	}
	if err := g.check(); err != nil {
		return nil, err
	}
	return g, nil
}

func (g *Geometry) check() error {
	count := 0
	positions := func(ps []position) error {
		for _, p := range ps {
			if err := checkPosition(p); err != nil {
				return err
			}
		}
		count += len(ps)
		if count > MaxPositions {
			return fail("error.geometry.too_many_positions", MaxPositions)
		}
		return nil
	}
	line := func(ps []position) error {
		if len(ps) < 2 {
			return fail("error.geometry.short_line")
		}
		return positions(ps)
	}
	polygon := func(rings [][]position) error {
		if len(rings) == 0 {
			return fail("error.geometry.empty")
		}
		for _, ring := range rings {
			if len(ring) < 4 {
				return fail("error.geometry.short_ring")
			}
			if err := positions(ring); err != nil {
				return err
			}
			if !samePosition(ring[0], ring[len(ring)-1]) {
				return fail("error.geometry.open_ring")
			}
		}
		return nil
	}
	switch g.Type {
	case "Point":
		return positions([]position{g.point})
	case "MultiPoint":
		if len(g.line) == 0 {
			return fail("error.geometry.empty")
		}
		return positions(g.line)
	case "LineString":
		return line(g.line)
	case "MultiLineString":
		if len(g.polygon) == 0 {
			return fail("error.geometry.empty")
		}
		for _, l := range g.polygon {
			if err := line(l); err != nil {
				return err
			}
		}
	case "Polygon":
		return polygon(g.polygon)
	case "MultiPolygon":
		if len(g.multiPol) == 0 {
			return fail("error.geometry.empty")
		}
		for _, p := range g.multiPol {
			if err := polygon(p); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkPosition(p position) error {
	if len(p) < 2 || len(p) > 3 {
		return fail("error.geometry.bad_position")
	}
	for _, v := range p {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fail("error.geometry.bad_position")
		}
	}
	if p[0] < -180 || p[0] > 180 {
		return fail("error.geometry.longitude_range", p[0])
	}
	if p[1] < -90 || p[1] > 90 {
		return fail("error.geometry.latitude_range", p[1])
	}
	return nil
}

func samePosition(a, b position) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Normalize checks a geometry and returns its one stored form: only
// "type" and "coordinates", no spaces, each number in the shortest plain
// decimal that reads back the same. Two files that differ in spacing,
// member order or "1.50" against "1.5" give the same bytes, so an import
// can tell that nothing changed; PostgreSQL's jsonb keeps this form as it
// is (it sorts "type" before "coordinates" and keeps a number's decimals).
func Normalize(raw []byte) ([]byte, *Geometry, error) {
	g, err := Parse(raw)
	if err != nil {
		return nil, nil, err
	}
	return g.JSON(), g, nil
}

// JSON writes the geometry in its normalized form.
func (g *Geometry) JSON() []byte {
	b := make([]byte, 0, 64)
	b = append(b, `{"type":"`...)
	b = append(b, g.Type...)
	b = append(b, `","coordinates":`...)
	switch g.Type {
	case "Point":
		b = appendPosition(b, g.point)
	case "MultiPoint", "LineString":
		b = appendPositions(b, g.line)
	case "MultiLineString", "Polygon":
		b = appendRings(b, g.polygon)
	case "MultiPolygon":
		b = append(b, '[')
		for i, p := range g.multiPol {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendRings(b, p)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func appendPosition(b []byte, p position) []byte {
	b = append(b, '[')
	for i, v := range p {
		if i > 0 {
			b = append(b, ',')
		}
		if v == 0 {
			v = 0 // -0 is 0: jsonb would write it so
		}
		b = strconv.AppendFloat(b, v, 'f', -1, 64)
	}
	return append(b, ']')
}

func appendPositions(b []byte, ps []position) []byte {
	b = append(b, '[')
	for i, p := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendPosition(b, p)
	}
	return append(b, ']')
}

func appendRings(b []byte, rings [][]position) []byte {
	b = append(b, '[')
	for i, r := range rings {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendPositions(b, r)
	}
	return append(b, ']')
}

// Marker returns where a place's marker goes when the place gives none:
// a point itself, the middle vertex of a route, the centre of an area's
// bounding box when it falls inside the area (else the outline's first
// vertex, which is at least on it). Returned as latitude, longitude.
func (g *Geometry) Marker() (lat, lon float64) {
	var p position
	switch g.Type {
	case "Point":
		p = g.point
	case "MultiPoint":
		p = g.line[0]
	case "LineString":
		p = g.line[len(g.line)/2]
	case "MultiLineString":
		p = g.polygon[0][len(g.polygon[0])/2]
	case "Polygon":
		p = areaMarker(g.polygon[0])
	case "MultiPolygon":
		p = areaMarker(g.multiPol[0][0])
	}
	return p[1], p[0]
}

func areaMarker(ring []position) position {
	minLon, minLat, maxLon, maxLat := ring[0][0], ring[0][1], ring[0][0], ring[0][1]
	for _, p := range ring {
		minLon, maxLon = math.Min(minLon, p[0]), math.Max(maxLon, p[0])
		minLat, maxLat = math.Min(minLat, p[1]), math.Max(maxLat, p[1])
	}
	c := position{(minLon + maxLon) / 2, (minLat + maxLat) / 2}
	if inside(c, ring) {
		return c
	}
	return ring[0]
}

// inside is the even-odd rule: a ray from p crosses the ring's edges an
// odd number of times when p is inside.
func inside(p position, ring []position) bool {
	in := false
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		a, b := ring[i], ring[j]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

// IsNull reports whether raw is no geometry at all: empty or JSON null.
func IsNull(raw []byte) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || string(raw) == "null"
}
