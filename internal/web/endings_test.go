package web_test

import (
	"bytes"
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
