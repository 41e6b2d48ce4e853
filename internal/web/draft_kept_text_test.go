package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

// TestSaveAfterTheSessionEndedKeepsTheText: logged out in another tab,
// the person clicks "Enregistrer"; the login page carries the text, and
// once logged in again the editor holds it, text and summary, as a draft.
// Nothing was saved on the way.
func TestSaveAfterTheSessionEndedKeepsTheText(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Jardin", body1)
		edit := "/sheets/" + slug + "/edit"
		typed := strings.Replace(body1, "Une réunion par mois.", "Une réunion par mois, le jeudi.", 1)
		form := url.Values{"base": {"1"}, "title": {"Jardin"}, "body": {typed}, "summary": {"le jour des réunions"}, "categories": {"jardins-nature"}}

		b := a.browser()
		b.login("marie")
		csrf := b.csrf(edit)
		if r := postForm(b, "/logout", csrf, nil); r.status != http.StatusSeeOther {
			t.Fatalf("logout: %d", r.status)
		}
		r := postForm(b, edit, csrf, form)
		page := string(r.body)
		if r.status != http.StatusForbidden || !strings.Contains(page, "Votre session a pris fin ; connectez-vous pour enregistrer votre texte, il est conservé") {
			t.Fatalf("refused save: %d %.300s", r.status, page)
		}
		if !strings.Contains(page, "le jeudi.\n</textarea>") || !strings.Contains(page, `action="/login"`) {
			t.Errorf("the login page does not show the kept text")
		}
		m := hiddenKept.FindStringSubmatch(page)
		if m == nil {
			t.Fatal("no kept field on the login page")
		}
		kept := html.UnescapeString(m[1])
		loginCSRF := html.UnescapeString(csrfField.FindStringSubmatch(page)[1])
		if head := mustAPI(t, a, http.MethodGet, "/sheets/"+slug, "marie", nil, http.StatusOK)["head"]; head != 1.0 {
			t.Errorf("the refused save stored a revision: head %v", head)
		}

		// A wrong password keeps carrying it; so does throttling's page.
		r = postForm(b, "/login", loginCSRF, url.Values{"username": {"marie"}, "password": {"faux"}, "kept": {kept}})
		if r.status != http.StatusUnauthorized || hiddenKept.FindStringSubmatch(string(r.body)) == nil {
			t.Fatalf("wrong password: %d, kept carried: %v", r.status, hiddenKept.MatchString(string(r.body)))
		}
		// A forged carry is refused and logs nobody in.
		for _, forged := range []string{"{", `{"action":"edit","slug":"` + slug + `","base":1,"section":-1,"form":{},"x":1}`, `{"action":"edit","slug":"a/b","base":1,"section":-1}`, `{"action":"new","base":3,"section":-1}`} {
			if r := postForm(b, "/login", loginCSRF, url.Values{"username": {"marie"}, "password": {testutil.FixturePassword}, "kept": {forged}}); r.status != http.StatusBadRequest {
				t.Errorf("forged kept %s: %d", forged, r.status)
			}
		}
		r = postForm(b, "/login", loginCSRF, url.Values{"username": {"marie"}, "password": {testutil.FixturePassword}, "kept": {kept}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != edit+"?draft=1" {
			t.Fatalf("login: %d %s", r.status, r.header.Get("Location"))
		}
		editor := b.get(edit + "?draft=1")
		if field(editor.body, "body") != typed || field(editor.body, "summary") != "le jour des réunions" || field(editor.body, "base") != "1" {
			t.Errorf("the editor after login: body %q summary %q base %q", field(editor.body, "body"), field(editor.body, "summary"), field(editor.body, "base"))
		}
		if !strings.Contains(string(editor.body), `id="cat-jardins-nature" name="categories" value="jardins-nature" checked`) {
			t.Errorf("the editor after login lost the categories")
		}
		if head := mustAPI(t, a, http.MethodGet, "/sheets/"+slug, "marie", nil, http.StatusOK)["head"]; head != 1.0 {
			t.Errorf("logging in saved a revision: head %v", head)
		}
		// Saving it is an ordinary, CSRF-checked save.
		fresh := html.UnescapeString(csrfField.FindStringSubmatch(string(editor.body))[1])
		if r := postForm(b, edit, fresh, url.Values{"base": {field(editor.body, "base")}, "title": {"Jardin"}, "body": {field(editor.body, "body")}, "summary": {field(editor.body, "summary")}, "draft_saved_at": {field(editor.body, "draft_saved_at")}}); r.status != http.StatusSeeOther {
			t.Fatalf("save after login: %d %.300s", r.status, r.body)
		}
		sh := mustAPI(t, a, http.MethodGet, "/sheets/"+slug, "marie", nil, http.StatusOK)
		if sh["head"] != 2.0 || sh["body"] != typed {
			t.Errorf("after the save: head %v body %q", sh["head"], sh["body"])
		}
		if r := a.api(http.MethodGet, "/sheets/"+slug+"/draft", "marie", nil); r.status != http.StatusNotFound {
			t.Errorf("the save kept the draft: %d", r.status)
		}
	})
}

func TestRefusedEditorPostsOfEveryKindKeepTheText(t *testing.T) {
	a := newTestAtlas(t, testutil.NewSQLite(t))
	slug := createSheet(t, a, "Jardin", body1)
	submitted := createSheet(t, a, "Fablab", body1)
	withBoard(t, a, submitted)
	review := mustAPI(t, a, http.MethodPost, "/sheets/"+submitted+"/reviews", "marie", map[string]any{"revision": 1}, http.StatusCreated)
	amend := fmt.Sprintf("/sheets/%s/reviews/%.0f/amend", submitted, review["id"].(float64))
	cases := []struct {
		name, path string
		form       url.Values
		lands      string
		body       string
	}{
		{"new sheet", "/sheets", url.Values{"title": {"Fiche neuve"}, "body": {"Tout neuf."}, "summary": {"début"}}, "/sheets/new?draft=1", "Tout neuf."},
		{"section", "/sheets/" + slug + "/edit", url.Values{"base": {"1"}, "section": {"1"}, "body": {"## La communauté\n\nTrente voisins.\n\n"}},
			"/sheets/" + slug + "/edit?draft=1", strings.Replace(body1, "Une vingtaine de voisins.", "Trente voisins.", 1)},
		{"amendment", amend, url.Values{"base": {"1"}, "title": {"Fablab"}, "body": {body1 + "\nAmendé.\n"}}, amend + "?draft=1", body1 + "\nAmendé.\n"},
	}
	for _, c := range cases {
		b := a.browser()
		b.login("marie")
		// A login in another tab gives the session a new token: this
		// tab's form is stale while the person is still logged in.
		stale := b.csrf("/sheets/new")
		tab := a.browser()
		tab.login("marie")
		b.cookies["atlas_session"] = tab.cookies["atlas_session"] // one cookie jar
		r := postForm(b, c.path, stale, c.form)
		if r.status != http.StatusForbidden || !strings.Contains(string(r.body), "confirmez votre mot de passe") || !strings.Contains(string(r.body), `value="marie"`) {
			t.Fatalf("%s: %d %.300s", c.name, r.status, r.body)
		}
		kept := html.UnescapeString(hiddenKept.FindStringSubmatch(string(r.body))[1])
		token := html.UnescapeString(csrfField.FindStringSubmatch(string(r.body))[1])
		r = postForm(b, "/login", token, url.Values{"username": {"marie"}, "password": {testutil.FixturePassword}, "kept": {kept}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != c.lands {
			t.Fatalf("%s: login %d %s", c.name, r.status, r.header.Get("Location"))
		}
		if got := field(b.get(c.lands).body, "body"); got != c.body {
			t.Errorf("%s: editor body %q, want %q", c.name, got, c.body)
		}
	}
	// Any other refused post is refused as before.
	b := a.browser()
	b.login("marie")
	r := postForm(b, "/sheets/"+slug+"/comments", "faux", url.Values{"body": {"x"}})
	if r.status != http.StatusForbidden || !strings.Contains(string(r.body), "Le formulaire a expiré") || hiddenKept.MatchString(string(r.body)) {
		t.Errorf("comment with a bad token: %d %.200s", r.status, r.body)
	}
}

// TestSaveAfterAPasswordChangeKeepsTheText: the password changed on
// another computer ends every session; the browser still sends its stale
// cookie with the editor's post.
func TestSaveAfterAPasswordChangeKeepsTheText(t *testing.T) {
	a := newTestAtlas(t, testutil.NewSQLite(t))
	slug := createSheet(t, a, "Jardin", body1)
	edit := "/sheets/" + slug + "/edit"
	b := a.browser()
	b.login("marie")
	csrf := b.csrf(edit)
	stale := b.cookies["atlas_session"]
	if _, err := a.auth.ChangePassword(t.Context(), a.marie, testutil.FixturePassword, "un-autre-mot-de-passe-9"); err != nil {
		t.Fatal(err)
	}
	r := postForm(b, edit, csrf, url.Values{"base": {"1"}, "title": {"Jardin"}, "body": {"Gardé.\n"}, "summary": {"s"}})
	if r.status != http.StatusForbidden || !hiddenKept.Match(r.body) {
		t.Fatalf("post with an ended session: %d %.300s", r.status, r.body)
	}
	if b.cookies["atlas_login"] == "" || b.cookies["atlas_session"] == stale {
		t.Errorf("the login form has no token of its own, or the ended session's cookie was kept")
	}
	kept := html.UnescapeString(hiddenKept.FindStringSubmatch(string(r.body))[1])
	token := html.UnescapeString(csrfField.FindStringSubmatch(string(r.body))[1])
	r = postForm(b, "/login", token, url.Values{"username": {"marie"}, "password": {"un-autre-mot-de-passe-9"}, "kept": {kept}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != edit+"?draft=1" {
		t.Fatalf("login: %d %s %.200s", r.status, r.header.Get("Location"), r.body)
	}
	if got := field(b.get(edit+"?draft=1").body, "body"); got != "Gardé.\n" {
		t.Errorf("editor after login: %q", got)
	}
}
