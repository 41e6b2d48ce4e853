package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

// endingsBody is a sheet as the API and imports write it: LF line endings.
const endingsBody = "Un jardin ouvert à tous.\n\n## La communauté\n\nUne vingtaine de voisins se retrouvent le samedi.\n\nIls partagent les outils et les graines.\n\n## Les ressources\n\nDes parcelles, un composteur et une cabane.\n\n## La gouvernance\n\nUne réunion par mois, ouverte à qui veut.\n"

// editorForm reads the editor's form as a browser would submit it: hidden
// and text fields, ticked boxes, and textareas with the CRLF line endings
// every browser sends.
func editorForm(t *testing.T, page []byte) url.Values {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	attr := func(n *html.Node, key string) (string, bool) {
		for _, a := range n.Attr {
			if a.Key == key {
				return a.Val, true
			}
		}
		return "", false
	}
	var form *html.Node
	var find func(*html.Node)
	find = func(n *html.Node) {
		if class, _ := attr(n, "class"); n.Type == html.ElementNode && n.Data == "form" && class == "editor" {
			form = n
		}
		for c := n.FirstChild; c != nil && form == nil; c = c.NextSibling {
			find(c)
		}
	}
	find(doc)
	if form == nil {
		t.Fatalf("no editor form on the page:\n%.500s", page)
	}
	v := url.Values{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			name, named := attr(n, "name")
			switch {
			case !named:
			case n.Data == "textarea":
				var sb strings.Builder
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					sb.WriteString(c.Data)
				}
				v.Add(name, strings.ReplaceAll(sb.String(), "\n", "\r\n"))
			case n.Data == "input":
				typ, _ := attr(n, "type")
				value, _ := attr(n, "value")
				if typ == "checkbox" {
					if _, checked := attr(n, "checked"); !checked {
						break
					}
					if value == "" {
						value = "on"
					}
				}
				v.Add(name, value)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(form)
	return v
}

// browserEdit opens the editor at path, lets edit change the form as a
// person would, and submits it as a browser does.
func browserEdit(t *testing.T, b *browser, path string, edit func(url.Values)) response {
	t.Helper()
	page := b.get(path)
	if page.status != http.StatusOK {
		t.Fatalf("%s: %d", path, page.status)
	}
	form := editorForm(t, page.body)
	edit(form)
	action := strings.TrimSuffix(strings.SplitN(path, "?", 2)[0], "/")
	return b.post(action, form)
}

func replaceIn(form url.Values, field, old, new string) {
	if !strings.Contains(form.Get(field), old) {
		panic("form field " + field + " lacks " + old)
	}
	form.Set(field, strings.Replace(form.Get(field), old, new, 1))
}

func apiBody(t *testing.T, a *testAtlas, slug string, n string) map[string]any {
	t.Helper()
	r := a.api(http.MethodGet, "/sheets/"+slug+"/revisions/"+n, "marie", nil)
	if r.status != http.StatusOK {
		t.Fatalf("revision %s: %d %s", n, r.status, r.body)
	}
	return r.json(t)
}

// A browser edit of one word of a sheet written through the API is one
// word changed: the form's CRLF line endings become LF on arrival.
func TestBrowserEditOfAnLFSheetIsOneWord(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Jardin des Capucins", endingsBody)
		b := a.browser()
		b.login("marie")
		r := browserEdit(t, b, "/sheets/"+slug+"/edit", func(f url.Values) {
			if !strings.Contains(f.Get("body"), "\r\n") {
				t.Fatal("the simulated browser sends no CRLF")
			}
			replaceIn(f, "body", "samedi", "dimanche")
			f.Set("summary", "un mot\r\n")
		})
		if r.status != http.StatusSeeOther {
			t.Fatalf("save: %d %.400s", r.status, r.body)
		}
		rev := apiBody(t, a, slug, "2")
		if want := strings.Replace(endingsBody, "samedi", "dimanche", 1); rev["body"] != want {
			t.Errorf("stored body %q, want %q", rev["body"], want)
		}
		dj := a.api(http.MethodGet, "/sheets/"+slug+"/diff?from=1&to=2", "marie", nil).json(t)
		stats := dj["stats"].(map[string]any)
		if stats["inserted_words"] != 1.0 || stats["deleted_words"] != 1.0 {
			t.Errorf("diff stats %v, want one word each way", stats)
		}
		changed := 0
		for _, s := range dj["sections"].([]any) {
			if s.(map[string]any)["status"] != "same" {
				changed++
			}
		}
		if changed != 1 {
			t.Errorf("%d sections changed, want 1: %v", changed, dj["sections"])
		}
		page := string(b.get("/sheets/" + slug + "/diff?from=1&to=2").body)
		if strings.Count(page, "<del>") != 1 || strings.Count(page, "<ins>") != 1 || !strings.Contains(page, "<ins>dimanche</ins>") {
			t.Errorf("diff page does not show one changed word:\n%s", page)
		}

		// The JSON API keeps bytes exact: a CRLF body stays CRLF, and the
		// diff sees no change in it.
		crlf := strings.ReplaceAll(rev["body"].(string), "\n", "\r\n")
		if r := a.api(http.MethodPut, "/sheets/"+slug, "admin", map[string]any{"base": 2, "title": "Jardin des Capucins", "body": crlf}); r.status != http.StatusOK {
			t.Fatalf("api save: %d %s", r.status, r.body)
		}
		if got := apiBody(t, a, slug, "3")["body"]; got != crlf {
			t.Errorf("API body not kept byte for byte: %q", got)
		}
		dj = a.api(http.MethodGet, "/sheets/"+slug+"/diff?from=2&to=3", "marie", nil).json(t)
		if stats := dj["stats"].(map[string]any); stats["inserted_words"] != 0.0 || stats["deleted_words"] != 0.0 {
			t.Errorf("line endings alone count words: %v", stats)
		}
		// A browser edit of that CRLF revision is one word too, and the
		// CRLF revision itself is untouched.
		r = browserEdit(t, b, "/sheets/"+slug+"/edit", func(f url.Values) { replaceIn(f, "body", "cabane", "serre") })
		if r.status != http.StatusSeeOther {
			t.Fatalf("save: %d", r.status)
		}
		dj = a.api(http.MethodGet, "/sheets/"+slug+"/diff?from=3&to=4", "marie", nil).json(t)
		if stats := dj["stats"].(map[string]any); stats["inserted_words"] != 1.0 || stats["deleted_words"] != 1.0 {
			t.Errorf("browser edit of a CRLF revision: %v", stats)
		}
		if got := apiBody(t, a, slug, "3")["body"]; got != crlf {
			t.Errorf("revision 3 changed: %q", got)
		}
	})
}

// An API edit and a browser edit of different paragraphs from the same
// base merge silently, whichever saves first.
func TestAPIAndBrowserEditsMerge(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		b := a.browser()
		b.login("marie")
		want := strings.Replace(strings.Replace(endingsBody, "samedi", "dimanche", 1), "une cabane", "une serre", 1)
		apiEdit := func(slug string) response {
			return a.api(http.MethodPut, "/sheets/"+slug, "admin", map[string]any{"base": 1, "title": "Jardin",
				"body": strings.Replace(endingsBody, "une cabane", "une serre", 1), "summary": "la serre"})
		}
		for _, apiFirst := range []bool{true, false} {
			slug := createSheet(t, a, "Jardin", endingsBody)
			editor := b.get("/sheets/" + slug + "/edit")
			form := editorForm(t, editor.body)
			replaceIn(form, "body", "samedi", "dimanche")
			if apiFirst {
				if r := apiEdit(slug); r.status != http.StatusOK {
					t.Fatalf("api save: %d %s", r.status, r.body)
				}
			}
			r := b.post("/sheets/"+slug+"/edit", form)
			if r.status != http.StatusSeeOther {
				t.Fatalf("api first %v: browser save %d %.600s", apiFirst, r.status, r.body)
			}
			if !apiFirst {
				r := apiEdit(slug)
				if r.status != http.StatusOK || r.json(t)["merged"] != true {
					t.Fatalf("api save after the browser: %d %s", r.status, r.body)
				}
			}
			got := apiBody(t, a, slug, "3")
			if got["body"] != want || got["origin"] != "merge" {
				t.Errorf("api first %v: merged %v %q\nwant %q", apiFirst, got["origin"], got["body"], want)
			}
			if apiFirst && !strings.Contains(string(b.get("/sheets/"+slug).body), "fusionn") {
				t.Errorf("no merge notice after the browser's save")
			}
		}
	})
}

// conflictSheet is a sheet with every metadata field filled, as the
// issue's scenario needs.
func conflictSheet(t *testing.T, a *testAtlas) string {
	t.Helper()
	r := a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": "Jardin", "body": endingsBody, "meta": map[string]any{
		"subtitle": "Un jardin de quartier", "categories": []string{"jardins-nature", "semences"}, "tags": []string{"jardin", "graines"},
		"place":   map[string]any{"name": "Capucins", "address": "Place des Capucins", "lat": 48.383, "lon": -4.503},
		"website": "https://jardin.example.org", "contact": "jardin@example.org", "legal_status": "association",
	}})
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	return r.json(t)["slug"].(string)
}

// theirEdit is the other person's save from version 1: a new title, a new
// place and a change to the same paragraph as the user's.
func theirEdit(t *testing.T, a *testAtlas, slug string) {
	t.Helper()
	r := a.api(http.MethodPut, "/sheets/"+slug, "admin", map[string]any{"base": 1, "title": "Jardin partagé des Capucins",
		"body":    strings.Replace(strings.Replace(endingsBody, "le samedi", "chaque samedi matin", 1), "## La gouvernance\n\nUne réunion", "## La gouvernance\n\nUne assemblée", 1),
		"summary": "titre, lieu et communauté",
		"meta": map[string]any{
			"subtitle": "Un jardin de quartier", "categories": []string{"jardins-nature", "semences"}, "tags": []string{"jardin", "graines"},
			"place":   map[string]any{"name": "Jardin des Capucins", "address": "Rue de la Porte", "lat": 48.384, "lon": -4.504},
			"website": "https://jardin.example.org", "contact": "jardin@example.org", "legal_status": "association",
		}})
	if r.status != http.StatusOK {
		t.Fatalf("their save: %d %s", r.status, r.body)
	}
}

// The scenario: a section edit conflicts while someone else changed
// the title, the place and the same section. The screen keeps the section
// edit, names who saved what, and saving it as shown keeps their title,
// place and other changes, the metadata nobody touched, and the user's
// text.
func TestConflictScreenKeepsEveryonesWork(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		b := a.browser()
		b.login("marie")

		t.Run("section edit", func(t *testing.T) {
			slug := conflictSheet(t, a)
			editor := b.get("/sheets/" + slug + "/edit?section=1")
			form := editorForm(t, editor.body)
			if form.Get("section") != "1" || form.Has("title") || form.Has("subtitle") {
				t.Fatalf("section editor form: %v", form)
			}
			replaceIn(form, "body", "le samedi", "le dimanche")
			form.Set("summary", "le jour")
			theirEdit(t, a, slug)

			r := b.post("/sheets/"+slug+"/edit", form)
			if r.status != http.StatusConflict {
				t.Fatalf("section save: %d %.400s", r.status, r.body)
			}
			page := string(r.body)
			for _, want := range []string{"Conflit de modification", "admin", `href="/sheets/` + slug + `/revisions/2"`,
				`href="/sheets/` + slug + `/diff?from=1&amp;to=2"`, "titre, lieu et communauté", "La communauté", "dimanche</ins>"} {
				if !strings.Contains(page, want) {
					t.Errorf("conflict screen lacks %q", want)
				}
			}
			shown := editorForm(t, r.body)
			if shown.Get("section") != "1" || shown.Get("base") != "2" || shown.Has("title") || shown.Has("subtitle") || shown.Get("summary") != "le jour" {
				t.Errorf("conflict screen is no longer the section edit: %v", shown)
			}
			if body := shown.Get("body"); !strings.Contains(body, "le dimanche") || strings.Contains(body, "La gouvernance") {
				t.Errorf("section text on the conflict screen: %q", body)
			}

			// Saved as shown.
			if r := b.post("/sheets/"+slug+"/edit", shown); r.status != http.StatusSeeOther {
				t.Fatalf("saving the conflict screen: %d %.400s", r.status, r.body)
			}
			rev := apiBody(t, a, slug, "3")
			meta := rev["meta"].(map[string]any)
			place := meta["place"].(map[string]any)
			if rev["title"] != "Jardin partagé des Capucins" || place["name"] != "Jardin des Capucins" || place["address"] != "Rue de la Porte" {
				t.Errorf("their title or place reverted: %q %v", rev["title"], place)
			}
			if meta["subtitle"] != "Un jardin de quartier" || len(meta["categories"].([]any)) != 2 || len(meta["tags"].([]any)) != 2 ||
				meta["website"] != "https://jardin.example.org" || meta["contact"] != "jardin@example.org" || meta["legal_status"] != "association" {
				t.Errorf("metadata lost: %v", meta)
			}
			body := rev["body"].(string)
			if !strings.Contains(body, "le dimanche") || !strings.Contains(body, "Une assemblée par mois") || strings.Contains(body, "\r") {
				t.Errorf("body after the conflict: %q", body)
			}
		})

		t.Run("whole sheet", func(t *testing.T) {
			slug := conflictSheet(t, a)
			editor := b.get("/sheets/" + slug + "/edit")
			form := editorForm(t, editor.body)
			replaceIn(form, "body", "le samedi", "le dimanche")
			form.Set("subtitle", "Le jardin du plateau")
			form.Set("contact", "bonjour@jardin.example.org")
			theirEdit(t, a, slug)

			r := b.post("/sheets/"+slug+"/edit", form)
			if r.status != http.StatusConflict {
				t.Fatalf("save: %d %.400s", r.status, r.body)
			}
			shown := editorForm(t, r.body)
			if shown.Get("title") != "Jardin partagé des Capucins" || shown.Get("place_name") != "Jardin des Capucins" ||
				shown.Get("subtitle") != "Le jardin du plateau" || shown.Get("contact") != "bonjour@jardin.example.org" ||
				len(shown["categories"]) != 2 || shown.Get("tags") != "jardin, graines" || shown.Get("legal_status") != "association" || shown.Get("base") != "2" {
				t.Errorf("conflict screen form: %v", shown)
			}
			// The metadata table shows what the save changes: her subtitle
			// and contact, not their title and place.
			page := string(r.body)
			for _, want := range []string{"Le jardin du plateau", "bonjour@jardin.example.org", "dimanche</ins>"} {
				if !strings.Contains(page, want) {
					t.Errorf("conflict screen lacks %q", want)
				}
			}
			if strings.Contains(page, "<del>Jardin partagé des Capucins</del>") {
				t.Errorf("conflict screen would revert their title")
			}
			if r := b.post("/sheets/"+slug+"/edit", shown); r.status != http.StatusSeeOther {
				t.Fatalf("saving the conflict screen: %d %.400s", r.status, r.body)
			}
			rev := apiBody(t, a, slug, "3")
			meta := rev["meta"].(map[string]any)
			if rev["title"] != "Jardin partagé des Capucins" || meta["place"].(map[string]any)["name"] != "Jardin des Capucins" ||
				meta["subtitle"] != "Le jardin du plateau" || meta["contact"] != "bonjour@jardin.example.org" || len(meta["categories"].([]any)) != 2 {
				t.Errorf("after the conflict: %q %v", rev["title"], meta)
			}
			if body := rev["body"].(string); !strings.Contains(body, "le dimanche") || !strings.Contains(body, "Une assemblée par mois") {
				t.Errorf("body after the conflict: %q", body)
			}
		})
	})
}

// A sheet stored with CRLF (as every browser save was before page forms
// were normalized) stays byte for byte what it is when the browser sends it
// back unchanged: no revision, "unchanged"; a metadata edit keeps its body.
func TestBrowserLeavesCRLFRevisionsAlone(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		crlf := strings.ReplaceAll(endingsBody, "\n", "\r\n")
		slug := createSheet(t, a, "Jardin", crlf)
		b := a.browser()
		b.login("marie")
		for _, path := range []string{"/sheets/" + slug + "/edit", "/sheets/" + slug + "/edit?section=2"} {
			if r := browserEdit(t, b, path, func(url.Values) {}); r.status != http.StatusSeeOther {
				t.Fatalf("%s: %d", path, r.status)
			}
			if page := string(b.get("/sheets/" + slug).body); !strings.Contains(page, "Aucun changement") {
				t.Errorf("%s sent back unchanged is not reported unchanged", path)
			}
		}
		r := browserEdit(t, b, "/sheets/"+slug+"/edit", func(f url.Values) { f.Set("subtitle", "Un jardin de quartier") })
		if r.status != http.StatusSeeOther {
			t.Fatalf("metadata edit: %d", r.status)
		}
		rev := apiBody(t, a, slug, "2")
		if rev["body"] != crlf || rev["meta"].(map[string]any)["subtitle"] != "Un jardin de quartier" {
			t.Errorf("metadata edit rewrote the body: %q", rev["body"])
		}
		if got := apiBody(t, a, slug, "1")["body"]; got != crlf {
			t.Errorf("revision 1 changed: %q", got)
		}
	})
}

// Every page form arrives with LF line endings, not only the editor: a
// comment here. The JSON API keeps what it is sent.
func TestPageFormsArriveWithLF(t *testing.T) {
	a := newTestAtlas(t, testutil.NewSQLite(t))
	slug := createSheet(t, a, "Jardin", endingsBody)
	b := a.browser()
	b.login("marie")
	token := b.csrf("/sheets/" + slug)
	r := b.post("/sheets/"+slug+"/comments", url.Values{"_csrf": {token}, "body": {"Bonjour,\r\n\r\nune idée :\rplanter des fèves."}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("comment: %d %.300s", r.status, r.body)
	}
	if r := a.api(http.MethodPost, "/sheets/"+slug+"/comments", "admin", map[string]any{"body": "Par l'API\r\nen CRLF"}); r.status != http.StatusCreated {
		t.Fatalf("api comment: %d %s", r.status, r.body)
	}
	list := string(a.api(http.MethodGet, "/sheets/"+slug+"/comments", "marie", nil).body)
	if !strings.Contains(list, `"Bonjour,\n\nune idée :\nplanter des fèves."`) || !strings.Contains(list, `"Par l'API\r\nen CRLF"`) {
		t.Errorf("comments as stored: %s", list)
	}
}

// Many versions saved meanwhile: the ten newest are named, the rest
// counted, and the link to the whole difference covers them all.
func TestConflictScreenListsManyVersions(t *testing.T) {
	a := newTestAtlas(t, testutil.NewSQLite(t))
	slug := createSheet(t, a, "Jardin", endingsBody)
	b := a.browser()
	b.login("marie")
	form := editorForm(t, b.get("/sheets/"+slug+"/edit").body)
	replaceIn(form, "body", "le samedi", "le dimanche")
	body := endingsBody
	for i := 1; i <= 11; i++ {
		body = strings.Replace(body, "le samedi", fmt.Sprintf("le samedi (%d)", i), 1)
		body = strings.Replace(body, fmt.Sprintf("(%d)", i-1)+" (", "(", 1)
		if r := a.api(http.MethodPut, "/sheets/"+slug, "admin", map[string]any{"base": i, "title": "Jardin", "body": body, "summary": fmt.Sprintf("retouche %d", i)}); r.status != http.StatusOK {
			t.Fatalf("save %d: %d %s", i, r.status, r.body)
		}
	}
	r := b.post("/sheets/"+slug+"/edit", form)
	if r.status != http.StatusConflict {
		t.Fatalf("save: %d", r.status)
	}
	page := string(r.body)
	for _, want := range []string{"retouche 11", "retouche 2", "11 versions en tout", `/diff?from=1&amp;to=12"`} {
		if !strings.Contains(page, want) {
			t.Errorf("conflict screen lacks %q", want)
		}
	}
	if strings.Contains(page, "retouche 1<") || strings.Contains(page, "retouche 1 ") || strings.Contains(page, "retouche 1»") || strings.Contains(page, "« retouche 1 »") {
		t.Errorf("conflict screen names more than ten versions")
	}
}
