package web_test

import (
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

// hostileValues are sent in every query parameter: SQL, overflowing and
// out-of-range numbers, NUL and invalid UTF-8 (which PostgreSQL refuses in
// text), header-breaking newlines, paths, and long strings: one that fits
// the server's 4 KiB request-header buffer and reaches the handler, one
// that does not (the server refuses it before any handler runs).
var hostileValues = []string{
	`' OR 1=1--`, `1;DROP TABLE revisions`, `1); DROP TABLE revisions; --`, `" OR "1"="1`,
	"-1", "0", "1e3", "0x10", " 1", "1.5", "NaN",
	"99999999999999999999", "9223372036854775808", "2147483648", "9999999999",
	"\x00", "%00", "a\x00b", "\xff\xfe", "%ff",
	"\r\nX-Injected: 1", "/\r\nX-Injected: 1", "../../etc/passwd", `..\..\windows\win.ini`,
	"école 🌱 \u202e\u200b ﷽", "*", `"unbalanced`, "NEAR(a b)", "a OR b AND NOT c", "-", ":", "{}", "[]", "<script>",
	strings.Repeat("A", 3000), strings.Repeat("é", 300), strings.Repeat("A", 10000),
}

// allAtOnceValues are sent in every known parameter at once, on every GET
// route, to catch a parameter read by a handler no one listed below.
var allAtOnceValues = []string{`' OR 1=1--`, "-1", "0", "99999999999999999999", "2147483648", "\x00", "\xff", "/\r\nX-Injected: 1", "../../etc/passwd", "é🌱"}

// queryParams is which parameters each GET route reads (from its handler);
// every GET route also gets all of them at once.
var queryParams = map[string][]string{
	"/api/v1/sheets":                  {"limit", "cursor", "category", "tag"},
	"/api/v1/sheets/:slug":            {"revision"},
	"/api/v1/sheets/:slug/revisions":  {"limit", "before"},
	"/api/v1/sheets/:slug/diff":       {"from", "to"},
	"/api/v1/search":                  {"q", "limit"},
	"/api/v1/changes":                 {"limit", "before", "sheet", "category", "user", "hide_minor"},
	"/api/v1/map.geojson":             {"category"},
	"/changes":                        {"limit", "before", "sheet", "category", "user", "hide_minor"},
	"/feed.atom":                      {"limit", "before", "sheet", "category", "user", "hide_minor"},
	"/sheets/:slug/feed.atom":         {"limit", "before", "category", "user", "hide_minor"},
	"/map.geojson":                    {"category"},
	"/map":                            {"category"},
	"/login":                          {"next"},
	"/sheets":                         {"after"},
	"/sheets/new":                     {"title"},
	"/sheets/:slug/edit":              {"section"},
	"/sheets/:slug/history":           {"before"},
	"/sheets/:slug/diff":              {"from", "to", "view"},
	"/search":                         {"q", "limit"},
	"/admin/audit":                    {"before"},
	"/sheets/:slug/revisions/:number": {"revision"},
	"/api/v1/sheets/:slug/export.md":  {"revision"},
	"/sheets/:slug/export.md":         {"revision"},
	"/media/:sha":                     {"w"},
}

// allParams is every parameter name any route reads, plus a few a future
// filter might.
func allParams() []string {
	set := []string{"next", "section", "view", "revision", "q", "tag", "cursor", "after", "lang", "_csrf"}
	for _, ps := range queryParams {
		for _, p := range ps {
			if !slices.Contains(set, p) {
				set = append(set, p)
			}
		}
	}
	sort.Strings(set)
	return set
}

// hostilePathValues replace path parameters.
var hostilePathValues = map[string][]string{
	"slug":   {"%00", "%ff", "'%20OR%201=1--", "..%2F..%2Fetc%2Fpasswd", "a;DROP%20TABLE%20revisions", strings.Repeat("a", 3000), "%C3%A9cole"},
	"id":     {"0", "-1", "1e3", "2147483648", "9223372036854775807", "9223372036854775808", "99999999999999999999", "1;DROP", "%00"},
	"number": {"0", "-1", "1e3", "2147483648", "9999999999", "9223372036854775808", "99999999999999999999", "1;DROP", "%00"},
	"lang":   {"%00", "../../etc/passwd", "fr%0d%0aX-Injected:%201"},
	"hash":   {"..", "%2e%2e"},
	"sha":    {"..", "%00", strings.Repeat("A", 64), strings.Repeat("0", 63) + "%0a", "'%20OR%201=1--", strings.Repeat("a", 3000)},
	"*":      {"../../../etc/passwd", "..%2F..%2Fgo.mod", "%00", "css/../../embed.go"},
}

// tableCounts is the number of rows of the tables an injection would hurt.
func tableCounts(t *testing.T, d *db.DB) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, table := range []string{"revisions", "sheets", "users", "reviews", "votes", "comments", "sessions", "api_tokens"} {
		var n int64
		if err := d.Conn(context.Background()).Table(table).Count(&n).Error; err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
		out[table] = n
	}
	return out
}

// prober sends GET requests as an anonymous visitor and as the admin (who
// reaches every handler) and gathers 5xx answers and broken responses.
type prober struct {
	t        *testing.T
	a        *testAtlas
	cookie   string // the admin's session
	failures map[string]string
	sent     int
	refused  int // too long for the server to read
}

// get sends one probe as the admin, and also anonymously on the API, where
// anonymous readers take other paths (the published version only).
func (p *prober) get(route, path string) {
	p.send(route, path, true)
	if strings.HasPrefix(path, "/api/") {
		p.send(route, path, false)
	}
}

func (p *prober) send(route, path string, admin bool) {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if admin {
		req.AddCookie(&http.Cookie{Name: "atlas_session", Value: p.cookie})
		req.Header.Set("Authorization", "Bearer "+p.a.tokens["admin"])
	}
	p.sent++
	resp, err := p.a.app.Test(req, -1)
	key := fmt.Sprintf("%s (admin %v)", route, admin)
	if err != nil && strings.Contains(err.Error(), "small read buffer") {
		// Longer than the server's header buffer: fasthttp refuses it
		// (431 on a real connection) before the app sees it.
		p.refused++
		return
	}
	if err != nil {
		p.fail(key, fmt.Sprintf("GET %.200q: no valid HTTP response: %.200v", path, err))
		return
	}
	body, err := readAndClose(resp)
	if err != nil {
		p.fail(key, fmt.Sprintf("GET %.200q: the answer could not be read: %v", path, err))
		return
	}
	if resp.StatusCode >= 500 {
		p.fail(key, fmt.Sprintf("GET %.200q: %d %.120s", path, resp.StatusCode, body))
	}
	if resp.Header.Get("X-Injected") != "" {
		p.fail(key, fmt.Sprintf("GET %.200q: injected a header", path))
	}
}

// fail keeps the first few failures per route, so one bug does not bury
// the others.
func (p *prober) fail(key, msg string) {
	if _, ok := p.failures[key]; !ok || strings.Count(p.failures[key], "\n") < 4 {
		p.failures[key] += msg + "\n"
	}
}

// TestInjectionProbes sends hostile values in every query parameter and
// path parameter of every GET route: nothing may answer 5xx, and the
// tables are intact afterwards.
func TestInjectionProbes(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		f := newAuthzFixture(t, d)
		w := f.newWorld(t)
		adminBrowser, _ := sessionBrowser(t, f.a, f.a.admin)
		before := tableCounts(t, d)
		p := &prober{t: t, a: f.a, cookie: adminBrowser.cookies["atlas_session"], failures: map[string]string{}}
		params := allParams()
		routes := 0
		for _, k := range registeredRoutes(f.a) {
			method, pattern, _ := strings.Cut(k, " ")
			if method != http.MethodGet {
				continue
			}
			routes++
			base := w.instantiate(t, pattern, nil)
			// Each parameter alone, so that an early refusal of one does
			// not shield the next.
			for _, name := range queryParams[pattern] {
				for _, v := range hostileValues {
					p.get(pattern+" ?"+name, base+"?"+url.Values{name: {v}}.Encode())
				}
				// Arrays: given twice, and in bracket forms.
				p.get(pattern+" ?"+name+"[]", base+"?"+name+"=1&"+name+"=2&"+url.QueryEscape(name+"[]")+"=3&"+name+"[0]=4")
			}
			// Every parameter at once, for those no one listed.
			for _, v := range allAtOnceValues {
				all := url.Values{}
				for _, name := range params {
					all.Set(name, v)
					all.Add(name, "2")
				}
				p.get(pattern+" ?all", base+"?"+all.Encode())
			}
			// Hostile path parameters, one at a time.
			for _, seg := range strings.Split(pattern, "/") {
				name, ok := strings.CutPrefix(seg, ":")
				if seg == "*" {
					name, ok = "*", true
				}
				if !ok {
					continue
				}
				for _, v := range hostilePathValues[name] {
					p.get(pattern+" :"+name, w.instantiate(t, pattern, map[string]string{name: v}))
				}
			}
		}
		if routes < 30 {
			t.Fatalf("only %d GET routes probed", routes)
		}
		t.Logf("%d requests on %d GET routes, %d refused by the server as too long", p.sent, routes, p.refused)
		keys := make([]string, 0, len(p.failures))
		for k := range p.failures {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			t.Errorf("%s:\n%s", k, p.failures[k])
		}
		after := tableCounts(t, d)
		for table, n := range before {
			// Visiting pages may open sessions; nothing else may change.
			if table == "sessions" {
				continue
			}
			if after[table] != n {
				t.Errorf("table %s: %d rows before the probes, %d after", table, n, after[table])
			}
		}
		// The sheet still reads in full.
		if r := f.a.api(http.MethodGet, "/sheets/"+w.slugA+"/revisions/2", "marie", nil); r.status != http.StatusOK {
			t.Errorf("sheet A after the probes: %d", r.status)
		}
	})
}

// formFields are every field a page form reads.
var formFields = []string{
	"username", "password", "current_password", "next", "title", "body", "summary", "base", "section", "revision",
	"choice", "comment", "note", "members", "role", "disabled", "email", "display_name", "name", "review",
	"categories", "tags", "place_name", "place_address", "lat", "lon", "website", "contact", "legal_status",
	"licence", "subtitle", "minor",
}

// formValues are the hostile values tried in every field at once.
var formValues = []string{"\x00", "a\x00b", "\xff\xfe", "2147483648", "99999999999999999999", "-1", `' OR 1=1--`, "/\r\nX-Injected: 1", strings.Repeat("A", 3000)}

// TestFormInjectionProbes posts hostile values in every field of every page
// form, url-encoded and as multipart (which browsers also send), with a
// valid session and CSRF token: nothing may answer 5xx.
func TestFormInjectionProbes(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		f := newAuthzFixture(t, d)
		w := f.newWorld(t)
		paths := pagePOSTs(t, w)
		for _, path := range paths {
			values := formValues
			if path == "/login" || path == "/account/password" {
				// Each of these costs a password hash: text values only.
				values = []string{"\x00", "\xff\xfe", "/\r\nX-Injected: 1", strings.Repeat("A", 3000)}
			}
			for _, v := range values {
				for _, multipart := range []bool{false, true} {
					b, csrf := sessionBrowser(t, f.a, f.a.admin)
					var body strings.Builder
					ctype := "application/x-www-form-urlencoded"
					if multipart {
						mw := newMultipart(&body)
						mw.field("_csrf", csrf)
						for _, name := range formFields {
							mw.field(name, v)
						}
						ctype = mw.close()
					} else {
						form := url.Values{"_csrf": {csrf}}
						for _, name := range formFields {
							form.Set(name, v)
						}
						body.WriteString(form.Encode())
					}
					req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body.String()))
					req.Header.Set("Content-Type", ctype)
					req.AddCookie(&http.Cookie{Name: "atlas_session", Value: b.cookies["atlas_session"]})
					resp, err := f.a.app.Test(req, -1)
					what := fmt.Sprintf("POST %s (multipart %v) with every field %.40q", path, multipart, v)
					if err != nil {
						t.Errorf("%s: no valid HTTP response: %.200v", what, err)
						continue
					}
					msg, err := readAndClose(resp)
					if err != nil {
						t.Errorf("%s: the answer could not be read: %v", what, err)
						continue
					}
					if resp.StatusCode >= 500 {
						t.Errorf("%s: %d %.200s", what, resp.StatusCode, msg)
					}
					if resp.Header.Get("X-Injected") != "" {
						t.Errorf("%s: injected a header", what)
					}
				}
			}
		}
	})
}

// multipartBody writes form fields as multipart/form-data.
type multipartBody struct{ w *multipart.Writer }

func newMultipart(dst io.Writer) multipartBody { return multipartBody{multipart.NewWriter(dst)} }

func (m multipartBody) field(name, value string) { _ = m.w.WriteField(name, value) }

// close ends the body and returns its Content-Type.
func (m multipartBody) close() string {
	_ = m.w.Close()
	return m.w.FormDataContentType()
}

// TestAPIJSONProbes sends out-of-range numbers and hostile strings in the
// JSON fields of every API write: nothing may answer 5xx.
func TestAPIJSONProbes(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		f := newAuthzFixture(t, d)
		w := f.newWorld(t)
		s := "/sheets/" + w.slugA
		rv := fmt.Sprintf("/reviews/%d", w.reviewA)
		numbers := []any{0, -1, 2147483648, 9999999999, int64(9223372036854775807), 1e300, 1.5}
		texts := []string{"\uffff", "\u202e", "' OR 1=1--", strings.Repeat("é", 3000)}
		for _, n := range numbers {
			for _, c := range []struct {
				method, path, user string
				body               map[string]any
			}{
				{http.MethodPut, s, "marie", map[string]any{"base": n, "title": "A", "body": "x"}},
				{http.MethodPost, s + "/restore", "marie", map[string]any{"revision": n}},
				{http.MethodPost, s + "/undo", "marie", map[string]any{"revision": n}},
				{http.MethodPost, s + "/comments", "marie", map[string]any{"body": "x", "revision": n}},
				{http.MethodPost, s + "/reviews", "marie", map[string]any{"revision": n}},
				{http.MethodPost, rv + "/votes", "ba", map[string]any{"choice": "abstain", "revision": n}},
				{http.MethodPost, rv + "/amendments", "ba", map[string]any{"base": n, "title": "A", "body": "x"}},
				{http.MethodPost, "/sheets", "marie", map[string]any{"title": "x", "meta": map[string]any{"place": map[string]any{"lat": n, "lon": n}}}},
			} {
				if r := f.a.api(c.method, c.path, c.user, c.body); r.status >= 500 {
					t.Errorf("%s %s with %v: %d %.200s", c.method, c.path, c.body, r.status, r.body)
				}
			}
		}
		for _, v := range texts {
			for _, c := range []struct {
				method, path, user string
				body               map[string]any
			}{
				{http.MethodPost, "/sheets", "marie", map[string]any{"title": v, "body": v, "summary": v, "slug": v, "meta": map[string]any{"subtitle": v, "tags": []string{v}, "categories": []string{v}}}},
				{http.MethodPost, s + "/comments", "marie", map[string]any{"body": v}},
				{http.MethodPost, s + "/undo", "marie", map[string]any{"revision": 2, "summary": v}},
				{http.MethodPut, s + "/board", "admin", map[string]any{"members": []string{v}}},
				{http.MethodPost, rv + "/votes", "ba", map[string]any{"choice": v, "revision": 2}},
				{http.MethodPost, rv + "/votes", "ba", map[string]any{"choice": "abstain", "revision": 2, "comment": v}},
			} {
				if r := f.a.api(c.method, c.path, c.user, c.body); r.status >= 500 {
					t.Errorf("%s %s with %.80v: %d %.200s", c.method, c.path, c.body, r.status, r.body)
				}
			}
		}
		// Lone surrogates and escaped NULs, as raw JSON.
		for _, raw := range []string{
			`{"title":"\ud800x","body":"\udfff","summary":"\ud83d"}`,
			`{"title":"x","body":"a\u0000b"}`,
			`{"title":"x","body":"y","meta":{"tags":["\u0000"]}}`,
		} {
			if r := f.a.api(http.MethodPost, "/sheets", "marie", raw); r.status >= 500 {
				t.Errorf("POST /sheets with %s: %d %.200s", raw, r.status, r.body)
			}
		}
	})
}
