package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/document"
	"atlas/internal/testutil"
)

func TestLoginRenewsTheSessionAndRequiresCSRF(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		b := a.browser()
		// A session fixated before login (an anonymous one, as older
		// login pages made) must be replaced by the login.
		anonymous, _, err := a.auth.StartSession(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		b.cookies["atlas_session"] = anonymous
		token := b.csrf("/login")
		// Without the CSRF field, or with a wrong one: 403, not logged in.
		if r := b.post("/login", url.Values{"username": {"marie"}, "password": {testutil.FixturePassword}}); r.status != http.StatusForbidden {
			t.Errorf("login without CSRF: %d", r.status)
		}
		if r := b.post("/login", url.Values{"_csrf": {token + "x"}, "username": {"marie"}, "password": {testutil.FixturePassword}}); r.status != http.StatusForbidden {
			t.Errorf("login with a wrong CSRF: %d", r.status)
		}
		// Wrong password: 401, the form again with a French message.
		r := b.post("/login", url.Values{"_csrf": {token}, "username": {"marie"}, "password": {"faux"}})
		if r.status != http.StatusUnauthorized || !strings.Contains(string(r.body), "incorrect") {
			t.Errorf("wrong password: %d", r.status)
		}
		r = b.post("/login", url.Values{"_csrf": {token}, "username": {"marie"}, "password": {testutil.FixturePassword}, "next": {"//evil.example/"}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
			t.Fatalf("login: %d to %q", r.status, r.header.Get("Location"))
		}
		if b.cookies["atlas_session"] == "" || b.cookies["atlas_session"] == anonymous {
			t.Error("the session id was not renewed at login")
		}
		cookie := r.header.Get("Set-Cookie")
		if !strings.Contains(cookie, "HttpOnly") || !strings.Contains(strings.ToLower(cookie), "samesite=lax") {
			t.Errorf("session cookie flags: %s", cookie)
		}
		// The fixated anonymous id is worthless now.
		old := a.browser()
		old.cookies["atlas_session"] = anonymous
		if r := old.get("/account"); r.status != http.StatusSeeOther {
			t.Errorf("old session reached /account: %d", r.status)
		}
		if r := b.get("/account"); r.status != http.StatusOK || !strings.Contains(string(r.body), "marie@example.org") {
			t.Errorf("account page: %d", r.status)
		}
		// Logout ends the session server-side.
		stolen := b.cookies["atlas_session"]
		b.post("/logout", url.Values{"_csrf": {b.csrf("/account")}})
		thief := a.browser()
		thief.cookies["atlas_session"] = stolen
		if r := thief.get("/account"); r.status != http.StatusSeeOther {
			t.Errorf("session survived logout: %d", r.status)
		}
	})
}

func TestCreateEditAndCompareThroughPages(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		b := a.browser()
		if r := b.get("/sheets/new"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
			t.Fatalf("anonymous /sheets/new: %d %s", r.status, r.header.Get("Location"))
		}
		b.login("marie")
		newPage := b.get("/sheets/new")
		if got := field(newPage.body, "body"); got != document.Template() {
			t.Errorf("new sheet is not prefilled with the template:\n%q", got)
		}
		body := strings.Replace(document.Template(), "### Qui sont les membres ?\n", "### Qui sont les membres ?\n\nDes voisines et des voisins.\n", 1)
		r := b.post("/sheets", url.Values{
			"_csrf": {field(newPage.body, "_csrf")}, "title": {"Grainothèque du Relecq"}, "body": {body},
			"summary": {"création"}, "categories": {"semences", "savoirs"}, "tags": {"graines, partage"},
			"place_name": {"Médiathèque"}, "lat": {"48,40"}, "lon": {"-4.39"},
		})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/sheets/grainotheque-du-relecq" {
			t.Fatalf("create: %d %s %.300s", r.status, r.header.Get("Location"), r.body)
		}
		show := b.get("/sheets/grainotheque-du-relecq")
		page := string(show.body)
		for _, want := range []string{"Grainothèque du Relecq", "Des voisines et des voisins.", "Brouillon non validé", "Semences et biodiversité", "Commencée le", "marie", "Médiathèque", "(CC BY-SA 4.0)", "?section=2"} {
			if !strings.Contains(page, want) {
				t.Errorf("sheet page lacks %q", want)
			}
		}

		// Two people open the editor on version 1.
		other := a.browser()
		other.login("admin")
		mine := b.get("/sheets/grainotheque-du-relecq/edit")
		theirs := other.get("/sheets/grainotheque-du-relecq/edit?section=3")
		if field(theirs.body, "body") != "## Les ressources\n\n### Quelles sont-elles ?\n\n\n### Comment sont-elles utilisées ?\n\n\n" {
			t.Errorf("section editor body = %q", field(theirs.body, "body"))
		}
		// The admin edits section 3 and saves first.
		r = other.post("/sheets/grainotheque-du-relecq/edit", url.Values{
			"_csrf": {field(theirs.body, "_csrf")}, "base": {"1"}, "section": {"3"},
			"body": {"## Les ressources\n\nDes sachets de graines.\n"}, "summary": {"ressources"},
		})
		if r.status != http.StatusSeeOther {
			t.Fatalf("section save: %d %.300s", r.status, r.body)
		}
		// Marie saves from version 1 a change to section 2: merged.
		form := url.Values{"_csrf": {field(mine.body, "_csrf")}, "base": {field(mine.body, "base")}, "title": {field(mine.body, "title")},
			"body":    {strings.Replace(field(mine.body, "body"), "Des voisines et des voisins.", "Des habitantes et des habitants.", 1)},
			"summary": {"membres"}, "categories": {"semences"}, "lat": {"48.40"}, "lon": {"-4.39"}, "place_name": {"Médiathèque"}}
		r = b.post("/sheets/grainotheque-du-relecq/edit", form)
		if r.status != http.StatusSeeOther {
			t.Fatalf("stale save: %d %.300s", r.status, r.body)
		}
		if page := string(b.get("/sheets/grainotheque-du-relecq").body); !strings.Contains(page, "fusionnés") || !strings.Contains(page, "Des habitantes") || !strings.Contains(page, "Des sachets de graines") {
			t.Errorf("merge not shown or an edit lost")
		}

		// Marie saves again from version 1, overlapping the admin: the
		// conflict screen keeps her text, with what others changed
		// elsewhere (version 3's "habitantes") already taken in, based on
		// the head.
		form.Set("body", strings.Replace(field(mine.body, "body"), "## Les ressources\n", "## Les ressources\n\nUne armoire à graines.\n", 1))
		r = b.post("/sheets/grainotheque-du-relecq/edit", form)
		if r.status != http.StatusConflict {
			t.Fatalf("conflicting save: %d", r.status)
		}
		if got, want := field(r.body, "body"), strings.Replace(form.Get("body"), "Des voisines et des voisins.", "Des habitantes et des habitants.", 1); got != want {
			t.Errorf("conflict screen lost the user's text:\n%q", got)
		}
		if !strings.Contains(string(r.body), "Conflit de modification") || field(r.body, "base") != "3" {
			t.Errorf("conflict screen: base %q", field(r.body, "base"))
		}

		// History and diff pages.
		hist := string(b.get("/sheets/grainotheque-du-relecq/history").body)
		for _, want := range []string{`name="from" value="2"`, `name="to" value="3"`, "fusion", "membres", "ressources"} {
			if !strings.Contains(hist, want) {
				t.Errorf("history lacks %q", want)
			}
		}
		for _, view := range []string{"inline", "side"} {
			diffPage := b.get("/sheets/grainotheque-du-relecq/diff?from=1&to=3&view=" + view)
			dp := string(diffPage.body)
			if diffPage.status != http.StatusOK || !strings.Contains(dp, "<del>") || !strings.Contains(dp, "<ins>") || !strings.Contains(dp, "habitantes") {
				t.Errorf("%s diff page: %d", view, diffPage.status)
			}
		}
		if r := b.get("/sheets/grainotheque-du-relecq/diff?from=1&to=99"); r.status != http.StatusNotFound || !strings.Contains(string(r.body), "existe pas") {
			t.Errorf("diff of a missing revision: %d", r.status)
		}

		// Restore version 1 from its page.
		rev := b.get("/sheets/grainotheque-du-relecq/revisions/1")
		r = b.post("/sheets/grainotheque-du-relecq/revisions/1/restore", url.Values{"_csrf": {field(rev.body, "_csrf")}})
		if r.status != http.StatusSeeOther {
			t.Errorf("restore: %d", r.status)
		}
		if page := string(b.get("/sheets/grainotheque-du-relecq/history").body); !strings.Contains(page, "restauration") {
			t.Error("history does not show the restore")
		}
	})
}

func TestEditFormErrorsKeepTheText(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		b := a.browser()
		b.login("marie")
		token := b.csrf("/sheets/new")
		for name, form := range map[string]url.Values{
			"empty title": {"title": {""}, "body": {"mon texte précieux"}},
			"place":       {"title": {"Lieu"}, "body": {"mon texte précieux"}, "place_name": {"Quelque part"}},
			"category":    {"title": {"Cat"}, "body": {"mon texte précieux"}, "categories": {"inconnue"}},
		} {
			form.Set("_csrf", token)
			r := b.post("/sheets", form)
			if r.status != http.StatusUnprocessableEntity || field(r.body, "body") != "mon texte précieux" || !strings.Contains(string(r.body), `role="alert"`) {
				t.Errorf("%s: %d, body kept: %v", name, r.status, field(r.body, "body") == "mon texte précieux")
			}
		}
		if list := a.api(http.MethodGet, "/sheets", "", nil).json(t); len(list["sheets"].([]any)) != 0 {
			t.Error("a refused form created a sheet")
		}
	})
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	a := newTestAtlas(t, testutil.NewSQLite(t))
	b := a.browser()
	for _, path := range []string{"/", "/login", "/sheets/absente", "/api/v1/sheets/absente", "/healthz"} {
		r := b.get(path)
		csp := r.header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline script", path)
		}
		if r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("Referrer-Policy") == "" {
			t.Errorf("%s: headers %v", path, r.header)
		}
	}
}

func TestPagesAreFrenchFirstAndSwitchToEnglish(t *testing.T) {
	a := newTestAtlas(t, testutil.NewSQLite(t))
	b := a.browser()
	home := string(b.get("/").body)
	if !strings.Contains(home, `<html lang="fr">`) || !strings.Contains(home, "Les communs du Pays de Brest") {
		t.Error("home is not in French")
	}
	req, _ := http.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("Accept-Language", "en-GB,en;q=0.9")
	if page := string(b.send(req).body); !strings.Contains(page, `<html lang="en">`) {
		t.Error("Accept-Language: en ignored")
	}
	r := b.get("/lang/en")
	if r.status != http.StatusSeeOther {
		t.Fatalf("language switch: %d", r.status)
	}
	if page := string(b.get("/").body); !strings.Contains(page, "The commons of the Pays de Brest") {
		t.Error("the language choice was not remembered")
	}
	if r := b.get("/lang/de"); r.status != http.StatusNotFound {
		t.Errorf("unknown language: %d", r.status)
	}
}

func TestEveryPageHasLabelledInputs(t *testing.T) {
	a := newTestAtlas(t, testutil.NewSQLite(t))
	b := a.browser()
	b.login("admin")
	createSheet(t, a, "Accessible", body1)
	inputID := regexp.MustCompile(`<(?:input|textarea|select)[^>]*\bid="([^"]+)"`)
	if page := string(a.browser().get("/login").body); !strings.Contains(page, `for="username"`) || !strings.Contains(page, `for="password"`) {
		t.Error("/login: inputs without labels")
	}
	for _, path := range []string{"/sheets/new", "/sheets/accessible/edit", "/sheets/accessible/history", "/account", "/admin/users", "/sheets/accessible/revisions/1"} {
		page := string(b.get(path).body)
		for _, m := range inputID.FindAllStringSubmatch(page, -1) {
			if !strings.Contains(page, `for="`+m[1]+`"`) {
				t.Errorf("%s: input #%s has no label", path, m[1])
			}
		}
		if !strings.Contains(page, `<main id="main_content"`) || !strings.Contains(page, "<nav") {
			t.Errorf("%s: landmarks missing", path)
		}
	}
}
