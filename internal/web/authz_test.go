package web_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/media/mediatest"
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

// TestAuthzMatrixCoversEveryRoute fails when a route is added without
// deciding who may use it, or when the matrix names a route that is gone.
func TestAuthzMatrixCoversEveryRoute(t *testing.T) {
	a := newTestAtlas(t, testutil.NewSQLite(t))
	inMatrix := map[string]bool{}
	for _, r := range readMatrix(t) {
		inMatrix[r.key()] = true
	}
	routes := registeredRoutes(a)
	if len(routes) < 50 {
		t.Fatalf("only %d routes registered: GetRoutes is not seeing the app", len(routes))
	}
	for _, k := range routes {
		if !inMatrix[k] {
			t.Errorf("route %s is not in testdata/authz_matrix.txt: decide who may use it", k)
		}
		delete(inMatrix, k)
	}
	for k := range inMatrix {
		t.Errorf("testdata/authz_matrix.txt lists %s, which is not a registered route", k)
	}
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

// world is what one route is tried on: a fresh sheet A with its board, an
// open review and a comment; sheet B (board: bb, with an open review) is
// shared, as nothing in the matrix touches it.
type world struct {
	f                *authzFixture
	slugA, slugB     string
	reviewA, reviewB int64
	asset            string // path of the stylesheet, with its hash
}

func (f *authzFixture) newWorld(t *testing.T) *world {
	t.Helper()
	f.n++
	a := f.a
	f.renewTokens(t)
	if f.slugB == "" {
		f.slugB = createSheet(t, a, "Fiche B", body1)
		mustAPI(t, a, http.MethodPut, "/sheets/"+f.slugB+"/board", "admin", map[string]any{"members": []string{"bb"}}, http.StatusOK)
		f.reviewB = int64(mustAPI(t, a, http.MethodPost, "/sheets/"+f.slugB+"/reviews", "sam", map[string]any{"revision": 1}, http.StatusCreated)["id"].(float64))
	}
	w := &world{f: f, slugB: f.slugB, reviewB: f.reviewB}
	w.slugA = createSheet(t, a, fmt.Sprintf("Fiche A %d", f.n), body1)
	mustAPI(t, a, http.MethodPut, "/sheets/"+w.slugA, "marie", map[string]any{"base": 1, "title": fmt.Sprintf("Fiche A %d", f.n), "body": body1 + "\nDeuxième version.\n"}, http.StatusOK)
	mustAPI(t, a, http.MethodPut, "/sheets/"+w.slugA+"/board", "admin", map[string]any{"members": []string{"ba", "ba2", "ba3"}}, http.StatusOK)
	w.reviewA = int64(mustAPI(t, a, http.MethodPost, "/sheets/"+w.slugA+"/reviews", "sam", map[string]any{"revision": 2}, http.StatusCreated)["id"].(float64))
	mustAPI(t, a, http.MethodPost, "/sheets/"+w.slugA+"/comments", "marie", map[string]any{"body": "Une remarque."}, http.StatusCreated)
	return w
}

func (w *world) sheet(t *testing.T, slug string) *model.Sheet {
	t.Helper()
	sh, err := w.f.a.store.SheetBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return sh
}

func (w *world) review(t *testing.T, id int64) *model.Review {
	t.Helper()
	r, err := w.f.a.store.ReviewByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var assetHref = regexp.MustCompile(`href="(/static/[^"]+\.css)"`)

func (w *world) stylesheet(t *testing.T) string {
	t.Helper()
	if w.asset == "" {
		m := assetHref.FindSubmatch(w.f.a.browser().get("/").body)
		if m == nil {
			t.Fatal("no stylesheet link on the home page")
		}
		w.asset = string(m[1])
	}
	return w.asset
}

// call is one request of the matrix: path parameters to set (the key "?"
// is a query string) and a body (JSON for the API, url.Values for a page
// form; _csrf is added).
type call struct {
	vars map[string]string
	body any
}

// minutesCall asks for the minutes of a period.
func minutesCall(*testing.T, *world, string) call {
	return call{vars: map[string]string{"?": "from=2026-01-01&to=2026-12-31"}}
}

// matrixCalls builds, per route, the minimal valid request. It runs right
// before each role's request, so it sees the state left by earlier roles.
// Routes absent here get no body and the default path parameters.
var matrixCalls = map[string]func(t *testing.T, w *world, role string) call{
	"POST /api/v1/sheets": func(t *testing.T, w *world, role string) call {
		return call{body: map[string]any{"title": "Créée par " + role, "body": "x"}}
	},
	"PUT /api/v1/sheets/:slug": func(t *testing.T, w *world, role string) call {
		sh := w.sheet(t, w.slugA)
		return call{body: map[string]any{"base": sh.HeadNumber, "title": sh.Title, "body": body1 + "\nÉdité par " + role + ".\n"}}
	},
	"PATCH /api/v1/sheets/:slug": func(t *testing.T, w *world, role string) call {
		sh := w.sheet(t, w.slugA)
		return call{body: map[string]any{"base": sh.HeadNumber, "meta": map[string]any{"tags": []string{role}}}}
	},
	"GET /api/v1/sheets/:slug/diff": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"?": "from=1&to=2"}}
	},
	"POST /api/v1/sheets/:slug/restore": func(t *testing.T, w *world, role string) call {
		// The revision before the head always differs from the head.
		return call{body: map[string]any{"revision": w.sheet(t, w.slugA).HeadNumber - 1}}
	},
	// Undoing the head always takes something back: its parent's text.
	"POST /api/v1/sheets/:slug/undo": func(t *testing.T, w *world, role string) call {
		return call{body: map[string]any{"revision": w.sheet(t, w.slugA).HeadNumber}}
	},
	"POST /api/v1/sheets/:slug/comments": func(t *testing.T, w *world, role string) call {
		return call{body: map[string]any{"body": "Message de " + role}}
	},
	"DELETE /api/v1/comments/:id": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"id": w.commentOfSam(t)}, body: map[string]any{"reason": "hors sujet"}}
	},
	"PUT /api/v1/sheets/:slug/board": func(t *testing.T, w *world, role string) call {
		return call{body: map[string]any{"members": []string{"ba", "ba2", "ba3"}}}
	},
	"POST /api/v1/sheets/:slug/reviews": func(t *testing.T, w *world, role string) call {
		w.closeOpenReviewOfA(t)
		return call{body: map[string]any{"revision": w.sheet(t, w.slugA).HeadNumber}}
	},
	// Abstaining never reaches a majority, so the review stays open.
	"POST /api/v1/reviews/:id/votes": func(t *testing.T, w *world, role string) call {
		return call{body: map[string]any{"choice": "abstain", "revision": w.review(t, w.reviewA).RevisionNumber}}
	},
	"POST /api/v1/reviews/:id/amendments": func(t *testing.T, w *world, role string) call {
		r := w.review(t, w.reviewA)
		return call{body: map[string]any{"base": r.RevisionNumber, "title": "Amendée", "body": body1 + "\nAmendée par " + role + ".\n"}}
	},
	"POST /api/v1/preview": func(t *testing.T, w *world, role string) call {
		return call{body: map[string]any{"body": "## Aperçu de " + role + "\n\nTexte.\n"}}
	},
	"PUT /api/v1/sheets/:slug/draft": func(t *testing.T, w *world, role string) call {
		return call{body: w.putDraft(t, role, "", false)}
	},
	"GET /api/v1/sheets/:slug/draft": func(t *testing.T, w *world, role string) call {
		w.putDraft(t, role, w.slugA, true)
		return call{}
	},
	"DELETE /api/v1/sheets/:slug/draft": func(t *testing.T, w *world, role string) call {
		w.putDraft(t, role, w.slugA, true)
		return call{}
	},
	"PUT /api/v1/drafts/new": func(t *testing.T, w *world, role string) call {
		return call{body: map[string]any{"title": "Brouillon de " + role, "body": "x"}}
	},
	"GET /api/v1/drafts/new": func(t *testing.T, w *world, role string) call {
		w.putDraft(t, role, "new", true)
		return call{}
	},
	"DELETE /api/v1/drafts/new": func(t *testing.T, w *world, role string) call {
		w.putDraft(t, role, "new", true)
		return call{}
	},
	"POST /api/v1/sheets/:slug/media": func(t *testing.T, w *world, role string) call {
		return call{body: pictureUpload{}}
	},
	"POST /sheets/:slug/media": func(t *testing.T, w *world, role string) call {
		return call{body: pictureUpload{}}
	},
	"GET /media/:sha": func(t *testing.T, w *world, role string) call {
		r := w.f.a.upload(w.slugA, "admin", "Une image", "a.gif", "image/gif", mediatest.GIF(8, 8))
		if r.status != http.StatusCreated {
			t.Fatalf("upload: %d %s", r.status, r.body)
		}
		return call{vars: map[string]string{"sha": r.json(t)["sha256"].(string)}}
	},
	"POST /sheets/:slug/draft": func(t *testing.T, w *world, role string) call {
		sh := w.sheet(t, w.slugA)
		return call{body: url.Values{"base": {strconv.Itoa(sh.HeadNumber)}, "title": {sh.Title}, "body": {"Brouillon de " + role}}}
	},
	"POST /drafts/new": func(t *testing.T, w *world, role string) call {
		return call{body: url.Values{"title": {"Brouillon de " + role}, "body": {"x"}}}
	},
	"POST /login": func(t *testing.T, w *world, role string) call {
		return call{body: url.Values{"username": {"marie"}, "password": {testutil.FixturePassword}}}
	},
	"POST /sheets": func(t *testing.T, w *world, role string) call {
		return call{body: url.Values{"title": {"Formulaire de " + role}, "body": {"x"}}}
	},
	"POST /sheets/:slug/edit": func(t *testing.T, w *world, role string) call {
		sh := w.sheet(t, w.slugA)
		return call{body: url.Values{"base": {strconv.Itoa(sh.HeadNumber)}, "title": {sh.Title}, "body": {body1 + "\nFormulaire de " + role + ".\n"}}}
	},
	"POST /sheets/:slug/revisions/:number/restore": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"number": strconv.Itoa(w.sheet(t, w.slugA).HeadNumber - 1)}, body: url.Values{}}
	},
	"GET /sheets/:slug/revisions/:number/undo": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"number": strconv.Itoa(w.sheet(t, w.slugA).HeadNumber)}}
	},
	"POST /sheets/:slug/revisions/:number/undo": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"number": strconv.Itoa(w.sheet(t, w.slugA).HeadNumber)}, body: url.Values{}}
	},
	"GET /sheets/:slug/diff": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"?": "from=1&to=2"}}
	},
	"GET /sheets/:slug/board/minutes.md":     minutesCall,
	"GET /sheets/:slug/board/minutes.html":   minutesCall,
	"GET /api/v1/sheets/:slug/board/minutes": minutesCall,
	"POST /sheets/:slug/comments": func(t *testing.T, w *world, role string) call {
		return call{body: url.Values{"body": {"Message de " + role}}}
	},
	"POST /sheets/:slug/comments/:id/hide": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"id": w.commentOfSam(t)}, body: url.Values{"reason": {"hors sujet"}}}
	},
	"POST /sheets/:slug/reviews": func(t *testing.T, w *world, role string) call {
		w.closeOpenReviewOfA(t)
		return call{body: url.Values{"revision": {strconv.Itoa(w.sheet(t, w.slugA).HeadNumber)}}}
	},
	"POST /sheets/:slug/reviews/:id/votes": func(t *testing.T, w *world, role string) call {
		return call{body: url.Values{"choice": {"abstain"}, "revision": {strconv.Itoa(w.review(t, w.reviewA).RevisionNumber)}}}
	},
	"POST /sheets/:slug/reviews/:id/amend": func(t *testing.T, w *world, role string) call {
		r := w.review(t, w.reviewA)
		return call{body: url.Values{"base": {strconv.Itoa(r.RevisionNumber)}, "title": {"Amendée"}, "body": {body1 + "\nAmendée par " + role + ".\n"}}}
	},
	"POST /sheets/:slug/board": func(t *testing.T, w *world, role string) call {
		return call{body: url.Values{"members": {"ba", "ba2", "ba3"}}}
	},
	"POST /api/v1/sheets/:slug/archive": func(t *testing.T, w *world, role string) call {
		return call{body: map[string]any{"reason": "fermé"}}
	},
	"POST /api/v1/sheets/:slug/unarchive": func(t *testing.T, w *world, role string) call {
		w.archiveA(t)
		return call{}
	},
	"POST /api/v1/sheets/:slug/merge": func(t *testing.T, w *world, role string) call {
		return call{body: map[string]any{"into": w.slugB, "reason": "doublon"}}
	},
	"POST /sheets/:slug/rename": func(t *testing.T, w *world, role string) call {
		return call{body: url.Values{"title": {"Renommée par " + role}, "slug": {w.slugA + "-" + role}}}
	},
	"POST /sheets/:slug/archive": func(t *testing.T, w *world, role string) call {
		return call{body: url.Values{"reason": {"fermé"}}}
	},
	"POST /sheets/:slug/unarchive": func(t *testing.T, w *world, role string) call {
		w.archiveA(t)
		return call{body: url.Values{}}
	},
	"POST /sheets/:slug/merge": func(t *testing.T, w *world, role string) call {
		return call{body: url.Values{"into": {w.slugB}, "reason": {"doublon"}}}
	},
	// The same password again: the account keeps working for later tests.
	"POST /account/password": func(t *testing.T, w *world, role string) call {
		return call{body: url.Values{"current_password": {testutil.FixturePassword}, "password": {testutil.FixturePassword}}}
	},
	"POST /account/tokens": func(t *testing.T, w *world, role string) call {
		return call{body: url.Values{"name": {"script"}}}
	},
	"POST /account/tokens/:id/delete": func(t *testing.T, w *world, role string) call {
		a := w.f.a
		if _, err := a.auth.CreateAPIToken(t.Context(), a.admin.ID, "cible"); err != nil {
			t.Fatal(err)
		}
		toks, err := a.store.APITokensOfUser(t.Context(), a.admin.ID)
		if err != nil {
			t.Fatal(err)
		}
		return call{vars: map[string]string{"id": strconv.FormatInt(toks[0].ID, 10)}, body: url.Values{}}
	},
	"POST /admin/users": func(t *testing.T, w *world, role string) call {
		w.f.n++
		name := fmt.Sprintf("nouveau%d", w.f.n)
		return call{body: url.Values{"username": {name}, "email": {name + "@example.org"}, "role": {"contributor"}, "password": {"un mot de passe assez long"}}}
	},
	"POST /admin/users/:id": func(t *testing.T, w *world, role string) call {
		w.f.n++
		victim := testutil.User(t, w.f.a.store, fmt.Sprintf("cible%d", w.f.n), model.RoleContributor)
		return call{vars: map[string]string{"id": strconv.FormatInt(victim.ID, 10)}, body: url.Values{"role": {"contributor"}}}
	},
	"POST /admin/users/:id/password": func(t *testing.T, w *world, role string) call {
		w.f.n++
		victim := testutil.User(t, w.f.a.store, fmt.Sprintf("cible%d", w.f.n), model.RoleContributor)
		return call{vars: map[string]string{"id": strconv.FormatInt(victim.ID, 10)}, body: url.Values{"password": {"un mot de passe tout neuf"}}}
	},
	"POST /admin/users/:id/reset-link": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"id": strconv.FormatInt(w.victim(t).ID, 10)}}
	},
	"POST /api/v1/users/:username/reset-link": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"username": w.victim(t).Username}}
	},
	"POST /admin/users/:id/approve": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"id": strconv.FormatInt(w.pending(t).ID, 10)}}
	},
	"POST /admin/users/:id/refuse": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"id": strconv.FormatInt(w.pending(t).ID, 10)}}
	},
	"POST /api/v1/users/:username/approve": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"username": w.pending(t).Username}}
	},
	"POST /api/v1/users/:username/refuse": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"username": w.pending(t).Username}}
	},
	// The world has accounts: every setup link is dead.
	"GET /setup/:token":  func(t *testing.T, w *world, role string) call { return call{vars: map[string]string{"token": "mort"}} },
	"POST /setup/:token": func(t *testing.T, w *world, role string) call { return call{vars: map[string]string{"token": "mort"}} },
	// A fresh password link of a fresh account: whoever holds it uses it.
	"GET /password/:token": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"token": w.passwordLink(t)}}
	},
	"POST /password/:token": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"token": w.passwordLink(t)}, body: url.Values{"password": {"un mot de passe tout neuf"}}}
	},
}

// victim is a fresh contributor account.
func (w *world) victim(t *testing.T) *model.User {
	w.f.n++
	return testutil.User(t, w.f.a.store, fmt.Sprintf("cible%d", w.f.n), model.RoleContributor)
}

// pending is a fresh account waiting for an admin's yes.
func (w *world) pending(t *testing.T) *model.User {
	u := w.victim(t)
	if err := w.f.a.store.DecideUserState(context.Background(), u.ID, model.UserPending, model.UserActive); err != nil {
		t.Fatal(err)
	}
	return u
}

// passwordLink is the token of a fresh password link for a fresh account.
func (w *world) passwordLink(t *testing.T) string {
	l, err := w.f.a.auth.NewPasswordLink(context.Background(), nil, w.victim(t), "test", "")
	if err != nil {
		t.Fatal(err)
	}
	return l.Token
}

// commentOfSam posts a message on sheet A as the submitter, who plays no
// role, and returns its id.
func (w *world) commentOfSam(t *testing.T) string {
	t.Helper()
	r := mustAPI(t, w.f.a, http.MethodPost, "/sheets/"+w.slugA+"/comments", "sam", map[string]any{"body": "Un message de sam."}, http.StatusCreated)
	return strconv.FormatInt(int64(r["id"].(float64)), 10)
}

// archiveA archives sheet A, unless it is already.
func (w *world) archiveA(t *testing.T) {
	t.Helper()
	if !w.sheet(t, w.slugA).Archived() {
		mustAPI(t, w.f.a, http.MethodPost, "/sheets/"+w.slugA+"/archive", "admin", map[string]any{"reason": "fermé"}, http.StatusOK)
	}
}

// closeOpenReviewOfA withdraws A's open review, if any, so a submission can
// succeed.
func (w *world) closeOpenReviewOfA(t *testing.T) {
	t.Helper()
	sh := w.sheet(t, w.slugA)
	if r, err := w.f.a.store.OpenReviewOf(context.Background(), sh.ID); err == nil {
		mustAPI(t, w.f.a, http.MethodPost, fmt.Sprintf("/reviews/%d/withdraw", r.ID), "admin", nil, http.StatusOK)
	}
}

// instantiate fills a route pattern with the world's objects.
func (w *world) instantiate(t *testing.T, pattern string, vars map[string]string) string {
	t.Helper()
	defaults := map[string]string{
		"slug": w.slugA, "id": strconv.FormatInt(w.reviewA, 10), "number": "1", "lang": "en",
		// One-time links: a token nobody was given; an account's name.
		"token": "jeton-inconnu", "username": "marie",
		// A picture nobody uploaded; the matrix's row uploads one.
		"sha": strings.Repeat("0", 64),
	}
	if strings.HasPrefix(pattern, "/static/") {
		parts := strings.SplitN(strings.TrimPrefix(w.stylesheet(t), "/static/"), "/", 2)
		defaults["hash"], defaults["*"] = parts[0], parts[1]
	}
	for k, v := range vars {
		defaults[k] = v
	}
	segs := strings.Split(pattern, "/")
	for i, s := range segs {
		name, isParam := strings.CutPrefix(s, ":")
		if s == "*" {
			name, isParam = "*", true
		}
		if !isParam {
			continue
		}
		v, ok := defaults[name]
		if !ok {
			t.Fatalf("no value for %s in %s", s, pattern)
		}
		segs[i] = v
	}
	path := strings.Join(segs, "/")
	if q := defaults["?"]; q != "" {
		path += "?" + q
	}
	return path
}

// send makes one role's request: a bearer token on the API, a fresh
// session with its CSRF token on pages.
func (w *world) send(t *testing.T, method, path, role string, body any) response {
	t.Helper()
	a := w.f.a
	if _, ok := body.(pictureUpload); ok {
		return w.sendPicture(t, path, role)
	}
	if rest, ok := strings.CutPrefix(path, "/api/v1"); ok {
		return a.api(method, rest, w.f.names[role], body)
	}
	b, csrf := sessionBrowser(t, a, w.f.users[role])
	if method == http.MethodGet {
		return b.get(path)
	}
	form, _ := body.(url.Values)
	return postForm(b, path, csrf, form)
}

// pictureUpload is the body of a picture's upload: a small PNG and its
// description, sent as a multipart form.
type pictureUpload struct{}

func (w *world) sendPicture(t *testing.T, path, role string) response {
	t.Helper()
	fields := map[string]string{"alt": "Une image de " + role}
	if !strings.HasPrefix(path, "/api/v1") {
		b, csrf := sessionBrowser(t, w.f.a, w.f.users[role])
		fields["_csrf"] = csrf
		return b.send(uploadRequest(t, path, fields, "a.png", "image/png", mediatest.PNG(8, 8)))
	}
	req := uploadRequest(t, path, fields, "a.png", "image/png", mediatest.PNG(8, 8))
	if name := w.f.names[role]; name != "" {
		req.Header.Set("Authorization", "Bearer "+w.f.a.tokens[name])
	}
	return w.f.a.do(req)
}

// putDraft gives a role a draft of sheet A (slug "new": of a new sheet)
// when store is set, through the API, and returns the body of a PUT.
func (w *world) putDraft(t *testing.T, role, slug string, store bool) map[string]any {
	t.Helper()
	body := map[string]any{"base": w.sheet(t, w.slugA).HeadNumber, "title": "Brouillon", "body": "Brouillon de " + role}
	path := "/sheets/" + w.slugA + "/draft"
	if slug == "new" {
		body["base"], path = 0, "/drafts/new"
	}
	if store && w.f.names[role] != "" {
		if r := w.f.a.api(http.MethodPut, path, w.f.names[role], body); r.status != http.StatusOK {
			t.Fatalf("PUT %s as %s: %d %s", path, role, r.status, r.body)
		}
	}
	return body
}

// outcome is a response as the matrix writes it.
func outcome(r response) string {
	if r.status == http.StatusSeeOther && strings.HasPrefix(r.header.Get("Location"), "/login") {
		return "login"
	}
	return strconv.Itoa(r.status)
}

func TestAuthzMatrix(t *testing.T) {
	rows := readMatrix(t)
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		f := newAuthzFixture(t, d)
		var w *world
		dirty := true
		for _, row := range rows {
			// Reads share a world; a row that may write gets a fresh one,
			// and so does the row after it.
			if dirty || row.method != http.MethodGet {
				w = f.newWorld(t)
			}
			dirty = row.method != http.MethodGet
			for _, role := range runOrder {
				c := call{}
				if build := matrixCalls[row.key()]; build != nil {
					c = build(t, w, role)
				}
				path := w.instantiate(t, row.path, c.vars)
				r := w.send(t, row.method, path, role, c.body)
				if got, want := outcome(r), row.want[role]; got != want {
					t.Errorf("authz_matrix.txt:%d %s as %s: got %s, want %s (request %s %s): %.200s",
						row.line, row.key(), role, got, want, row.method, path, r.body)
				}
				if r.status >= 500 {
					t.Errorf("%s %s as %s: server error %d", row.method, path, role, r.status)
				}
			}
		}
	})
}

// TestObjectsOfAnotherSheetAre404: a review is addressed under its sheet;
// sheet A's path with sheet B's review names nothing, whatever one's rights
// on B.
func TestObjectsOfAnotherSheetAre404(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		f := newAuthzFixture(t, d)
		w := f.newWorld(t)
		under := fmt.Sprintf("/sheets/%s/reviews/%d", w.slugA, w.reviewB)
		for _, role := range []string{roleOtherBoard, roleAdmin, roleAnon} {
			for _, p := range []string{"", "/record.json", "/record.md", "/amend"} {
				if role == roleAnon && p == "/amend" {
					continue // the login check comes first
				}
				b, _ := sessionBrowser(t, f.a, f.users[role])
				if r := b.get(under + p); r.status != http.StatusNotFound {
					t.Errorf("GET %s as %s: %d, want 404", under+p, role, r.status)
				}
			}
		}
		// bb sits on B's board: through A's path the vote must not land on B.
		revB := strconv.Itoa(w.review(t, w.reviewB).RevisionNumber)
		posts := map[string]url.Values{
			"/votes":    {"choice": {"approve"}, "revision": {revB}},
			"/amend":    {"base": {revB}, "title": {"Détournée"}, "body": {"détournée"}},
			"/withdraw": {},
		}
		for _, role := range []string{roleOtherBoard, roleAdmin} {
			for p, form := range posts {
				b, csrf := sessionBrowser(t, f.a, f.users[role])
				if r := postForm(b, under+p, csrf, form); r.status != http.StatusNotFound {
					t.Errorf("POST %s as %s: %d, want 404", under+p, role, r.status)
				}
			}
		}
		// A comment on A naming B's review.
		b, csrf := sessionBrowser(t, f.a, f.users[roleOtherBoard])
		if r := postForm(b, "/sheets/"+w.slugA+"/comments", csrf, url.Values{"body": {"égaré"}, "review": {strconv.FormatInt(w.reviewB, 10)}}); r.status != http.StatusNotFound {
			t.Errorf("comment on A about B's review: %d, want 404", r.status)
		}
		// Nothing reached B's review.
		rb := mustAPI(t, f.a, http.MethodGet, fmt.Sprintf("/reviews/%d", w.reviewB), "", nil, http.StatusOK)
		if rb["state"] != "submitted" || len(rb["votes"].([]any)) != 0 || rb["revision"] != 1.0 {
			t.Errorf("B's review changed through A's path: %v", rb)
		}
		if head := w.sheet(t, w.slugB).HeadNumber; head != 1 {
			t.Errorf("B's head = %d after amendments through A's path", head)
		}
		if n := len(mustAPI(t, f.a, http.MethodGet, "/sheets/"+w.slugB+"/comments", "", nil, http.StatusOK)["comments"].([]any)); n != 0 {
			t.Errorf("B has %d comments", n)
		}
	})
}

// TestRevisionsBeyondHeadAre404 tries every way of naming a revision with
// numbers that do not exist.
func TestRevisionsBeyondHeadAre404(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		f := newAuthzFixture(t, d)
		w := f.newWorld(t)
		head := w.sheet(t, w.slugA).HeadNumber
		s := "/sheets/" + w.slugA
		for _, n := range []int{head + 1, head + 1000, 0, -1} {
			num := strconv.Itoa(n)
			for _, user := range []string{"", "marie"} {
				for _, p := range []string{s + "/revisions/" + num, s + "?revision=" + num, s + "/diff?from=1&to=" + num, s + "/diff?from=" + num + "&to=1"} {
					r := f.a.api(http.MethodGet, p, user, nil)
					// Zero and negatives are malformed parameters (400) in a
					// query, nameless objects (404) in a path.
					want := http.StatusNotFound
					if n < 1 && strings.Contains(p, "=") {
						want = http.StatusBadRequest
					}
					if r.status != want {
						t.Errorf("API GET %s as %q: %d, want %d", p, user, r.status, want)
					}
				}
			}
			if n >= 1 {
				if r := f.a.api(http.MethodPost, s+"/restore", "marie", map[string]any{"revision": n}); r.status != http.StatusNotFound {
					t.Errorf("API restore %d: %d, want 404", n, r.status)
				}
				if r := f.a.api(http.MethodPost, s+"/undo", "marie", map[string]any{"revision": n}); r.status != http.StatusNotFound {
					t.Errorf("API undo %d: %d, want 404", n, r.status)
				}
			}
			b, csrf := sessionBrowser(t, f.a, f.a.marie)
			for _, p := range []string{s + "/revisions/" + num, s + "/diff?from=1&to=" + num} {
				want := http.StatusNotFound
				if n < 1 && strings.Contains(p, "=") {
					want = http.StatusBadRequest
				}
				if r := b.get(p); r.status != want {
					t.Errorf("GET %s: %d, want %d", p, r.status, want)
				}
			}
			if r := postForm(b, s+"/revisions/"+num+"/restore", csrf, url.Values{}); r.status != http.StatusNotFound {
				t.Errorf("POST restore of %d: %d, want 404", n, r.status)
			}
			if r := postForm(b, s+"/revisions/"+num+"/undo", csrf, url.Values{}); r.status != http.StatusNotFound {
				t.Errorf("POST undo of %d: %d, want 404", n, r.status)
			}
			if r := b.get(s + "/revisions/" + num + "/undo"); r.status != http.StatusNotFound {
				t.Errorf("GET undo of %d: %d, want 404", n, r.status)
			}
			if r := f.a.api(http.MethodPost, s+"/comments", "marie", map[string]any{"body": "x", "revision": n}); r.status != http.StatusUnprocessableEntity {
				t.Errorf("comment on revision %d: %d, want 422", n, r.status)
			}
		}
		if got := w.sheet(t, w.slugA).HeadNumber; got != head {
			t.Errorf("head moved from %d to %d", head, got)
		}
	})
}

// massFields are what a client must never set: the server decides them.
var massFields = []string{"author", "role", "state", "published", "head", "sha256", "id", "created_by", "origin", "number", "submitted_by", "voter", "counted"}

// TestMassAssignmentJSONIsRefused: every API write refuses a field it does
// not take, at the top level and inside meta, and stores nothing.
func TestMassAssignmentJSONIsRefused(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		f := newAuthzFixture(t, d)
		w := f.newWorld(t)
		s := "/sheets/" + w.slugA
		rv := fmt.Sprintf("/reviews/%d", w.reviewA)
		revA := w.review(t, w.reviewA).RevisionNumber
		head := w.sheet(t, w.slugA).HeadNumber
		writes := []struct {
			method, path, user string
			body               map[string]any
			hasMeta            bool
		}{
			{http.MethodPost, "/sheets", "marie", map[string]any{"title": "Nouvelle", "body": "x"}, true},
			{http.MethodPut, s, "marie", map[string]any{"base": head, "title": "A", "body": "changé"}, true},
			{http.MethodPost, s + "/restore", "marie", map[string]any{"revision": 1}, false},
			{http.MethodPost, s + "/undo", "marie", map[string]any{"revision": head}, false},
			{http.MethodPost, s + "/comments", "marie", map[string]any{"body": "x"}, false},
			{http.MethodPut, s + "/board", "admin", map[string]any{"members": []string{"ba"}}, false},
			{http.MethodPost, "/sheets/" + w.slugB + "/reviews", "marie", map[string]any{"revision": 1}, false},
			{http.MethodPost, rv + "/votes", "ba", map[string]any{"choice": "approve", "revision": revA}, false},
			{http.MethodPost, rv + "/amendments", "ba", map[string]any{"base": revA, "title": "A", "body": "amendé"}, true},
		}
		before := snapshot(t, f, w)
		for _, wr := range writes {
			for _, field := range massFields {
				body := map[string]any{}
				for k, v := range wr.body {
					body[k] = v
				}
				body[field] = "admin"
				r := f.a.api(wr.method, wr.path, wr.user, body)
				if r.status != http.StatusBadRequest || r.json(t)["error"] != "bad_request" {
					t.Errorf("%s %s with %q: %d %.200s, want 400 bad_request", wr.method, wr.path, field, r.status, r.body)
				}
				if wr.hasMeta {
					delete(body, field)
					body["meta"] = map[string]any{field: "x", "place": map[string]any{"lat": 1, "lon": 1, field: 1}}
					if r := f.a.api(wr.method, wr.path, wr.user, body); r.status != http.StatusBadRequest {
						t.Errorf("%s %s with meta.%s: %d, want 400", wr.method, wr.path, field, r.status)
					}
				}
			}
		}
		if after := snapshot(t, f, w); after != before {
			t.Errorf("refused requests changed the atlas:\nbefore %s\nafter  %s", before, after)
		}
	})
}

// snapshot sums up what a write could have changed.
func snapshot(t *testing.T, f *authzFixture, w *world) string {
	t.Helper()
	a := f.a
	sheets := mustAPI(t, a, http.MethodGet, "/sheets", "", nil, http.StatusOK)["sheets"].([]any)
	var b strings.Builder
	fmt.Fprintf(&b, "sheets=%d", len(sheets))
	for _, slug := range []string{w.slugA, w.slugB} {
		sh := mustAPI(t, a, http.MethodGet, "/sheets/"+slug, "marie", nil, http.StatusOK)
		comments := mustAPI(t, a, http.MethodGet, "/sheets/"+slug+"/comments", "", nil, http.StatusOK)["comments"].([]any)
		reviews := mustAPI(t, a, http.MethodGet, "/sheets/"+slug+"/reviews", "", nil, http.StatusOK)["reviews"].([]any)
		fmt.Fprintf(&b, " %s:head=%v,published=%v,board=%v,open=%v,comments=%d,reviews=%d", slug, sh["head"], sh["published"], sh["board"], sh["open_review"], len(comments), len(reviews))
		for _, r := range reviews {
			m := r.(map[string]any)
			fmt.Fprintf(&b, ",review%v=%v/%v/votes%d", m["id"], m["state"], m["revision"], len(m["votes"].([]any)))
		}
	}
	return b.String()
}

// TestMassAssignmentFormsAreIgnored: forms read only their own fields;
// extra ones change nothing.
func TestMassAssignmentFormsAreIgnored(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		f := newAuthzFixture(t, d)
		w := f.newWorld(t)
		a := f.a
		extra := url.Values{
			"author": {"admin"}, "author_id": {strconv.FormatInt(a.admin.ID, 10)}, "role": {"admin"}, "state": {"validated"},
			"published": {"1"}, "published_number": {"1"}, "head": {"99"}, "head_number": {"99"}, "sha256": {strings.Repeat("0", 64)},
			"id": {"1"}, "origin": {"import"}, "created_by": {strconv.FormatInt(a.admin.ID, 10)}, "disabled": {"1"}, "user_id": {strconv.FormatInt(a.admin.ID, 10)},
		}
		with := func(form url.Values) url.Values {
			out := url.Values{}
			for k, v := range extra {
				out[k] = v
			}
			for k, v := range form {
				out[k] = v
			}
			return out
		}
		marie, csrf := sessionBrowser(t, a, a.marie)

		// The edit form.
		sh := w.sheet(t, w.slugA)
		body := body1 + "\nAvec des champs en trop.\n"
		r := postForm(marie, "/sheets/"+w.slugA+"/edit", csrf, with(url.Values{"base": {strconv.Itoa(sh.HeadNumber)}, "title": {sh.Title}, "body": {body}}))
		if r.status != http.StatusSeeOther {
			t.Fatalf("edit with extra fields: %d %.300s", r.status, r.body)
		}
		after := w.sheet(t, w.slugA)
		if after.HeadNumber != sh.HeadNumber+1 || after.PublishedNumber != nil || after.CreatedBy != sh.CreatedBy {
			t.Errorf("sheet after the edit: head %d published %v created_by %d", after.HeadNumber, after.PublishedNumber, after.CreatedBy)
		}
		rev := mustAPI(t, a, http.MethodGet, fmt.Sprintf("/sheets/%s/revisions/%d", w.slugA, after.HeadNumber), "marie", nil, http.StatusOK)
		if rev["author"] != "marie" || rev["origin"] != "edit" || rev["body"] != body || rev["sha256"] == strings.Repeat("0", 64) || rev["state"] != "draft" {
			t.Errorf("revision saved with extra fields: %v", rev)
		}
		if rs := w.review(t, w.reviewA); rs.State != "submitted" {
			t.Errorf("review state = %s", rs.State)
		}

		// The new-sheet form takes no slug, author or state either.
		r = postForm(marie, "/sheets", csrf, with(url.Values{"title": {"Champs en trop"}, "body": {"x"}, "slug": {"choisie"}}))
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/sheets/champs-en-trop" {
			t.Errorf("create with extra fields: %d %s", r.status, r.header.Get("Location"))
		}
		created := mustAPI(t, a, http.MethodGet, "/sheets/champs-en-trop/revisions/1", "marie", nil, http.StatusOK)
		if created["author"] != "marie" || created["origin"] != "edit" {
			t.Errorf("created revision: %v", created)
		}

		// Account forms: role and user_id are not theirs to set.
		postForm(marie, "/account/tokens", csrf, with(url.Values{"name": {"à moi"}}))
		postForm(marie, "/account/password", csrf, with(url.Values{"current_password": {testutil.FixturePassword}, "password": {testutil.FixturePassword}}))
		postForm(marie, "/inbox/read", csrf, extra)
		m := userByName(t, a, "marie")
		if m.Role != model.RoleContributor || m.Disabled {
			t.Errorf("marie after her account forms: role %s disabled %v", m.Role, m.Disabled)
		}
		if toks, _ := a.store.APITokensOfUser(t.Context(), a.admin.ID); len(toks) != 1 {
			t.Errorf("the admin has %d tokens, want 1: a token was created for someone else", len(toks))
		}

		// Admin forms: the role form sets role and disabled, nothing else.
		admin, acsrf := sessionBrowser(t, a, a.admin)
		target := userByName(t, a, "ba")
		r = postForm(admin, fmt.Sprintf("/admin/users/%d", target.ID), acsrf, url.Values{
			"role": {"contributor"}, "username": {"pirate"}, "email": {"pirate@example.org"}, "display_name": {"Pirate"},
			"password": {"un autre mot de passe"}, "password_hash": {"x"}, "id": {strconv.FormatInt(a.admin.ID, 10)},
		})
		if r.status != http.StatusSeeOther {
			t.Fatalf("role form: %d %.200s", r.status, r.body)
		}
		got := userByName(t, a, "ba")
		if got.ID != target.ID || got.Email != target.Email || got.DisplayName != target.DisplayName || got.PasswordHash != target.PasswordHash || got.Disabled {
			t.Errorf("role form changed more than the role: %+v", got)
		}
		if adm := userByName(t, a, "admin"); adm.Role != model.RoleAdmin || adm.Disabled {
			t.Errorf("the id field reached the admin's own account: %+v", adm)
		}
		// The create form: a new account is never born disabled or with
		// another's id.
		r = postForm(admin, "/admin/users", acsrf, with(url.Values{"username": {"neuve"}, "email": {"neuve@example.org"}, "role": {"contributor"}, "password": {"un mot de passe assez long"}}))
		if r.status != http.StatusSeeOther {
			t.Fatalf("create user: %d %.300s", r.status, r.body)
		}
		if n := userByName(t, a, "neuve"); n.Disabled || n.Role != model.RoleContributor {
			t.Errorf("created account: %+v", n)
		}
	})
}

func userByName(t *testing.T, a *testAtlas, name string) *model.User {
	t.Helper()
	u, err := a.store.UserByUsername(context.Background(), name)
	if err != nil {
		t.Fatalf("user %s: %v", name, err)
	}
	return u
}

// pagePOSTs are the page routes that take a form, instantiated on a world.
func pagePOSTs(t *testing.T, w *world) []string {
	t.Helper()
	var out []string
	for _, k := range registeredRoutes(w.f.a) {
		method, pattern, _ := strings.Cut(k, " ")
		if method != http.MethodPost || strings.HasPrefix(pattern, "/api/") {
			continue
		}
		vars := map[string]string{}
		if strings.HasPrefix(pattern, "/admin/users/") {
			vars["id"] = strconv.FormatInt(w.f.users[roleContrib].ID, 10)
		}
		out = append(out, w.instantiate(t, pattern, vars))
	}
	return out
}

// TestCSRFOnEveryPagePost: no page POST goes through without the token of
// the session that sends it.
func TestCSRFOnEveryPagePost(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		f := newAuthzFixture(t, d)
		w := f.newWorld(t)
		a := f.a
		paths := pagePOSTs(t, w)
		if len(paths) < 15 {
			t.Fatalf("only %d page POST routes found", len(paths))
		}
		before := snapshot(t, f, w)
		// Everything a form could want, so only the token is missing.
		form := url.Values{
			"username": {"marie"}, "password": {testutil.FixturePassword}, "current_password": {testutil.FixturePassword},
			"title": {"Forgée"}, "body": {"forgé"}, "base": {"2"}, "revision": {"2"}, "choice": {"approve"},
			"members": {"marie"}, "role": {"admin"}, "email": {"forge@example.org"}, "name": {"forgé"},
		}
		_, otherCSRF := sessionBrowser(t, a, a.marie)
		// The CSRF refusal, not some later check, must be what answers.
		// An editor's post is refused with the login page carrying its text
		// (login_kept.go); any other with the plain refusal.
		refused := func(what, p string, r response) {
			t.Helper()
			kept := strings.Contains(string(r.body), `name="kept"`) && strings.Contains(string(r.body), `action="/login"`)
			if r.status != http.StatusForbidden || !strings.Contains(string(r.body), "Le formulaire a expiré") && !kept {
				t.Errorf("POST %s %s: %d, want the CSRF 403: %.200s", p, what, r.status, r.body)
			}
		}
		for _, p := range paths {
			admin, csrf := sessionBrowser(t, a, a.admin)
			refused("without _csrf", p, postForm(admin, p, "", form))
			refused("with another session's token", p, postForm(admin, p, otherCSRF, form))
			refused("with a wrong token", p, postForm(admin, p, csrf+"x", form))
			refused("with a token but no session cookie", p, postForm(a.browser(), p, csrf, form))
			// A session id is not a CSRF token.
			refused("with the session id as token", p, postForm(admin, p, admin.cookies["atlas_session"], form))
		}
		if after := snapshot(t, f, w); after != before {
			t.Errorf("forged posts changed the atlas:\nbefore %s\nafter  %s", before, after)
		}
		if m := userByName(t, a, "marie"); m.Role != model.RoleContributor {
			t.Errorf("a forged post made marie %s", m.Role)
		}
		// Browser sessions read the API but never write through it: a
		// cross-site form cannot drive it.
		marie, _ := sessionBrowser(t, a, a.marie)
		req := httptest.NewRequest(http.MethodPost, "/api/v1/sheets", strings.NewReader(`{"title":"Par cookie","body":"x"}`))
		req.Header.Set("Content-Type", "application/json")
		if r := marie.send(req); r.status != http.StatusUnauthorized {
			t.Errorf("API write with a session cookie: %d, want 401", r.status)
		}
		if r := marie.get("/api/v1/sheets/" + w.slugA + "/revisions/1"); r.status != http.StatusOK {
			t.Errorf("API read with a session cookie: %d, want 200", r.status)
		}
	})
}

func TestLogoutEndsTheSession(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		b := a.browser()
		b.login("marie")
		cookie := b.cookies["atlas_session"]
		csrf := b.csrf("/account")
		if r := postForm(b, "/logout", csrf, nil); r.status != http.StatusSeeOther {
			t.Fatalf("logout: %d", r.status)
		}
		if _, ok := b.cookies["atlas_session"]; ok {
			t.Error("logout left the session cookie in the browser")
		}
		old := a.browser()
		old.cookies["atlas_session"] = cookie
		if r := old.get("/account"); outcome(r) != "login" {
			t.Errorf("old session after logout, /account: %s", outcome(r))
		}
		if r := postForm(old, "/sheets", csrf, url.Values{"title": {"Après"}, "body": {"x"}}); r.status != http.StatusForbidden {
			t.Errorf("post with the ended session and its token: %d, want 403", r.status)
		}
	})
}

// TestDisabledAccountIsLockedOutAtOnce: disabling an account ends its
// session, token and login on the next request; a demoted admin loses the
// admin pages at once.
func TestDisabledAccountIsLockedOutAtOnce(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		f := newAuthzFixture(t, d)
		a := f.a
		ba := f.users[roleBoard]
		victim := a.browser()
		victim.login("ba")
		csrf := victim.csrf("/account")
		if r := a.api(http.MethodGet, "/sheets", "ba", nil); r.status != http.StatusOK {
			t.Fatalf("token before: %d", r.status)
		}
		admin := a.browser()
		admin.login("admin")
		adminCSRF := admin.csrf("/admin/users")
		if r := postForm(admin, fmt.Sprintf("/admin/users/%d", ba.ID), adminCSRF, url.Values{"role": {"contributor"}, "disabled": {"1"}}); r.status != http.StatusSeeOther {
			t.Fatalf("disable: %d %.200s", r.status, r.body)
		}
		if r := victim.get("/account"); outcome(r) != "login" {
			t.Errorf("disabled account's session, /account: %s", outcome(r))
		}
		if r := postForm(victim, "/sheets", csrf, url.Values{"title": {"Désactivée"}, "body": {"x"}}); r.status != http.StatusForbidden {
			t.Errorf("disabled account's session posts: %d, want 403", r.status)
		}
		if r := a.api(http.MethodPost, "/sheets", "ba", map[string]any{"title": "Désactivée", "body": "x"}); r.status != http.StatusUnauthorized {
			t.Errorf("disabled account's token: %d, want 401", r.status)
		}
		fresh := a.browser()
		tc := fresh.csrf("/login")
		if r := postForm(fresh, "/login", tc, url.Values{"username": {"ba"}, "password": {testutil.FixturePassword}}); r.status != http.StatusUnauthorized {
			t.Errorf("disabled account logs in: %d, want 401", r.status)
		}
		// Re-enabled (no "disabled" field): it works again.
		if r := postForm(admin, fmt.Sprintf("/admin/users/%d", ba.ID), adminCSRF, url.Values{"role": {"contributor"}}); r.status != http.StatusSeeOther {
			t.Fatalf("enable: %d", r.status)
		}
		again := a.browser()
		again.login("ba")
		if r := a.api(http.MethodGet, "/sheets", "ba", nil); r.status != http.StatusOK {
			t.Errorf("re-enabled account's token: %d", r.status)
		}

		// A demoted admin.
		second := f.addUser(t, "admin2", model.RoleAdmin)
		b2, _ := sessionBrowser(t, a, second)
		if r := b2.get("/admin/users"); r.status != http.StatusOK {
			t.Fatalf("second admin before: %d", r.status)
		}
		if r := postForm(admin, fmt.Sprintf("/admin/users/%d", second.ID), adminCSRF, url.Values{"role": {"contributor"}}); r.status != http.StatusSeeOther {
			t.Fatalf("demote: %d", r.status)
		}
		if r := b2.get("/admin/users"); r.status == http.StatusOK {
			t.Errorf("demoted admin still reaches /admin/users")
		}
		if r := a.api(http.MethodPut, "/sheets/x/board", "admin2", map[string]any{"members": []string{}}); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
			t.Errorf("demoted admin's token sets a board: %d", r.status)
		}
		// One cannot lock oneself out.
		self := a.admin.ID
		if r := postForm(admin, fmt.Sprintf("/admin/users/%d", self), adminCSRF, url.Values{"role": {"contributor"}, "disabled": {"1"}}); r.status != http.StatusUnprocessableEntity {
			t.Errorf("admin disables itself: %d, want 422", r.status)
		}
	})
}

// TestPasswordChangeEndsOtherSessions: whoever stole a session must lose it
// when the owner changes the password (auth.ChangePassword promises it).
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		owner, csrf := sessionBrowser(t, a, a.marie)
		thief, _ := sessionBrowser(t, a, a.marie)
		r := postForm(owner, "/account/password", csrf, url.Values{"current_password": {testutil.FixturePassword}, "password": {"un tout nouveau mot de passe"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("change password: %d %.200s", r.status, r.body)
		}
		if r := thief.get("/account"); outcome(r) != "login" {
			t.Errorf("another session of the account survived the password change: /account answers %s", outcome(r))
		}
	})
}

// TestLoginRedirectStaysOnSite: the next parameter cannot send a person
// elsewhere, including by the characters browsers strip from URLs, nor
// write headers of its own.
func TestLoginRedirectStaysOnSite(t *testing.T) {
	a := newTestAtlas(t, testutil.NewSQLite(t))
	nexts := []string{
		"//evil.example/", "https://evil.example/", "/\\evil.example", "\\\\evil.example", "/\t/evil.example",
		"/\n/evil.example", "/\r/evil.example", " //evil.example", "/%2F/evil.example", "javascript:alert(1)",
		"/\r\nSet-Cookie: atlas_session=fixated", "/\nX-Injected: 1",
	}
	for _, next := range nexts {
		// A signed-in person following a link to /login is sent on to next;
		// so is anyone who logs in.
		b, _ := sessionBrowser(t, a, a.marie)
		get := httptest.NewRequest(http.MethodGet, "/login?next="+url.QueryEscape(next), nil)
		get.AddCookie(&http.Cookie{Name: "atlas_session", Value: b.cookies["atlas_session"]})
		anon, csrf := sessionBrowser(t, a, nil)
		post := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(url.Values{
			"_csrf": {csrf}, "username": {"marie"}, "password": {testutil.FixturePassword}, "next": {next}}.Encode()))
		post.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		post.AddCookie(&http.Cookie{Name: "atlas_session", Value: anon.cookies["atlas_session"]})
		for _, req := range []*http.Request{get, post} {
			what := fmt.Sprintf("%s /login with next=%q", req.Method, next)
			resp, err := a.app.Test(req, -1)
			if err != nil {
				// The response itself is malformed: the value broke out of
				// the Location header.
				t.Errorf("%s: the response is not valid HTTP (header injection): %v", what, err)
				continue
			}
			closeBody(t, resp)
			if resp.Header.Get("X-Injected") != "" || strings.Contains(strings.Join(resp.Header.Values("Set-Cookie"), ";"), "fixated") {
				t.Errorf("%s: injected a header: %v", what, resp.Header)
			}
			loc := resp.Header.Get("Location")
			if resp.StatusCode != http.StatusSeeOther {
				t.Errorf("%s: %d", what, resp.StatusCode)
				continue
			}
			// Browsers drop tabs and newlines and read a backslash as a
			// slash before resolving a Location.
			clean := strings.NewReplacer("\t", "", "\n", "", "\r", "", "\\", "/").Replace(loc)
			u, err := url.Parse(clean)
			if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(clean, "/") || strings.HasPrefix(clean, "//") {
				t.Errorf("%s: redirects to %q", what, loc)
			}
		}
	}
}
