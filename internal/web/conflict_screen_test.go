package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

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
