package web_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
)

// refusedAfterLogout opens the editor as marie, logs out (as in another
// tab) and posts the editor's form: the login page carrying the text.
// It returns the carried field and the login page's token.
func refusedAfterLogout(t *testing.T, b *browser, editor, path string, form url.Values) (kept, token string) {
	t.Helper()
	b.login("marie")
	csrf := b.csrf(editor)
	if r := postForm(b, "/logout", csrf, nil); r.status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.status)
	}
	r := postForm(b, path, csrf, form)
	m := hiddenKept.FindStringSubmatch(string(r.body))
	if r.status != http.StatusForbidden || m == nil {
		t.Fatalf("refused post to %s: %d %.300s", path, r.status, r.body)
	}
	return html.UnescapeString(m[1]), html.UnescapeString(csrfField.FindStringSubmatch(string(r.body))[1])
}

func loginWithKept(b *browser, token, kept string) response {
	return postForm(b, "/login", token, url.Values{"username": {"marie"}, "password": {testutil.FixturePassword}, "kept": {kept}})
}

// TestAnotherSitesPostKeepsNothing: a form on another site posting to the
// editor (the session cookie, SameSite=Lax, is not sent with it) gets the
// plain refusal and no cookie: it neither logs the visitor out nor puts
// its text before them. Only this site's own pages get the login page.
func TestAnotherSitesPostKeepsNothing(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Jardin", body1)
		edit := "/sheets/" + slug + "/edit"
		victim := a.browser()
		victim.login("marie")
		session := victim.cookies["atlas_session"]
		planted := fmt.Sprintf(`{"action":"edit","slug":%q,"base":1,"section":-1,"form":{"Title":"Piégé","Body":"Texte d'un autre site.\n"}}`, slug)
		form := url.Values{"_csrf": {"faux"}, "base": {"1"}, "title": {"Piégé"}, "body": {"Texte d'un autre site.\n"}, "summary": {"piège"},
			"username": {"marie"}, "password": {"faux"}, "kept": {planted}}
		post := func(path string, headers map[string]string) response {
			req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range headers {
				req.Header.Set(k, v)
			}
			return a.do(req) // no cookie: a cross-site post does not carry the session
		}
		for _, h := range []map[string]string{
			{"Sec-Fetch-Site": "cross-site"},
			{"Sec-Fetch-Site": "same-site"},
			{"Sec-Fetch-Site": "none"},
			{"Sec-Fetch-Site": "cross-site", "Origin": "http://example.com"},
			{"Origin": "https://ailleurs.example"},
			{"Origin": "null", "Referer": "http://example.com/sheets/" + slug + "/edit"},
			{"Referer": "https://ailleurs.example/page"},
			{"Origin": "http://example.com.ailleurs.example"},
			{}, // a post that says nothing of where it comes from
		} {
			for _, path := range []string{edit, "/sheets", "/login"} {
				r := post(path, h)
				page := string(r.body)
				if r.status != http.StatusForbidden || !strings.Contains(page, "Le formulaire a expiré") || hiddenKept.MatchString(page) || strings.Contains(page, "autre site") {
					t.Errorf("%s %v: %d %.200s", path, h, r.status, page)
				}
				if cookies := r.header.Values("Set-Cookie"); len(cookies) > 0 {
					t.Errorf("%s %v set cookies: %v", path, h, cookies)
				}
			}
		}
		// The victim is still logged in, with no draft planted.
		if victim.cookies["atlas_session"] != session || !strings.Contains(string(victim.get(edit).body), `action="/logout"`) {
			t.Error("the victim's session is gone")
		}
		if r := a.api(http.MethodGet, "/sheets/"+slug+"/draft", "marie", nil); r.status != http.StatusNotFound {
			t.Errorf("a draft was planted: %d %s", r.status, r.body)
		}
		// This site's own pages, told by Origin or Referer when the browser
		// sends no Sec-Fetch-Site, still get the login page with the text.
		for _, h := range []map[string]string{{"Origin": "http://example.com"}, {"Referer": "http://example.com/sheets/" + slug + "/edit"}} {
			r := post(edit, h)
			if r.status != http.StatusForbidden || !hiddenKept.Match(r.body) || len(r.header.Values("Set-Cookie")) == 0 {
				t.Errorf("own page %v: %d, kept %v", h, r.status, hiddenKept.Match(r.body))
			}
		}
	})
}

// TestKeptTextNeverReplacesADraft: the account already holds a different
// draft of the sheet; logging in with a refused text shows the editor
// filled with it and leaves that draft as it was.
func TestKeptTextNeverReplacesADraft(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Jardin", body1)
		edit := "/sheets/" + slug + "/edit"
		mustAPI(t, a, http.MethodPut, "/sheets/"+slug+"/draft", "marie", map[string]any{"base": 1, "title": "Jardin", "body": "Mon brouillon.\n"}, http.StatusOK)
		typed := body1 + "\nEnvoyé quand la session avait pris fin.\n"
		b := a.browser()
		kept, token := refusedAfterLogout(t, b, edit, edit, url.Values{"base": {"1"}, "title": {"Jardin"}, "body": {typed}, "summary": {"un ajout"}, "draft_saved_at": {""}})
		r := loginWithKept(b, token, kept)
		page := string(r.body)
		if r.status != http.StatusOK || field(r.body, "body") != typed || field(r.body, "summary") != "un ajout" || field(r.body, "base") != "1" {
			t.Fatalf("login: %d body %q summary %q %.300s", r.status, field(r.body, "body"), field(r.body, "summary"), page)
		}
		if !strings.Contains(page, "pas encore enregistré") || !strings.Contains(page, `action="`+edit+`"`) {
			t.Errorf("the editor does not say the text is unsaved, or posts elsewhere")
		}
		if got := mustAPI(t, a, http.MethodGet, "/sheets/"+slug+"/draft", "marie", nil, http.StatusOK)["body"]; got != "Mon brouillon.\n" {
			t.Errorf("the existing draft became %q", got)
		}
		// The editor shown is a working one: it saves with its own token.
		fresh := html.UnescapeString(csrfField.FindStringSubmatch(page)[1])
		if r := postForm(b, edit, fresh, url.Values{"base": {"1"}, "title": {"Jardin"}, "body": {field(r.body, "body")}, "summary": {"un ajout"}}); r.status != http.StatusSeeOther {
			t.Fatalf("save: %d %.300s", r.status, r.body)
		}
		if sh := mustAPI(t, a, http.MethodGet, "/sheets/"+slug, "marie", nil, http.StatusOK); sh["head"] != 2.0 || sh["body"] != typed {
			t.Errorf("after the save: head %v body %q", sh["head"], sh["body"])
		}

		// The draft the editor itself wrote (its draft_saved_at names it)
		// is the text's own earlier state: the kept text replaces it.
		mustAPI(t, a, http.MethodPut, "/sheets/"+slug+"/draft", "marie", map[string]any{"base": 2, "title": "Jardin", "body": "Début.\n"}, http.StatusOK)
		seen := mustAPI(t, a, http.MethodGet, "/sheets/"+slug+"/draft", "marie", nil, http.StatusOK)["saved_at"].(string)
		b = a.browser()
		kept, token = refusedAfterLogout(t, b, edit, edit, url.Values{"base": {"2"}, "title": {"Jardin"}, "body": {"Début, puis la suite.\n"}, "draft_saved_at": {seen}})
		r = loginWithKept(b, token, kept)
		if r.status != http.StatusSeeOther || r.header.Get("Location") != edit+"?draft=1" {
			t.Fatalf("login over the editor's own draft: %d %s", r.status, r.header.Get("Location"))
		}
		if got := mustAPI(t, a, http.MethodGet, "/sheets/"+slug+"/draft", "marie", nil, http.StatusOK)["body"]; got != "Début, puis la suite.\n" {
			t.Errorf("the editor's own draft became %q", got)
		}
		// A carry naming a draft by something that is not a time is forged.
		forged := strings.Replace(kept, `"draft_saved_at":"`, `"draft_saved_at":"hier`, 1)
		fb := a.browser()
		if r := loginWithKept(fb, fb.csrf("/login"), forged); forged == kept || r.status != http.StatusBadRequest {
			t.Errorf("forged draft_saved_at: %d", r.status)
		}
	})
}

// TestKeptTextEvictsNoDraft: an account at the limit of drafts keeps all
// of them; the kept text fills the editor instead.
func TestKeptTextEvictsNoDraft(t *testing.T) {
	a := newTestAtlas(t, testutil.NewSQLite(t))
	var first string
	for i := 0; i < sheet.MaxDrafts; i++ {
		slug := createSheet(t, a, fmt.Sprintf("Fiche %d", i), "x")
		if i == 0 {
			first = slug
		}
		mustAPI(t, a, http.MethodPut, "/sheets/"+slug+"/draft", "marie", map[string]any{"base": 1, "body": "y"}, http.StatusOK)
	}
	b := a.browser()
	kept, token := refusedAfterLogout(t, b, "/sheets/new", "/sheets", url.Values{"title": {"Repair café"}, "body": {"Un atelier par mois.\n"}})
	r := loginWithKept(b, token, kept)
	if r.status != http.StatusOK || field(r.body, "title") != "Repair café" || field(r.body, "body") != "Un atelier par mois.\n" || !strings.Contains(string(r.body), `action="/sheets"`) {
		t.Fatalf("login: %d title %q %.300s", r.status, field(r.body, "title"), r.body)
	}
	var list struct{ Drafts []json.RawMessage }
	if err := json.Unmarshal(a.api(http.MethodGet, "/drafts", "marie", nil).body, &list); err != nil || len(list.Drafts) != sheet.MaxDrafts {
		t.Errorf("drafts: %d (%v), want %d", len(list.Drafts), err, sheet.MaxDrafts)
	}
	if r := a.api(http.MethodGet, "/sheets/"+first+"/draft", "marie", nil); r.status != http.StatusOK {
		t.Errorf("the oldest draft was evicted: %d", r.status)
	}
}

// TestKeptTextSurvivesWhatADraftRefuses: the text reaches the editor, or
// at worst the login page shows it, never a bare error page.
func TestKeptTextSurvivesWhatADraftRefuses(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Jardin", body1)
		edit := "/sheets/" + slug + "/edit"

		// "Autre licence" chosen, its name not typed yet: kept as a draft.
		b := a.browser()
		kept, token := refusedAfterLogout(t, b, edit, edit, url.Values{"base": {"1"}, "title": {"Jardin"}, "body": {"Gardé.\n"}, "licence": {"other"}, "licence_other": {""}})
		r := loginWithKept(b, token, kept)
		if r.status != http.StatusSeeOther || r.header.Get("Location") != edit+"?draft=1" {
			t.Fatalf("unnamed licence: %d %s %.300s", r.status, r.header.Get("Location"), r.body)
		}
		editor := string(b.get(edit + "?draft=1").body)
		if field([]byte(editor), "body") != "Gardé.\n" || !strings.Contains(editor, `value="other" selected`) {
			t.Errorf("unnamed licence: the editor lost the text or the choice")
		}

		// A summary longer than a draft keeps: the editor, filled.
		long := strings.Repeat("é", sheet.MaxSummaryRune+1)
		b = a.browser()
		kept, token = refusedAfterLogout(t, b, edit, edit, url.Values{"base": {"1"}, "title": {"Jardin"}, "body": {"Encore gardé.\n"}, "summary": {long}})
		r = loginWithKept(b, token, kept)
		if r.status != http.StatusOK || field(r.body, "body") != "Encore gardé.\n" || field(r.body, "summary") != long {
			t.Errorf("long summary: %d %.300s", r.status, r.body)
		}

		// An amendment of a proposal withdrawn meanwhile: no editor to
		// show, so the login page shows the text, unfolded.
		submitted := createSheet(t, a, "Fablab", body1)
		withBoard(t, a, submitted)
		rv := mustAPI(t, a, http.MethodPost, "/sheets/"+submitted+"/reviews", "marie", map[string]any{"revision": 1}, http.StatusCreated)
		amend := fmt.Sprintf("/sheets/%s/reviews/%.0f/amend", submitted, rv["id"].(float64))
		b = a.browser()
		kept, token = refusedAfterLogout(t, b, amend, amend, url.Values{"base": {"1"}, "title": {"Fablab"}, "body": {"Amendé trop tard.\n"}})
		if w := a.api(http.MethodPost, fmt.Sprintf("/reviews/%.0f/withdraw", rv["id"].(float64)), "marie", nil); w.status >= 300 {
			t.Fatalf("withdraw: %d %s", w.status, w.body)
		}
		r = loginWithKept(b, token, kept)
		page := string(r.body)
		if r.status != http.StatusOK || !strings.Contains(page, "Amendé trop tard.\n</textarea>") || !strings.Contains(page, `<details class="kept-text" open>`) || !strings.Contains(page, "copiez-le") {
			t.Errorf("closed proposal: %d %.400s", r.status, page)
		}
		if r := b.get("/sheets/new"); r.status != http.StatusOK {
			t.Errorf("not logged in after all: %d", r.status)
		}
	})
}

// TestStaleLoginFormKeepsTheText: the login page carrying the text stays
// open while the person logs in from another tab; its form is stale, and
// posting it shows the login page again with the text.
func TestStaleLoginFormKeepsTheText(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Jardin", body1)
		edit := "/sheets/" + slug + "/edit"
		b := a.browser()
		kept, stale := refusedAfterLogout(t, b, edit, edit, url.Values{"base": {"1"}, "title": {"Jardin"}, "body": {"Tapé avant.\n"}, "summary": {"s"}})
		tab := &browser{a: a, cookies: b.cookies} // the same cookie jar
		tab.login("marie")
		r := loginWithKept(b, stale, kept)
		page := string(r.body)
		if r.status != http.StatusForbidden || !hiddenKept.MatchString(page) || !strings.Contains(page, "Tapé avant.\n</textarea>") || !strings.Contains(page, "confirmez votre mot de passe") {
			t.Fatalf("stale login form: %d %.300s", r.status, page)
		}
		again := html.UnescapeString(hiddenKept.FindStringSubmatch(page)[1])
		token := html.UnescapeString(csrfField.FindStringSubmatch(page)[1])
		r = loginWithKept(b, token, again)
		if r.status != http.StatusSeeOther || r.header.Get("Location") != edit+"?draft=1" {
			t.Fatalf("login: %d %s", r.status, r.header.Get("Location"))
		}
		if got := field(b.get(edit+"?draft=1").body, "body"); got != "Tapé avant.\n" {
			t.Errorf("editor after login: %q", got)
		}
		// A stale login form carrying nothing, or a forged carry, is
		// refused as before.
		for _, k := range []string{"", "{"} {
			if r := loginWithKept(b, stale, k); r.status != http.StatusForbidden || hiddenKept.Match(r.body) {
				t.Errorf("stale login with kept %q: %d", k, r.status)
			}
		}
	})
}

// TestKeptTextBounds: a body at the limit, rich in "<" and "&", is kept
// whole; a field over its bound is refused before anything is encoded.
func TestKeptTextBounds(t *testing.T) {
	a := newTestAtlas(t, testutil.NewSQLite(t))
	big := strings.Repeat("<a & b>\n", sheet.MaxBodyBytes/8)
	b := a.browser()
	kept, token := refusedAfterLogout(t, b, "/sheets/new", "/sheets", url.Values{"title": {"Grande"}, "body": {big}})
	r := loginWithKept(b, token, kept)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/sheets/new?draft=1" {
		t.Fatalf("login: %d %s", r.status, r.header.Get("Location"))
	}
	if got := field(b.get("/sheets/new?draft=1").body, "body"); got != big {
		t.Errorf("the body came back with %d bytes, want %d", len(got), len(big))
	}
	for name, form := range map[string]url.Values{
		"body":       {"body": {big + "x"}},
		"title":      {"title": {strings.Repeat("t", 16<<10+1)}},
		"tags":       {"tags": {strings.Repeat("t", 16<<10+1)}},
		"categories": {"categories": strings.Split(strings.Repeat("x,", len(sheet.Categories)+1), ",")},
	} {
		b := a.browser()
		b.login("marie")
		csrf := b.csrf("/sheets/new")
		postForm(b, "/logout", csrf, nil)
		r := postForm(b, "/sheets", csrf, form)
		if r.status != http.StatusForbidden || hiddenKept.Match(r.body) || b.cookies["atlas_session"] != "" {
			t.Errorf("%s over its bound: %d, kept %v, cookies %v", name, r.status, hiddenKept.Match(r.body), r.header.Values("Set-Cookie"))
		}
	}
}
