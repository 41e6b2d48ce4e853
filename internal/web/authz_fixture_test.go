package web_test

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/testutil"
)

// Roles of the authorization matrix, in the matrix's column order.
const (
	roleAnon       = "anonymous"
	roleContrib    = "contributor"
	roleBoard      = "board"
	roleOtherBoard = "other-board"
	roleAdmin      = "admin"
)

var matrixRoles = []string{roleAnon, roleContrib, roleBoard, roleOtherBoard, roleAdmin}

// runOrder is the order the roles' requests are sent in. The requests that
// succeed and change state for one role only (a vote, an amendment, a
// withdrawal) come last, so that earlier roles meet the state of the fixture
// and not the aftermath of someone else's success.
var runOrder = []string{roleAnon, roleContrib, roleOtherBoard, roleBoard, roleAdmin}

type matrixRow struct {
	line         int
	method, path string
	want         map[string]string
}

func (r matrixRow) key() string { return r.method + " " + r.path }

func readMatrix(t *testing.T) []matrixRow {
	t.Helper()
	f, err := os.Open("testdata/authz_matrix.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer closeFile(t, f)
	var rows []matrixRow
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Fields(line)
		if len(cols) != 2+len(matrixRoles) {
			t.Fatalf("authz_matrix.txt:%d: want %d columns, got %d", n, 2+len(matrixRoles), len(cols))
		}
		row := matrixRow{line: n, method: cols[0], path: cols[1], want: map[string]string{}}
		for i, role := range matrixRoles {
			row.want[role] = cols[2+i]
		}
		if seen[row.key()] {
			t.Fatalf("authz_matrix.txt:%d: %s listed twice", n, row.key())
		}
		seen[row.key()] = true
		rows = append(rows, row)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// registeredRoutes lists the app's routes as "METHOD /pattern", without
// middleware (Use) entries and without HEAD, which Fiber adds for every GET.
func registeredRoutes(a *testAtlas) []string {
	var out []string
	for _, r := range a.app.GetRoutes(true) {
		if r.Method == http.MethodHead {
			continue
		}
		k := r.Method + " " + r.Path
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// authzFixture is the app with one account per role, plus a submitter who
// plays no role (so "submitter may withdraw" does not blur the columns).
type authzFixture struct {
	a     *testAtlas
	d     *db.DB
	users map[string]*model.User // by role; anonymous is nil
	names map[string]string      // API user name by role; anonymous is ""
	n     int                    // makes titles and names unique
	// Sheet B and its review, made once.
	slugB   string
	reviewB int64
}

func newAuthzFixture(t *testing.T, d *db.DB) *authzFixture {
	t.Helper()
	// The same people comment in every world, faster than the rate limit
	// of discussions allows.
	a := newTestAtlasPostingFreely(t, d)
	f := &authzFixture{a: a, d: d}
	made := map[string]*model.User{}
	for _, n := range []string{"ba", "ba2", "ba3", "bb", "sam"} {
		made[n] = f.addUser(t, n, model.RoleContributor)
	}
	f.users = map[string]*model.User{roleAnon: nil, roleContrib: a.marie, roleBoard: made["ba"], roleOtherBoard: made["bb"], roleAdmin: a.admin}
	f.names = map[string]string{roleAnon: "", roleContrib: "marie", roleBoard: "ba", roleOtherBoard: "bb", roleAdmin: "admin"}
	return f
}

// addUser stores an account with an API token registered under its name.
func (f *authzFixture) addUser(t *testing.T, name, role string) *model.User {
	t.Helper()
	u := testutil.User(t, f.a.store, name, role)
	tok, err := f.a.auth.CreateAPIToken(t.Context(), u.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	f.a.tokens[name] = tok
	return u
}

// renewTokens gives a new API token to each account whose token ended
// (a password change ends them all).
func (f *authzFixture) renewTokens(t *testing.T) {
	t.Helper()
	for name, tok := range f.a.tokens {
		if _, err := f.a.auth.UserForToken(t.Context(), tok); err == nil {
			continue
		}
		u, err := f.a.store.UserByUsername(t.Context(), name)
		if err != nil {
			t.Fatal(err)
		}
		if f.a.tokens[name], err = f.a.auth.CreateAPIToken(t.Context(), u.ID, "test"); err != nil {
			t.Fatal(err)
		}
	}
}

// sessionBrowser gives a person a fresh server-side session, as a login
// would, without paying for a password hash on every request. u nil makes
// an anonymous session (as the login form made before it had a cookie of
// its own).
func sessionBrowser(t *testing.T, a *testAtlas, u *model.User) (*browser, string) {
	t.Helper()
	var id *int64
	if u != nil {
		id = &u.ID
	}
	token, sess, err := a.auth.StartSession(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	b := a.browser()
	b.cookies["atlas_session"] = token
	return b, sess.CSRFToken
}

// postForm posts a form with the given CSRF token (none when empty).
func postForm(b *browser, path, csrf string, form url.Values) response {
	v := url.Values{}
	for k, vals := range form {
		v[k] = append([]string(nil), vals...)
	}
	if csrf != "" {
		v.Set("_csrf", csrf)
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.send(req)
}

// mustAPI sends an API request that must answer want.
func mustAPI(t *testing.T, a *testAtlas, method, path, user string, body any, want int) map[string]any {
	t.Helper()
	r := a.api(method, path, user, body)
	if r.status != want {
		t.Fatalf("%s %s as %q: %d, want %d: %.300s", method, path, user, r.status, want, r.body)
	}
	if len(r.body) == 0 || r.body[0] != '{' {
		return nil
	}
	return r.json(t)
}
