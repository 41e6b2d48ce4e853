package web_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"atlas/internal/testutil"
)

// apiDoc is docs/API.md, the repository's contract for programs.
var apiDoc = filepath.Join("..", "..", "docs", "API.md")

const (
	routeIndexHeading = "### Route index"
	notServedHeading  = "## Not served yet"
)

// docRoute is a line of one of docs/API.md's route tables:
// | METHOD | `/api/…` | who | does |
var docRoute = regexp.MustCompile("^\\|\\s*(GET|POST|PUT|PATCH|DELETE)\\s*\\|\\s*`(/api/[^`]*)`\\s*\\|")

// documentedRoutes reads the route index and the routes not served yet of
// docs/API.md, each as "METHOD /path" → the table line.
func documentedRoutes(t *testing.T) (index, notServed map[string]string) {
	t.Helper()
	f, err := os.Open(apiDoc)
	if err != nil {
		t.Fatal(err)
	}
	defer closeFile(t, f)
	index, notServed = map[string]string{}, map[string]string{}
	var table map[string]string
	scan := bufio.NewScanner(f)
	for scan.Scan() {
		line := scan.Text()
		switch {
		case line == routeIndexHeading:
			table = index
		case line == notServedHeading:
			table = notServed
		case strings.HasPrefix(line, "#"):
			table = nil
		}
		if m := docRoute.FindStringSubmatch(line); m != nil {
			if table == nil {
				t.Errorf("docs/API.md: route line outside %q and %q: %s", routeIndexHeading, notServedHeading, line)
				continue
			}
			table[m[1]+" "+m[2]] = line
		}
	}
	if err := scan.Err(); err != nil {
		t.Fatal(err)
	}
	if len(index) == 0 {
		t.Fatalf("docs/API.md has no route table under %q", routeIndexHeading)
	}
	return index, notServed
}

var fiberParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

// servedAPIRoutes walks the routes the real app registers, as "METHOD
// /path" with {name} for a parameter. HEAD is Fiber's twin of every GET.
func servedAPIRoutes(t *testing.T) map[string]bool {
	t.Helper()
	a := newTestAtlas(t, testutil.NewSQLite(t))
	served := map[string]bool{}
	for _, r := range a.app.GetRoutes(true) {
		if !strings.HasPrefix(r.Path, "/api/") || r.Method == "HEAD" {
			continue
		}
		served[r.Method+" "+fiberParam.ReplaceAllString(r.Path, "{$1}")] = true
	}
	if len(served) == 0 {
		t.Fatal("the app registers no /api/ route: the walk is broken")
	}
	return served
}

// TestApiDocListsEveryServedRoute keeps docs/API.md true: every /api/
// route the app serves is in its route index, and the index lists nothing
// the app does not serve. Its messages say which line to add or remove.
func TestApiDocListsEveryServedRoute(t *testing.T) {
	index, notServed := documentedRoutes(t)
	served := servedAPIRoutes(t)

	for _, route := range sortedKeys(served) {
		if _, ok := index[route]; ok {
			if line, planned := notServed[route]; planned {
				t.Errorf("docs/API.md: %s is served and in the route index: remove this line from %q:\n%s", route, notServedHeading, line)
			}
			continue
		}
		if line, planned := notServed[route]; planned {
			t.Errorf("docs/API.md: %s is served now: move this line from %q to the table under %q (and its description up to the served sections):\n%s",
				route, notServedHeading, routeIndexHeading, line)
			continue
		}
		method, path, _ := strings.Cut(route, " ")
		t.Errorf("docs/API.md: %s is served but not documented: add this line to the table under %q, saying who may call it and what it does, and describe its fields and statuses below:\n| %s | `%s` | who | does |",
			route, routeIndexHeading, method, path)
	}
	for _, route := range sortedKeys(index) {
		if !served[route] {
			t.Errorf("docs/API.md: %s is in the route index but the app does not serve it: remove this line (or move it under %q if it is still to come):\n%s",
				route, notServedHeading, index[route])
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
