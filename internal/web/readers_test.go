package web_test

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/document"
	"atlas/internal/model"
	"atlas/internal/testutil"
)

// answered is the template with one question answered, as a writer fills it.
func answered() string {
	q := "### Quels financements, quelles contributions ?\n\n"
	return strings.Replace(document.Template(), q, q+"Une **subvention** de la ville et des [dons](https://example.org/dons)[^1].\n\n[^1]: Une centaine de donateurs.\n", 1)
}

// Readers see what was written: the sheet page and the revision page leave
// out the template's unanswered questions and the sections holding only
// them, the table of contents follows, the editor keeps them as prompts.
func TestUnansweredQuestionsAreHiddenFromReaders(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		empty := createSheet(t, a, "Jardin des Capucins", document.Template())
		full := createSheet(t, a, "Repair café", answered())
		anon := a.browser()

		for _, path := range []string{"/sheets/" + empty, "/sheets/" + empty + "/revisions/1"} {
			page := string(anon.get(path).body)
			for _, hidden := range []string{"Qui sont les membres", "Quels financements", "La gouvernance", "Liens"} {
				if strings.Contains(page, hidden) {
					t.Errorf("%s shows the unanswered %q", path, hidden)
				}
			}
		}
		if page := string(anon.get("/sheets/" + empty).body); !strings.Contains(page, "Cette fiche n&#39;a pas encore de contenu") && !strings.Contains(page, "Cette fiche n'a pas encore de contenu") {
			t.Errorf("the empty sheet says nothing of its emptiness")
		}

		page := string(anon.get("/sheets/" + full).body)
		for _, shown := range []string{"Les moyens humains et financiers, les partenariats", "Quels financements, quelles contributions ?", "<strong>subvention</strong>"} {
			if !strings.Contains(html.UnescapeString(page), shown) {
				t.Errorf("the answered sheet lacks %q", shown)
			}
		}
		for _, hidden := range []string{"Quels partenariats", "Moyens humains</h3>", "La communauté", "Qui sont les membres"} {
			if strings.Contains(html.UnescapeString(page), hidden) {
				t.Errorf("the answered sheet shows the unanswered %q", hidden)
			}
		}
		// The contents list the one section shown; it is section 6 of the
		// stored body, and that is the section its link edits.
		toc := regexp.MustCompile(`(?s)<nav class="toc".*?</nav>`).FindString(page)
		if strings.Count(toc, "<li>") != 1 || !strings.Contains(html.UnescapeString(toc), "Les moyens humains") {
			t.Errorf("contents = %s", toc)
		}
		marie := a.browser()
		marie.login("marie")
		page = string(marie.get("/sheets/" + full).body)
		if !strings.Contains(page, "/edit?section=6") || strings.Contains(page, "/edit?section=1\"") {
			t.Errorf("the section link does not edit the stored section 6")
		}
		if section := field(marie.get("/sheets/"+full+"/edit?section=6").body, "body"); !strings.HasPrefix(section, "## Les moyens humains") {
			t.Errorf("section 6 of the editor = %q", section)
		}
		// The editor shows the whole stored body, prompts included.
		if body := field(marie.get("/sheets/"+empty+"/edit").body, "body"); body != document.Template() {
			t.Errorf("the editor does not show the template as stored: %q", body)
		}

		// Search: only the answered sheet is found, its snippet is text.
		r := a.api(http.MethodGet, "/search?q=financements", "", nil).json(t)
		results := r["results"].([]any)
		if len(results) != 1 || results[0].(map[string]any)["slug"] != full {
			t.Fatalf("financements finds %v", results)
		}
		snippet := results[0].(map[string]any)["snippet"].(string)
		for _, syntax := range []string{"##", "**", "](", "[^"} {
			if strings.Contains(snippet, syntax) {
				t.Errorf("snippet %q shows %q", snippet, syntax)
			}
		}
		if !strings.Contains(snippet, "<mark>financements</mark>") || !strings.Contains(snippet, "subvention de la ville et des dons") {
			t.Errorf("snippet = %q", snippet)
		}
	})
}

// The provenance line names who started the sheet and who wrote it with
// them, joined as a sentence, and counts versions in words.
func TestProvenanceNamesStarterAndCoWriters(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Grainothèque", "## Histoire\n\nv1\n")
		line := func(lang string) string {
			t.Helper()
			req := httptestGet("/sheets/" + slug + "?lang=" + lang)
			page := string(a.do(req).body)
			m := regexp.MustCompile(`(?s)<p class="provenance">(.*?)</p>`).FindStringSubmatch(page)
			if m == nil {
				t.Fatalf("no provenance line")
			}
			return html.UnescapeString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[1], ""))
		}
		if got := line("fr"); !strings.Contains(got, "par marie · mise à jour le") || strings.Contains(got, "rédigée avec") || !strings.Contains(got, "· 1 versionAuteurs et autrices : marie · Qui a écrit quoi") {
			t.Errorf("one writer: %q", got)
		}
		base := 1
		for _, name := range []string{"yann", "anne", "bleuenn", "corentin", "dewi"} {
			testutil.User(t, a.store, name, model.RoleContributor)
			tok, err := a.auth.CreateAPIToken(t.Context(), mustUser(t, a, name).ID, "test")
			if err != nil {
				t.Fatal(err)
			}
			a.tokens[name] = tok
			r := a.api(http.MethodPut, "/sheets/"+slug, name, map[string]any{"base": base, "title": "Grainothèque", "body": "## Histoire\n\nv" + itoa(base+1) + "\n"})
			if r.status != http.StatusOK {
				t.Fatalf("save by %s: %d %s", name, r.status, r.body)
			}
			base++
			switch name {
			case "yann":
				if got := line("fr"); !strings.Contains(got, "par marie · rédigée avec yann · mise à jour le") || !strings.Contains(got, "par yann · 2 versions") {
					t.Errorf("two writers: %q", got)
				}
				if got := line("en"); !strings.Contains(got, "by marie · written with yann · updated on") {
					t.Errorf("two writers, English: %q", got)
				}
			case "anne":
				if got := line("fr"); !strings.Contains(got, "rédigée avec yann et anne ·") {
					t.Errorf("three writers: %q", got)
				}
			case "bleuenn":
				if got := line("fr"); !strings.Contains(got, "rédigée avec yann, anne et bleuenn ·") {
					t.Errorf("four writers: %q", got)
				}
				if got := line("en"); !strings.Contains(got, "written with yann, anne and bleuenn ·") {
					t.Errorf("four writers, English: %q", got)
				}
			case "corentin":
				if got := line("fr"); !strings.Contains(got, "rédigée avec yann, anne, bleuenn et 1 autre ·") {
					t.Errorf("five writers: %q", got)
				}
			case "dewi":
				if got := line("fr"); !strings.Contains(got, "rédigée avec yann, anne, bleuenn et 2 autres ·") || !strings.Contains(got, "· 6 versions") ||
					!strings.HasSuffix(got, "Auteurs et autrices : marie et dewi · Qui a écrit quoi") {
					t.Errorf("six writers: %q", got)
				}
				if got := line("en"); !strings.Contains(got, "written with yann, anne, bleuenn and 2 others ·") {
					t.Errorf("six writers, English: %q", got)
				}
			}
		}
		// Marie writes again: still the one who started it, not a co-writer.
		a.api(http.MethodPut, "/sheets/"+slug, "marie", map[string]any{"base": base, "title": "Grainothèque", "body": "## Histoire\n\nfin\n"})
		if got := line("fr"); strings.Contains(got, "avec marie") || strings.Contains(got, ", marie") || !strings.Contains(got, "par marie · rédigée avec") {
			t.Errorf("the starter writes again: %q", got)
		}
	})
}

// Readers of a validated sheet learn whether what is newer is submitted to
// the board or only written, each with its diff one click away.
func TestNewerVersionNoticeSaysWhatIsNewer(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Monnaie locale", "## Histoire\n\nv1\n")
		withBoard(t, a, slug)
		validate := func(n int) {
			t.Helper()
			r := a.api(http.MethodPost, "/sheets/"+slug+"/reviews", "marie", map[string]any{"revision": n})
			if r.status != http.StatusCreated {
				t.Fatalf("submit %d: %d %s", n, r.status, r.body)
			}
			path := "/reviews/" + itoa(int(r.json(t)["id"].(float64))) + "/votes"
			for _, m := range []string{"anne", "bleuenn"} {
				if r := a.api(http.MethodPost, path, m, map[string]any{"choice": "approve", "revision": n}); r.status != http.StatusOK {
					t.Fatalf("vote: %d %s", r.status, r.body)
				}
			}
		}
		validate(1)
		notice := func(lang string) string {
			t.Helper()
			page := string(a.do(httptestGet("/sheets/" + slug + "?lang=" + lang)).body)
			m := regexp.MustCompile(`(?s)<p class="notice notice-pending" role="note">(.*?)</p>`).FindStringSubmatch(page)
			if m == nil {
				return ""
			}
			return html.UnescapeString(m[1])
		}
		if got := notice("fr"); got != "" {
			t.Errorf("notice on an up-to-date sheet: %q", got)
		}
		a.api(http.MethodPut, "/sheets/"+slug, "marie", map[string]any{"base": 1, "title": "Monnaie locale", "body": "## Histoire\n\nv2\n"})
		got := notice("fr")
		if !strings.Contains(got, "Des modifications plus récentes, pas encore validées") || !strings.Contains(got, `diff?from=1&to=2"`) || strings.Contains(got, "soumise") {
			t.Errorf("draft notice: %q", got)
		}
		if got := notice("en"); !strings.Contains(got, "More recent changes, not yet validated") {
			t.Errorf("draft notice, English: %q", got)
		}
		if r := a.api(http.MethodPost, "/sheets/"+slug+"/reviews", "marie", map[string]any{"revision": 2}); r.status != http.StatusCreated {
			t.Fatalf("submit: %d %s", r.status, r.body)
		}
		if got := notice("fr"); !strings.Contains(got, "Une version plus récente est soumise au CA depuis le") {
			t.Errorf("notice right after the submission: %q", got)
		}
		// A third version is written while the second waits: the notice
		// speaks of the submitted one and its diff leads there.
		a.api(http.MethodPut, "/sheets/"+slug, "marie", map[string]any{"base": 2, "title": "Monnaie locale", "body": "## Histoire\n\nv3\n"})
		got = notice("fr")
		if !regexp.MustCompile(`Une version plus récente est soumise au CA depuis le \d+(er)? \p{L}+ \d{4}\.`).MatchString(got) || !strings.Contains(got, `diff?from=1&to=2"`) {
			t.Errorf("submitted notice: %q", got)
		}
		if got := notice("en"); !strings.Contains(got, "A newer version has been submitted to the board since") {
			t.Errorf("submitted notice, English: %q", got)
		}
	})
}

// The licence is a choice: the editor offers a list, the sheet shows the
// licence's name, "another licence" needs its name, and a free-text
// licence from before still shows and saves.
func TestLicenceChoiceThroughPagesAndAPI(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Fablab", "## Histoire\n\nv1\n")
		marie := a.browser()
		marie.login("marie")
		edit := marie.get("/sheets/" + slug + "/edit")
		form := string(edit.body)
		if !strings.Contains(form, `<select id="licence" name="licence"`) || !strings.Contains(form, `<option value="CC-BY-SA-4.0" selected>`) ||
			!strings.Contains(form, `<option value="etalab-2.0">`) || !strings.Contains(form, `<option value="other">`) || !strings.Contains(form, `name="licence_other" value=""`) {
			t.Fatalf("the editor offers no licence choice:\n%s", regexp.MustCompile(`(?s)<div class="field licence-field".*?</div>`).FindString(form))
		}
		save := func(values map[string]string) response {
			page := marie.get("/sheets/" + slug + "/edit")
			f := url.Values{"_csrf": {field(page.body, "_csrf")}, "base": {field(page.body, "base")}, "title": {"Fablab"}, "body": {field(page.body, "body")}}
			for k, v := range values {
				f.Set(k, v)
			}
			return marie.post("/sheets/"+slug+"/edit", f)
		}
		// "Another licence" without its name: refused in French, nothing saved.
		r := save(map[string]string{"licence": "other", "licence_other": "  "})
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(string(r.body)), "pour une autre licence, écrivez son nom") {
			t.Errorf("other without a name: %d", r.status)
		}
		if got := a.api(http.MethodGet, "/sheets/"+slug, "", nil).json(t)["head"]; got != 1.0 {
			t.Errorf("a refused save stored version %v", got)
		}
		if r := save(map[string]string{"licence": "CC0-1.0"}); r.status != http.StatusSeeOther {
			t.Fatalf("save CC0: %d %.300s", r.status, r.body)
		}
		show := a.api(http.MethodGet, "/sheets/"+slug, "", nil).json(t)
		if lic := show["meta"].(map[string]any)["licence"]; lic != "CC0-1.0" {
			t.Errorf("stored licence %v", lic)
		}
		page := string(a.do(httptestGet("/sheets/" + slug)).body)
		if !strings.Contains(page, `<a href="https://creativecommons.org/publicdomain/zero/1.0/deed.fr" rel="license">CC0 1.0 – Transfert dans le domaine public</a>`) {
			t.Errorf("the sheet does not name its licence: %s", regexp.MustCompile(`(?s)<aside class="sheet-meta".*?</aside>`).FindString(page))
		}
		if r := save(map[string]string{"licence": "other", "licence_other": "Licence Art Libre 1.3"}); r.status != http.StatusSeeOther {
			t.Fatalf("save another licence: %d", r.status)
		}
		page = string(a.do(httptestGet("/sheets/" + slug)).body)
		if !strings.Contains(page, "<dd>Licence Art Libre 1.3</dd>") {
			t.Errorf("another licence is not shown as typed")
		}
		form = string(marie.get("/sheets/" + slug + "/edit").body)
		if !strings.Contains(form, `<option value="other" selected>`) || !strings.Contains(form, `name="licence_other" value="Licence Art Libre 1.3"`) {
			t.Errorf("the editor does not show the other licence back")
		}
		// The API speaks ids; a bare "other" is 422, an old free text is kept.
		r = a.api(http.MethodPut, "/sheets/"+slug, "marie", map[string]any{"base": 3, "title": "Fablab", "body": "## Histoire\n\nv1\n", "meta": map[string]any{"licence": "other"}})
		if r.status != http.StatusUnprocessableEntity || r.json(t)["error"] != "licence_unnamed" {
			t.Errorf("API other: %d %s", r.status, r.body)
		}
		r = a.api(http.MethodPut, "/sheets/"+slug, "marie", map[string]any{"base": 3, "title": "Fablab", "body": "## Histoire\n\nv1\n", "meta": map[string]any{"licence": "Licence Ouverte 2.0"}})
		if r.status != http.StatusOK || a.api(http.MethodGet, "/sheets/"+slug, "", nil).json(t)["meta"].(map[string]any)["licence"] != "etalab-2.0" {
			t.Errorf("API alias: %d %s", r.status, r.body)
		}
	})
}

// httptestGet is an anonymous page request in a chosen language (the
// language link's cookie).
func httptestGet(path string) *http.Request {
	lang := "fr"
	if i := strings.Index(path, "?lang="); i >= 0 {
		path, lang = path[:i], path[i+len("?lang="):]
	}
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.AddCookie(&http.Cookie{Name: "atlas_lang", Value: lang})
	return req
}

func mustUser(t *testing.T, a *testAtlas, username string) *model.User {
	t.Helper()
	u, err := a.store.UserByUsername(t.Context(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Counts read as sentences in both languages: "1 mot ajouté, 0 mot
// retiré", "0 abstention", "3 sièges", "1 fiche trouvée".
func TestCountsReadNaturally(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Composteur", "## Histoire\n\nUn bac.\n")
		a.api(http.MethodPut, "/sheets/"+slug, "marie", map[string]any{"base": 1, "title": "Composteur", "body": "## Histoire\n\nUn grand bac.\n"})
		text := func(lang, path string) string {
			t.Helper()
			page := string(a.do(httptestGet(path + "?lang=" + lang)).body)
			return html.UnescapeString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(page, ""))
		}
		for _, c := range []struct{ lang, path, want string }{
			{"fr", "/sheets/" + slug + "/diff?from=1&to=2", "1 mot ajouté, 0 mot retiré."},
			{"en", "/sheets/" + slug + "/diff?from=1&to=2", "1 word added, 0 words removed."},
			{"fr", "/search?q=composteur", "1 fiche trouvée."},
			{"en", "/search?q=composteur", "1 sheet found."},
		} {
			req := httptest.NewRequest(http.MethodGet, c.path, nil)
			req.AddCookie(&http.Cookie{Name: "atlas_lang", Value: c.lang})
			page := html.UnescapeString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(string(a.do(req).body), ""))
			if !strings.Contains(page, c.want) {
				t.Errorf("%s %s lacks %q", c.lang, c.path, c.want)
			}
		}
		withBoard(t, a, slug)
		r := a.api(http.MethodPost, "/sheets/"+slug+"/reviews", "marie", map[string]any{"revision": 2})
		if r.status != http.StatusCreated {
			t.Fatalf("submit: %d %s", r.status, r.body)
		}
		review := "/sheets/" + slug + "/reviews/" + itoa(int(r.json(t)["id"].(float64)))
		page := text("fr", review)
		for _, want := range []string{"Conseil (3 sièges) :", "0 pour, 0 contre, 0 abstention", "il faut 2 voix sur 3 sièges pour décider"} {
			if !strings.Contains(page, want) {
				t.Errorf("review page lacks %q", want)
			}
		}
		page = text("en", review)
		for _, want := range []string{"Board (3 seats):", "0 for, 0 against, 0 abstentions", "needed to decide: 2 votes of 3 seats"} {
			if !strings.Contains(page, want) {
				t.Errorf("English review page lacks %q", want)
			}
		}
		if page := text("fr", "/sheets/"+slug); !strings.Contains(page, "3 membres :") {
			t.Errorf("the board box does not count its members")
		}
	})
}
