package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"atlas/internal/media/mediatest"
	"atlas/internal/model"
	"atlas/internal/testutil"
)

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
