package httpx

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// MethodTable knows, for every route pattern, the methods it answers, so
// that a method a path does not support is a 405 with its Allow header,
// for anyone, before any check of who asks (a 401 or a 404 would say the
// wrong thing). Fiber finds this by itself only when no middleware ends
// the request first, as the API's checks and catch-all do.
type MethodTable struct {
	patterns []methodPattern
}

type methodPattern struct {
	segments []string // ":name" matches any one segment
	methods  []string // in Fiber's order, as its own Allow header
}

// NewMethodTable reads the routes of app (middleware excluded).
func NewMethodTable(app *fiber.App) *MethodTable {
	index := map[string]int{}
	t := &MethodTable{}
	for _, r := range app.GetRoutes(true) {
		if strings.ContainsAny(r.Path, "*?+") {
			continue // wildcards (static files) are read-only, GET alone
		}
		i, ok := index[r.Path]
		if !ok {
			i = len(t.patterns)
			index[r.Path] = i
			t.patterns = append(t.patterns, methodPattern{segments: splitPath(r.Path)})
		}
		t.patterns[i].methods = append(t.patterns[i].methods, r.Method)
	}
	order := map[string]int{}
	for i, m := range fiber.DefaultMethods {
		order[m] = i
	}
	for i := range t.patterns {
		ms := t.patterns[i].methods
		slices.SortFunc(ms, func(a, b string) int { return order[a] - order[b] })
		t.patterns[i].methods = slices.Compact(ms)
	}
	return t
}

func splitPath(path string) []string {
	path = strings.Trim(path, "/")
	if path == "" {
		return nil
	}
	return strings.Split(path, "/")
}

// allowed lists the methods of the route path matches; nil when no route
// matches it.
func (t *MethodTable) Allowed(path string) []string {
	segments := splitPath(path)
	var out []string
	for _, p := range t.patterns {
		if p.match(segments) {
			out = append(out, p.methods...)
		}
	}
	return out
}

func (p methodPattern) match(segments []string) bool {
	if len(segments) != len(p.segments) {
		return false
	}
	for i, s := range p.segments {
		if strings.HasPrefix(s, ":") {
			if segments[i] == "" {
				return false
			}
			continue
		}
		if !strings.EqualFold(s, segments[i]) { // routing ignores case
			return false
		}
	}
	return true
}

// NotAllowed returns a 405 (and sets Allow) when path has routes but none
// for c's method; nil otherwise, the route exists or nothing does.
func (t *MethodTable) NotAllowed(c *fiber.Ctx) error {
	if t == nil {
		return nil
	}
	methods := t.Allowed(c.Path())
	if len(methods) == 0 {
		return nil
	}
	if slices.Contains(methods, c.Method()) {
		return nil
	}
	c.Set(fiber.HeaderAllow, strings.Join(methods, ", "))
	return fiber.ErrMethodNotAllowed
}
