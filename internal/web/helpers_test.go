package web_test

import (
	"bytes"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/app/apptest"
	"atlas/internal/auth"
	"atlas/internal/db"
	"atlas/internal/events"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/store"
	"atlas/internal/testutil"
	"atlas/internal/web"
)

// testAtlas is the real app over a real database, with two accounts.
type testAtlas struct {
	t      testing.TB
	app    *fiber.App
	store  *store.Store
	auth   *auth.Service
	marie  *model.User // contributor
	admin  *model.User
	tokens map[string]string
	events *events.Hub
	sheets *sheet.Service // for fixtures made beside HTTP
}

func newTestAtlas(t testing.TB, d *db.DB) *testAtlas {
	t.Helper()
	// Event streams end at once, so tests walking every route get a whole
	// answer; TestEditorsSeeEachOtherLive keeps its stream open.
	return newTestAtlasStreaming(t, d, 50*time.Millisecond)
}

func newTestAtlasStreaming(t testing.TB, d *db.DB, stream time.Duration) *testAtlas {
	t.Helper()
	return newTestAtlasWith(t, d, func(deps *web.Deps) { deps.StreamLifetime = stream })
}

// newTestAtlasWith builds a test atlas whose dependencies tune may adjust.
func newTestAtlasWith(t testing.TB, d *db.DB, tune func(*web.Deps)) *testAtlas {
	t.Helper()
	atlas := apptest.New(t, d)
	st, authSvc := atlas.Store, atlas.Auth
	deps := atlas.WebDeps()
	// Tests read the cache counters on /metrics (see testAtlas.metrics);
	// TestMetricsAreNotPublic checks an atlas without the token.
	deps.Config.MetricsToken = testMetricsToken
	tune(&deps)
	app, err := web.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	a := &testAtlas{t: t, app: app, store: st, auth: authSvc, tokens: map[string]string{}, events: atlas.Events, sheets: atlas.Sheets}
	a.marie = testutil.User(t, st, "marie", model.RoleContributor)
	a.admin = testutil.User(t, st, "admin", model.RoleAdmin)
	for _, u := range []*model.User{a.marie, a.admin} {
		tok, err := authSvc.CreateAPIToken(t.Context(), u.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		a.tokens[u.Username] = tok
	}
	return a
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("response is not a JSON object (%d): %s", r.status, r.body)
	}
	return m
}

func (a *testAtlas) do(req *http.Request) response {
	a.t.Helper()
	resp, err := a.app.Test(req, -1)
	if err != nil {
		a.t.Fatal(err)
	}
	body, err := readAndClose(resp)
	if err != nil {
		a.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: body}
}

// api sends a JSON request as the given user ("" for anonymous).
func (a *testAtlas) api(method, path, user string, body any) response {
	a.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req := httptest.NewRequest(method, "/api/v1"+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+a.tokens[user])
	}
	return a.do(req)
}

// browser is a person with a cookie jar.
type browser struct {
	a       *testAtlas
	cookies map[string]string
}

func (a *testAtlas) browser() *browser { return &browser{a: a, cookies: map[string]string{}} }

func (b *browser) send(req *http.Request) response {
	// Like a browser on the site's own pages; a test of another site's
	// post sets its own.
	if req.Header.Get("Sec-Fetch-Site") == "" {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	for name, value := range b.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: value})
	}
	resp := b.a.do(req)
	for _, line := range resp.header.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err != nil {
			continue
		}
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	return resp
}

func (b *browser) get(path string) response {
	return b.send(httptest.NewRequest(http.MethodGet, path, nil))
}

func (b *browser) post(path string, form url.Values) response {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.send(req)
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrf reads the token of the first form on a page.
func (b *browser) csrf(path string) string {
	b.a.t.Helper()
	resp := b.get(path)
	m := csrfField.FindSubmatch(resp.body)
	if m == nil {
		b.a.t.Fatalf("no CSRF field on %s (%d)", path, resp.status)
	}
	return html.UnescapeString(string(m[1]))
}

func (b *browser) login(username string) {
	b.a.t.Helper()
	token := b.csrf("/login")
	resp := b.post("/login", url.Values{"_csrf": {token}, "username": {username}, "password": {testutil.FixturePassword}})
	if resp.status != http.StatusSeeOther {
		b.a.t.Fatalf("login as %s: status %d: %s", username, resp.status, resp.body)
	}
}

// field reads the value of an input or the text of a textarea on a page.
func field(page []byte, name string) string {
	if m := regexp.MustCompile(`name="` + name + `" value="([^"]*)"`).FindSubmatch(page); m != nil {
		return html.UnescapeString(string(m[1]))
	}
	// The template writes a newline after <textarea>, which HTML drops, so
	// a body's own leading newline survives the round trip.
	if m := regexp.MustCompile(`(?s)name="` + name + `"[^>]*>\n(.*?)</textarea>`).FindSubmatch(page); m != nil {
		return html.UnescapeString(string(m[1]))
	}
	return ""
}
