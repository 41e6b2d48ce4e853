package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

// The blame API's contract (API.md, "Authorship"): exactly its fields,
// spans that concatenate to the revision's body, authors by words.
func TestAPIBlameContract(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Qui écrit", body1)
		next := strings.Replace(body1, "Des parcelles.", "Des parcelles, un verger, une mare et trois ruches que l’association entretient avec l’école voisine.", 1) + "\n## Liens\n\n« Été » — ça marche 🌱.\n"
		if r := a.api(http.MethodPut, "/sheets/"+slug, "admin", map[string]any{"base": 1, "title": "Qui écrit", "body": next, "summary": "ajoute le verger"}); r.status != http.StatusOK {
			t.Fatalf("save: %d %s", r.status, r.body)
		}
		r := a.api(http.MethodGet, "/sheets/"+slug+"/blame", "", nil)
		if r.status != http.StatusOK {
			t.Fatalf("blame: %d %s", r.status, r.body)
		}
		var got struct {
			Revision int `json:"revision"`
			Spans    []struct {
				Text     string `json:"text"`
				Revision int    `json:"revision"`
				Author   string `json:"author"`
			} `json:"spans"`
			Authors []struct {
				Username string `json:"username"`
				Name     string `json:"name"`
				Words    int    `json:"words"`
				First    int    `json:"first"`
				Last     int    `json:"last"`
			} `json:"authors"`
		}
		dec := json.NewDecoder(bytes.NewReader(r.body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("answer does not follow the contract: %v\n%s", err, r.body)
		}
		var all strings.Builder
		for _, s := range got.Spans {
			all.WriteString(s.Text)
			if (s.Revision == 1) != (s.Author == "marie") || (s.Revision == 2) != (s.Author == "admin") {
				t.Errorf("span %+v: revision and author disagree", s)
			}
		}
		if got.Revision != 2 || all.String() != next {
			t.Errorf("revision %d; spans give %q, want the body %q", got.Revision, all.String(), next)
		}
		if len(got.Authors) != 2 || got.Authors[0].Username != "admin" || got.Authors[0].Words <= got.Authors[1].Words ||
			got.Authors[1].Username != "marie" || got.Authors[1].First != 1 || got.Authors[1].Last != 1 || got.Authors[0].Name == "" {
			t.Errorf("authors %+v, want admin (more words, revision 2) then marie (revision 1)", got.Authors)
		}
		// An older revision, asked for; all of it is marie's.
		old := a.api(http.MethodGet, "/sheets/"+slug+"/blame?revision=1", "", nil).json(t)
		if spans := old["spans"].([]any); len(spans) != 1 || spans[0].(map[string]any)["text"] != body1 {
			t.Errorf("revision 1's spans %v, want one span of its body", spans)
		}
		for _, c := range []struct {
			query string
			want  int
			code  string
		}{{"?revision=abc", 400, "bad_request"}, {"?revision=0", 400, "bad_request"}, {"?revision=3", 404, "not_found"}} {
			r := a.api(http.MethodGet, "/sheets/"+slug+"/blame"+c.query, "", nil)
			if r.status != c.want || r.json(t)["error"] != c.code {
				t.Errorf("blame%s: %d %s, want %d %s", c.query, r.status, r.body, c.want, c.code)
			}
		}
		if r := a.api(http.MethodGet, "/sheets/nulle-part/blame", "", nil); r.status != http.StatusNotFound {
			t.Errorf("blame of no sheet: %d", r.status)
		}
		if r := a.api(http.MethodPost, "/sheets/"+slug+"/archive", "admin", map[string]any{"reason": "doublon"}); r.status != http.StatusOK {
			t.Fatalf("archive: %d %s", r.status, r.body)
		}
		if r := a.api(http.MethodGet, "/sheets/"+slug+"/blame", "", nil); r.status != http.StatusGone {
			t.Errorf("blame of an archived sheet: %d %s, want 410", r.status, r.body)
		}
		if r := a.browser().get("/sheets/" + slug + "/blame"); r.status != http.StatusGone {
			t.Errorf("blame page of an archived sheet: %d, want 410", r.status)
		}
	})
}

// The page shows each passage with its author (named for screen readers,
// not by color alone), a legend by share of words, links to each change,
// and no inline style; anonymous readers get it from the page cache.
func TestBlamePage(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Page qui", body1)
		next := body1 + "\n## Liens\n\nLa <mare> & les ruches du quartier, avec l’école.\n"
		if r := a.api(http.MethodPut, "/sheets/"+slug, "admin", map[string]any{"base": 1, "title": "Page qui", "body": next, "summary": "les liens"}); r.status != http.StatusOK {
			t.Fatalf("save: %d %s", r.status, r.body)
		}
		b := a.browser()
		r := b.get("/sheets/" + slug + "/blame")
		if r.status != http.StatusOK {
			t.Fatalf("page: %d %s", r.status, r.body)
		}
		page := string(r.body)
		for _, want := range []string{
			`href="/sheets/` + slug + `/blame" aria-current="page">Qui a écrit quoi</a>`,
			`class="blame-p blame-c1" href="/sheets/` + slug + `/diff?from=1&amp;to=2"`,
			`class="blame-p blame-c0" href="/sheets/` + slug + `/revisions/1"`,
			`<span class="visually-hidden">[admin, version 2] </span>`,
			`La &lt;mare&gt; &amp; les ruches`,
			`les liens`, // the summary, in the passage's note
			`blame-swatch blame-c0" aria-hidden="true"></span><a class="person" href="/people/marie">marie</a>`,
		} {
			if !strings.Contains(page, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if strings.Contains(page, "style=") {
			t.Error("page has an inline style")
		}
		// The tab is on the other pages of the sheet too.
		if !strings.Contains(string(b.get("/sheets/"+slug+"/history").body), `/sheets/`+slug+`/blame"`) {
			t.Error("history page has no blame tab")
		}
		if r := b.get("/sheets/" + slug + "/blame?revision=x"); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "revision") {
			t.Errorf("bad revision: %d", r.status)
		}
		if r := b.get("/sheets/" + slug + "/blame?revision=9"); r.status != http.StatusNotFound {
			t.Errorf("revision past the head: %d", r.status)
		}
		first := b.get("/sheets/" + slug + "/blame?revision=1")
		again := b.get("/sheets/" + slug + "/blame?revision=1")
		if etag := first.header.Get("ETag"); etag == "" || etag != again.header.Get("ETag") || !bytes.Equal(first.body, again.body) {
			t.Errorf("anonymous page not served from the page cache (ETag %q then %q)", etag, again.header.Get("ETag"))
		}
		if !slices.Contains([]string{"public, max-age=0, must-revalidate"}, first.header.Get("Cache-Control")) {
			t.Errorf("Cache-Control %q", first.header.Get("Cache-Control"))
		}
	})
}
