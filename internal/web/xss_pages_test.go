package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"atlas/internal/model"
	"atlas/internal/testutil"
)

// xssPayloads go everywhere a person can type text.
var xssPayloads = []string{
	`<script>alert(1)</script>`,
	`<img src=x onerror=alert(1)>`,
	`"><svg onload=alert(1)>`,
	`javascript:alert(1)`,
	`[x](&#106;avascript:alert(1))`,
	`[x](javascript&colon;alert(1))`,
	`<a href="JaVaScRiPt:alert(1)">a</a>`,
	`data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==`,
	`<iframe srcdoc="<script>alert(1)</script>">`,
	`<style>*{}</style>`,
	`<select><style></select><img src=x onerror=alert(1)>`,
	`<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
	`## T {onclick=alert(1)}`,
	`'';!--"<XSS>=&{()}`,
}

// xssBody is a sheet body in which every payload is tried as Markdown: raw
// HTML, links and images of every spelling, references, footnotes, tables,
// task lists, headings with attribute syntax.
var xssBody = strings.Join([]string{
	"Préambule <script>alert(1)</script> et <img src=x onerror=alert(1)>.",
	"## La communauté <img src=x onerror=alert(1)>",
	`"><svg onload=alert(1)>`,
	"[a](javascript:alert(1)) [b](&#106;avascript:alert(1)) [c](javascript&colon;alert(1)) [d](JaVaScRiPt:alert(1)) " +
		"[e](  javascript:alert(1)) [f](java&#x09;script:alert(1)) [g](vbscript:msgbox(1)) " +
		"[h](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) [i](&#x6A;&#x61;vascript:alert(1)) [j](javascript%3Aalert(1))",
	`<javascript:alert(1)> <a href="JaVaScRiPt:alert(1)">a</a> <a href=javascript:alert(1)>b</a>`,
	`![k](javascript:alert(1)) ![l](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+) ![m](x" onerror="alert(1))`,
	"[ref]: javascript:alert(1)\n\n[n][ref]",
	`[o](https://example.org "\" onmouseover=\"alert(1)")`,
	`<iframe srcdoc="<script>alert(1)</script>"></iframe>`,
	"<style>*{}</style>",
	"<select><style></select><img src=x onerror=alert(1)>",
	"<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
	"## T {onclick=alert(1)}",
	"## Titre {#x onclick=alert(1) style=color:red}",
	`'';!--"<XSS>=&{()}`,
	"Note[^n].\n\n[^n]: <img src=x onerror=alert(1)> [p](javascript:alert(1))",
	"| <script>alert(1)</script> | b |\n|---|---|\n| [q](javascript:alert(1)) | <img src=x onerror=alert(1)> |",
	"- [ ] <img src=x onerror=alert(1)>\n- [x] [r](javascript:alert(1))",
	"```html\n<script>alert(1)</script>\n```",
	"    <script>alert(1)</script>",
	"<div onclick=\"alert(1)\" style=\"x\">div</div>",
	"<object data=\"javascript:alert(1)\"></object><embed src=\"javascript:alert(1)\">",
	"<form action=\"javascript:alert(1)\"><button formaction=\"javascript:alert(1)\">x</button></form>",
	"<base href=\"javascript:alert(1)//\"><meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
}, "\n\n") + "\n"

// displayNames are people's names, shown on many pages; usernames are
// restricted to [a-z0-9._-] and are tried separately.
var displayNames = []string{
	`<script>alert(1)</script><img src=x onerror=alert(1)>"><svg onload=alert(1)>`,
	`<iframe srcdoc="<script>alert(1)</script>"><style>*{}</style>'';!--"<XSS>=&{()}`,
}

// xssFixture is an atlas full of hostile text, with the pages to check.
type xssFixture struct {
	a      *testAtlas
	slugs  []string
	review int64
}

func TestNoXSSThroughPages(t *testing.T) {
	// SQLite only: what is tested is the rendering, the same over either
	// database (other tests prove bodies round-trip byte for byte). Each
	// payload is posted as a message, faster than the rate limit allows.
	a := newTestAtlasPostingFreely(t, testutil.NewSQLite(t))
	admin, adminCSRF := sessionBrowser(t, a, a.admin)

	// Accounts named with payloads, made through the admin form.
	var people []*model.User
	for i, name := range displayNames {
		username := fmt.Sprintf("xss%d", i+1)
		r := postForm(admin, "/admin/users", adminCSRF, url.Values{
			"username": {username}, "email": {username + "@example.org"}, "display_name": {name},
			"role": {"contributor"}, "password": {"un mot de passe assez long"},
		})
		if r.status != http.StatusSeeOther {
			t.Fatalf("create %s: %d %.300s", username, r.status, r.body)
		}
		u := userByName(t, a, username)
		tok, err := a.auth.CreateAPIToken(t.Context(), u.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		a.tokens[username] = tok
		people = append(people, u)
	}
	// Usernames cannot carry markup at all; the refusal page shows what was
	// typed, which is checked below with the other pages.
	refusedUser := postForm(admin, "/admin/users", adminCSRF, url.Values{
		"username": {`<script>alert(1)</script>`}, "email": {`"<svg/onload=alert(1)>"@example.org`}, "display_name": {displayNames[0]},
		"role": {"contributor"}, "password": {"un mot de passe assez long"},
	})
	if refusedUser.status != http.StatusUnprocessableEntity {
		t.Errorf("username with markup: %d, want 422", refusedUser.status)
	}
	// A quoted local part is a valid address: try it as an e-mail.
	postForm(admin, "/admin/users", adminCSRF, url.Values{
		"username": {"xss-mail"}, "email": {`"<svg/onload=alert(1)>"@example.org`}, "role": {"contributor"}, "password": {"un mot de passe assez long"},
	})

	// One sheet per payload, every field hostile.
	f := &xssFixture{a: a}
	for i, p := range xssPayloads {
		meta := map[string]any{
			"subtitle": p, "contact": p, "legal_status": p, "licence": p,
			"place":   map[string]any{"name": p, "address": p, "lat": 48.39, "lon": -4.49},
			"website": "https://example.org/?q=" + `"><svg onload=alert(1)>&x=` + strconv.Itoa(i),
		}
		if len([]rune(p)) <= 60 {
			meta["tags"] = []string{p, "t" + strconv.Itoa(i)}
		}
		r := a.api(http.MethodPost, "/sheets", "xss1", map[string]any{
			"title": fmt.Sprintf("%d %s", i, p), "body": xssBody, "summary": p, "meta": meta,
		})
		if r.status != http.StatusCreated {
			t.Fatalf("create sheet with payload %q: %d %s", p, r.status, r.body)
		}
		f.slugs = append(f.slugs, r.json(t)["slug"].(string))
	}
	first := f.slugs[0]

	// An edit through the form by the other account: title, body, meta
	// and summary change, so history and diffs have hostile text on both
	// sides.
	b1, csrf1 := sessionBrowser(t, a, people[0])
	b2, csrf2 := sessionBrowser(t, a, people[1])
	editForm := url.Values{
		"base": {"1"}, "title": {xssPayloads[1] + " " + xssPayloads[2]}, "summary": {xssPayloads[13]},
		"body":     {xssBody + "\n## Ajout <script>alert(2)</script>\n\n[y](javascript:alert(2)) " + xssPayloads[11] + "\n"},
		"subtitle": {xssPayloads[0]}, "tags": {xssPayloads[2] + ", " + xssPayloads[13]}, "place_name": {xssPayloads[8]},
		"place_address": {xssPayloads[9]}, "lat": {"48,4"}, "lon": {"-4.5"}, "website": {`https://example.org/"><script>alert(1)</script>`},
		"contact": {xssPayloads[3]}, "legal_status": {xssPayloads[10]}, "licence": {xssPayloads[12]},
	}
	if r := postForm(b2, "/sheets/"+first+"/edit", csrf2, editForm); r.status != http.StatusSeeOther {
		t.Fatalf("hostile edit: %d %.300s", r.status, r.body)
	}
	// A stale save overlapping the first: the conflict screen holds both.
	clash := url.Values{}
	for k, v := range editForm {
		clash[k] = v
	}
	clash.Set("body", xssBody+"\n## Ajout <img src=x onerror=alert(3)>\n\nautre "+xssPayloads[6]+"\n")
	conflict := postForm(b1, "/sheets/"+first+"/edit", csrf1, clash)
	if conflict.status != http.StatusConflict {
		t.Errorf("conflicting hostile edit: %d", conflict.status)
	}
	// A refused form shows the typed text again.
	refusedSheet := postForm(b1, "/sheets", csrf1, url.Values{"title": {xssPayloads[0]}, "body": {xssBody}, "categories": {xssPayloads[2]}, "tags": {xssPayloads[1]}})
	if refusedSheet.status != http.StatusUnprocessableEntity {
		t.Errorf("refused hostile sheet form: %d", refusedSheet.status)
	}

	// The board: both accounts and marie sit; one submits with a hostile
	// note, amends, both vote with hostile comments (no majority).
	mustAPI(t, a, http.MethodPut, "/sheets/"+first+"/board", "admin", map[string]any{"members": []string{"xss1", "xss2", "marie"}}, http.StatusOK)
	rv := mustAPI(t, a, http.MethodPost, "/sheets/"+first+"/reviews", "xss1", map[string]any{"revision": 2, "note": strings.Join(xssPayloads, "\n")}, http.StatusCreated)
	f.review = int64(rv["id"].(float64))
	reviewPath := fmt.Sprintf("/sheets/%s/reviews/%d", first, f.review)
	amend := url.Values{"base": {"2"}, "title": {editForm.Get("title")}, "body": {editForm.Get("body") + "\nAmendement <img src=x onerror=alert(4)>\n"},
		"summary": {xssPayloads[4]}, "lat": {"48.4"}, "lon": {"-4.5"}, "place_name": {xssPayloads[5]}}
	if r := postForm(b1, reviewPath+"/amend", csrf1, amend); r.status != http.StatusSeeOther {
		t.Fatalf("hostile amendment: %d %.300s", r.status, r.body)
	}
	if r := postForm(b1, reviewPath+"/votes", csrf1, url.Values{"choice": {"abstain"}, "revision": {"3"}, "comment": {xssPayloads[0] + xssPayloads[6]}}); r.status != http.StatusSeeOther {
		t.Fatalf("hostile vote: %d %.300s", r.status, r.body)
	}
	mustAPI(t, a, http.MethodPost, fmt.Sprintf("/reviews/%d/votes", f.review), "xss2", map[string]any{"choice": "reject", "revision": 3, "comment": xssPayloads[11]}, http.StatusOK)

	// Discussions: every payload as a comment on the sheet and the review.
	for _, p := range xssPayloads {
		if r := postForm(b1, "/sheets/"+first+"/comments", csrf1, url.Values{"body": {p}, "revision": {"1"}}); r.status != http.StatusSeeOther {
			t.Fatalf("comment %q: %d", p, r.status)
		}
		if r := postForm(b2, "/sheets/"+first+"/comments", csrf2, url.Values{"body": {p}, "review": {strconv.FormatInt(f.review, 10)}}); r.status != http.StatusSeeOther {
			t.Fatalf("review comment %q: %d", p, r.status)
		}
	}
	mustAPI(t, a, http.MethodPost, "/sheets/"+first+"/comments", "xss1", map[string]any{"body": xssBody}, http.StatusCreated)

	// A hostile token name, shown once on the answer and then listed.
	newToken := postForm(b1, "/account/tokens", csrf1, url.Values{"name": {xssPayloads[0] + xssPayloads[2]}})
	if newToken.status != http.StatusCreated {
		t.Errorf("token with a hostile name: %d", newToken.status)
	}
	// Hostile text sent back by the login form.
	anon, anonCSRF := sessionBrowser(t, a, nil)
	failedLogin := postForm(anon, "/login", anonCSRF, url.Values{"username": {xssPayloads[2]}, "password": {"x"}, "next": {"/?q=" + xssPayloads[2]}})

	marie, _ := sessionBrowser(t, a, a.marie)
	viewers := map[string]*browser{"anonymous": a.browser(), "xss1": b1, "marie": marie, "admin": admin}
	q := url.QueryEscape
	pages := []struct{ who, path string }{
		{"anonymous", "/"}, {"xss1", "/"}, {"anonymous", "/sheets"},
		{"anonymous", "/login?next=" + q("/?q="+xssPayloads[2])},
		{"anonymous", "/sheets?after=" + q(xssPayloads[2])},
		{"xss1", "/sheets/new?title=" + q(xssPayloads[2]+xssPayloads[0])},
		{"anonymous", "/sheets/" + q(xssPayloads[0]) + "/history"},
		{"anonymous", reviewPath}, {"xss1", reviewPath}, {"marie", reviewPath},
		{"xss1", reviewPath + "/amend"},
		{"anonymous", "/sheets/" + first + "/reviews"},
		{"admin", "/sheets/" + first + "/board"},
		{"marie", "/inbox"}, {"xss1", "/inbox"},
		{"admin", "/admin/audit"}, {"admin", "/admin/users"},
		{"xss1", "/account"},
		{"anonymous", "/search?q=" + q(xssPayloads[0])}, {"anonymous", "/search?q=alert"}, {"anonymous", "/search?q=" + q(xssPayloads[13])},
		{"anonymous", "/changes"}, {"anonymous", "/changes?user=xss1"}, {"anonymous", "/changes?sheet=" + first},
		{"anonymous", "/changes?user=" + q(xssPayloads[2])}, {"anonymous", "/changes?category=" + q(xssPayloads[0])},
		{"anonymous", "/map"}, {"anonymous", "/map?category=" + q(xssPayloads[1])},
	}
	for _, slug := range f.slugs {
		s := "/sheets/" + slug
		pages = append(pages, struct{ who, path string }{"anonymous", s}, struct{ who, path string }{"xss1", s})
	}
	s := "/sheets/" + first
	for _, p := range []string{"/revisions/1", "/revisions/2", "/revisions/3", "/history", "/diff?from=1&to=3", "/diff?from=1&to=3&view=side",
		"/diff?from=1&to=2&view=inline", "/diff?from=2&to=3&view=side", "/edit", "/edit?section=1", "/edit?section=3"} {
		pages = append(pages, struct{ who, path string }{"xss1", s + p}, struct{ who, path string }{"anonymous", s + p})
	}

	checked := 0
	for _, pg := range pages {
		r := viewers[pg.who].get(pg.path)
		if r.status >= 500 {
			t.Errorf("GET %s as %s: %d", pg.path, pg.who, r.status)
			continue
		}
		if r.status == http.StatusSeeOther {
			continue // a login redirect for anonymous viewers of /edit
		}
		checkPage(t, fmt.Sprintf("GET %s as %s (%d)", pg.path, pg.who, r.status), r)
		checked++
	}
	for what, r := range map[string]response{
		"conflict screen": conflict, "refused sheet form": refusedSheet, "refused user form": refusedUser,
		"new token page": newToken, "failed login": failedLogin,
	} {
		checkPage(t, what, r)
		checked++
	}
	t.Logf("%d pages checked", checked)
	if checked < 60 {
		t.Errorf("only %d pages checked", checked)
	}

	// Machine formats: never served as HTML, never sniffed.
	for _, p := range []struct{ path, ctype string }{
		{"/api/v1/sheets/" + first + "/comments", "application/json"},
		{"/api/v1/sheets/" + first, "application/json"},
		{fmt.Sprintf("/api/v1/reviews/%d", f.review), "application/json"},
		{reviewPath + "/record.json", "application/json"},
		{reviewPath + "/record.md", "text/markdown"},
		{s + "/export.md", "text/markdown"},
		{"/feed.atom", "application/atom+xml"},
		{s + "/feed.atom", "application/atom+xml"},
		{"/api/v1/search?q=alert", "application/json"},
		{"/api/v1/changes", "application/json"},
		{"/map.geojson", "application/geo+json"},
		{"/api/v1/map.geojson", "application/geo+json"},
	} {
		r := a.browser().get(p.path)
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), p.ctype) || r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: %d, Content-Type %q, nosniff %q", p.path, r.status, r.header.Get("Content-Type"), r.header.Get("X-Content-Type-Options"))
			continue
		}
		switch {
		case strings.HasSuffix(p.ctype, "json"):
			if !json.Valid(r.body) {
				t.Errorf("%s: invalid JSON", p.path)
			}
		case strings.Contains(p.ctype, "xml"):
			if err := wellFormedXML(r.body); err != nil {
				t.Errorf("%s: %v", p.path, err)
			}
		}
	}
	// The comments API hands the text back as data, byte for byte.
	comments := mustAPI(t, a, http.MethodGet, "/sheets/"+first+"/comments", "", nil, http.StatusOK)["comments"].([]any)
	found := false
	for _, c := range comments {
		found = found || c.(map[string]any)["body"] == xssPayloads[11]
	}
	if !found {
		t.Error("the comments API does not return the comment as typed")
	}
}

// TestDangerousWebsitesAreRefused: the website is written into an href, so
// only http(s) addresses are stored, through the API and the form.
func TestDangerousWebsitesAreRefused(t *testing.T) {
	a := newTestAtlas(t, testutil.NewSQLite(t))
	slug := createSheet(t, a, "Site", body1)
	b, csrf := sessionBrowser(t, a, a.marie)
	for _, site := range []string{
		"javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "javascript://example.org/%0Aalert(1)",
		"java\tscript:alert(1)", "vbscript:msgbox(1)", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
		"//evil.example/", "https:javascript:alert(1)", "http:alert(1)", "file:///etc/passwd", "example.org",
	} {
		// A control character (the tab) is refused before the address is
		// read: 400 control_character.
		want := http.StatusUnprocessableEntity
		if strings.Contains(site, "\t") {
			want = http.StatusBadRequest
		}
		if r := a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": "Site", "body": "x", "meta": map[string]any{"website": site}}); r.status != want {
			t.Errorf("API create with website %q: %d, want %d", site, r.status, want)
		}
		if r := a.api(http.MethodPut, "/sheets/"+slug, "marie", map[string]any{"base": 1, "title": "Site", "body": body1, "meta": map[string]any{"website": site}}); r.status != want {
			t.Errorf("API save with website %q: %d, want %d", site, r.status, want)
		}
		if r := postForm(b, "/sheets/"+slug+"/edit", csrf, url.Values{"base": {"1"}, "title": {"Site"}, "body": {body1}, "website": {site}}); r.status != want {
			t.Errorf("form save with website %q: %d, want %d", site, r.status, want)
		}
	}
	if head := mustAPI(t, a, http.MethodGet, "/sheets/"+slug, "", nil, http.StatusOK)["head"]; head != 1.0 {
		t.Errorf("head = %v after refused websites", head)
	}
	// A good address is kept and linked.
	mustAPI(t, a, http.MethodPut, "/sheets/"+slug, "marie", map[string]any{"base": 1, "title": "Site", "body": body1, "meta": map[string]any{"website": "https://example.org/a?b=c"}}, http.StatusOK)
	if page := string(a.browser().get("/sheets/" + slug).body); !strings.Contains(page, `href="https://example.org/a?b=c"`) {
		t.Error("a valid website is not linked")
	}
}
