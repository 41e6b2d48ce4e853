package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/testutil"
)

// TestPersonPageListsContributions: a person's revisions and comments,
// newest first, on the page and the API, a withdrawn message without its
// text, and pages that follow each other by cursor.
func TestPersonPageListsContributions(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		mustAPI(t, a, http.MethodPost, "/sheets", "marie", map[string]any{"title": "Jardin partagé", "body": "## Qui\n\nDes voisins.\n"}, http.StatusCreated)
		mustAPI(t, a, http.MethodPut, "/sheets/jardin-partage", "marie", map[string]any{"base": 1, "title": "Jardin partagé", "body": "## Qui\n\nDes voisines.\n", "summary": "accord"}, http.StatusOK)
		mustAPI(t, a, http.MethodPost, "/sheets/jardin-partage/comments", "marie", map[string]any{"body": "Bienvenue à toutes."}, http.StatusCreated)
		hidden := mustAPI(t, a, http.MethodPost, "/sheets/jardin-partage/comments", "marie", map[string]any{"body": "Texte secret retiré."}, http.StatusCreated)
		id := int64(hidden["id"].(float64))
		r := a.api(http.MethodDelete, "/comments/"+itoa(int(id)), "marie", nil)
		if r.status >= 300 {
			t.Fatalf("hide: %d %s", r.status, r.body)
		}

		all := mustAPI(t, a, http.MethodGet, "/users/marie/contributions", "", nil, http.StatusOK)
		list := all["contributions"].([]any)
		var kinds []string
		for _, it := range list {
			kinds = append(kinds, it.(map[string]any)["kind"].(string))
		}
		if strings.Join(kinds, ",") != "comment,comment,revision,revision" || all["next"] != nil {
			t.Errorf("contributions %v, next %v", kinds, all["next"])
		}
		if first := list[0].(map[string]any); first["hidden"] != true || first["excerpt"] != nil {
			t.Errorf("the withdrawn message shows %v", first)
		}
		page := mustAPI(t, a, http.MethodGet, "/users/marie/contributions?limit=3", "", nil, http.StatusOK)
		next, _ := page["next"].(string)
		rest := mustAPI(t, a, http.MethodGet, "/users/marie/contributions?limit=3&before="+url.QueryEscape(next), "", nil, http.StatusOK)
		if got := rest["contributions"].([]any); len(got) != 1 || got[0].(map[string]any)["revision"] != float64(1) {
			t.Errorf("second page: %v", got)
		}
		if r := a.api(http.MethodGet, "/users/marie/contributions?before=nonsense", "", nil); r.status != http.StatusBadRequest {
			t.Errorf("a bad cursor: %d", r.status)
		}
		if r := a.api(http.MethodGet, "/users/personne/contributions", "", nil); r.status != http.StatusNotFound {
			t.Errorf("an unknown person: %d", r.status)
		}

		p := a.browser().get("/people/marie")
		body := string(p.body)
		if p.status != http.StatusOK || !strings.Contains(body, "Bienvenue à toutes.") || strings.Contains(body, "Texte secret") ||
			!strings.Contains(body, "message retiré") || !strings.Contains(body, `href="/sheets/jardin-partage/revisions/2"`) {
			t.Errorf("person page %d:\n%s", p.status, body)
		}
		if r := a.browser().get("/people/personne"); r.status != http.StatusNotFound {
			t.Errorf("unknown person page: %d", r.status)
		}
	})
}

// TestFollowAndUnreadCount: following a sheet by its button brings its new
// versions to the inbox, the header counts them, reading the inbox clears
// the count, and unfollowing stops them.
func TestFollowAndUnreadCount(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		a.addUser(t, "paul")
		mustAPI(t, a, http.MethodPost, "/sheets", "paul", map[string]any{"title": "Repair café", "body": "Réparer."}, http.StatusCreated)
		b, csrf := sessionBrowser(t, a, a.marie)
		if body := string(b.get("/sheets/repair-cafe").body); !strings.Contains(body, `action="/sheets/repair-cafe/watch"`) {
			t.Fatalf("no follow button:\n%s", body)
		}
		if r := postForm(b, "/sheets/repair-cafe/watch", csrf, nil); r.status != http.StatusSeeOther {
			t.Fatalf("follow: %d", r.status)
		}
		if body := string(b.get("/sheets/repair-cafe").body); !strings.Contains(body, `action="/sheets/repair-cafe/unwatch"`) {
			t.Errorf("no unfollow button once following")
		}
		if strings.Contains(string(b.get("/changes").body), `class="unread-count"`) {
			t.Errorf("an unread count before any news")
		}
		mustAPI(t, a, http.MethodPut, "/sheets/repair-cafe", "paul", map[string]any{"base": 1, "title": "Repair café", "body": "Réparer ensemble."}, http.StatusOK)
		if body := string(b.get("/changes").body); !strings.Contains(body, `<span class="unread-count" aria-hidden="true">1</span>`) {
			t.Errorf("no unread count of 1 after a new version")
		}
		if strings.Contains(string(a.browser().get("/changes").body), "unread-count") {
			t.Errorf("an anonymous reader sees an unread count")
		}
		if r := postForm(b, "/inbox/read", csrf, nil); r.status != http.StatusSeeOther {
			t.Fatalf("mark read: %d", r.status)
		}
		if strings.Contains(string(b.get("/changes").body), `class="unread-count"`) {
			t.Errorf("the unread count stays after reading")
		}
		if r := postForm(b, "/sheets/repair-cafe/unwatch", csrf, nil); r.status != http.StatusSeeOther {
			t.Fatalf("unfollow: %d", r.status)
		}
		mustAPI(t, a, http.MethodPut, "/sheets/repair-cafe", "paul", map[string]any{"base": 2, "title": "Repair café", "body": "Réparer ensemble, le samedi."}, http.StatusOK)
		if strings.Contains(string(b.get("/changes").body), `class="unread-count"`) {
			t.Errorf("news of a sheet no longer followed")
		}

		// The API: PUT and DELETE, each harmless twice.
		for range 2 {
			if got := mustAPI(t, a, http.MethodPut, "/sheets/repair-cafe/watch", "marie", nil, http.StatusOK); got["watching"] != true {
				t.Errorf("PUT watch: %v", got)
			}
		}
		for range 2 {
			if got := mustAPI(t, a, http.MethodDelete, "/sheets/repair-cafe/watch", "marie", nil, http.StatusOK); got["watching"] != false {
				t.Errorf("DELETE watch: %v", got)
			}
		}
		if r := a.api(http.MethodPut, "/sheets/repair-cafe/watch", "", nil); r.status != http.StatusUnauthorized {
			t.Errorf("anonymous PUT watch: %d", r.status)
		}
		if r := a.api(http.MethodPut, "/sheets/nulle-part/watch", "marie", nil); r.status != http.StatusNotFound {
			t.Errorf("PUT watch of no sheet: %d", r.status)
		}

		// Following is a reader's own preference, like reading one's
		// notifications: it leaves no trace in the audit log admins read.
		audit, err := a.store.AuditPage(t.Context(), 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range audit {
			if e.ActorID != nil && *e.ActorID == a.marie.ID {
				t.Errorf("following left an audit entry: %s %v", e.Action, e.Details)
			}
		}
	})
}

// TestNamesLinkToPeople: wherever history, changes, reviews and
// discussions name a person, the name links to their page.
func TestNamesLinkToPeople(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		bea := a.addUser(t, "bea")
		mustAPI(t, a, http.MethodPost, "/sheets", "marie", map[string]any{"title": "Four à pain", "body": "Cuire."}, http.StatusCreated)
		mustAPI(t, a, http.MethodPut, "/sheets/four-a-pain", "bea", map[string]any{"base": 1, "title": "Four à pain", "body": "Cuire ensemble."}, http.StatusOK)
		mustAPI(t, a, http.MethodPut, "/sheets/four-a-pain/board", "admin", map[string]any{"members": []string{"bea"}}, http.StatusOK)
		rv := mustAPI(t, a, http.MethodPost, "/sheets/four-a-pain/reviews", "marie", map[string]any{"revision": 2}, http.StatusCreated)
		id := itoa(int(rv["id"].(float64)))
		mustAPI(t, a, http.MethodPost, "/reviews/"+id+"/votes", "bea", map[string]any{"choice": "abstain", "revision": 2}, http.StatusOK)
		mustAPI(t, a, http.MethodPost, "/sheets/four-a-pain/comments", "bea", map[string]any{"body": "Le samedi."}, http.StatusCreated)
		marie, beaLink := `href="/people/marie"`, `href="/people/`+bea.Username+`"`
		for path, want := range map[string][]string{
			"/sheets/four-a-pain/history":          {marie, beaLink},
			"/changes":                             {marie, beaLink},
			"/sheets/four-a-pain/reviews/" + id:    {marie, beaLink},
			"/sheets/four-a-pain/reviews":          {marie},
			"/sheets/four-a-pain/comments":         {beaLink},
			"/sheets/four-a-pain/diff?from=1&to=2": {marie, beaLink},
			"/sheets/four-a-pain/revisions/1":      {marie},
			"/":                                    {marie, beaLink},
			"/sheets/four-a-pain":                  {marie, beaLink},
		} {
			r := a.browser().get(path)
			for _, w := range want {
				if r.status != http.StatusOK || !strings.Contains(string(r.body), w) {
					t.Errorf("%s (%d) has no link %s", path, r.status, w)
				}
			}
		}
	})
}

var tags = regexp.MustCompile(`<[^>]+>`)

// textOf is a page's text without its tags.
func textOf(page string) string { return tags.ReplaceAllString(page, "") }

// TestChangesFilterByNameAndTitle: /changes takes what readers know, a
// person's display name and a sheet's title, as well as the usernames and
// slugs programs pass; a name that fits several lists them.
func TestChangesFilterByNameAndTitle(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		now := time.Now().UTC()
		paul := &model.User{Username: "paul", Email: "paul@example.org", DisplayName: "Paul Le Gall", PasswordHash: "x", Role: model.RoleContributor, CreatedAt: now, UpdatedAt: now}
		if err := a.store.CreateUser(t.Context(), paul); err != nil {
			t.Fatal(err)
		}
		tok, err := a.auth.CreateAPIToken(t.Context(), paul.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		a.tokens["paul"] = tok
		mustAPI(t, a, http.MethodPost, "/sheets", "paul", map[string]any{"title": "Grainothèque de Recouvrance", "body": "Des graines."}, http.StatusCreated)
		mustAPI(t, a, http.MethodPost, "/sheets", "marie", map[string]any{"title": "Grainothèque du Bourg", "body": "D'autres graines."}, http.StatusCreated)
		mustAPI(t, a, http.MethodPost, "/sheets", "marie", map[string]any{"title": "Repair café", "body": "Réparer."}, http.StatusCreated)

		titles := func(path string) []string {
			t.Helper()
			got := mustAPI(t, a, http.MethodGet, path, "", nil, http.StatusOK)
			var out []string
			for _, c := range got["changes"].([]any) {
				out = append(out, c.(map[string]any)["title"].(string))
			}
			return out
		}
		for path, want := range map[string]string{
			"/changes?user=" + url.QueryEscape("Paul Le Gall"): "Grainothèque de Recouvrance",
			"/changes?user=paul": "Grainothèque de Recouvrance",
			"/changes?sheet=" + url.QueryEscape("Repair café"):     "Repair café",
			"/changes?sheet=repair-cafe":                           "Repair café",
			"/changes?sheet=" + url.QueryEscape("du Bourg"):        "Grainothèque du Bourg",
			"/changes?user=marie&sheet=" + url.QueryEscape("café"): "Repair café",
		} {
			if got := titles(path); len(got) != 1 || got[0] != want {
				t.Errorf("%s: %v, want [%s]", path, got, want)
			}
		}
		if r := a.api(http.MethodGet, "/changes?sheet=Grainoth", "", nil); r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), `"ambiguous"`) {
			t.Errorf("an ambiguous title on the API: %d %s", r.status, r.body)
		}
		if r := a.api(http.MethodGet, "/changes?user=personne", "", nil); r.status != http.StatusNotFound {
			t.Errorf("no such person: %d", r.status)
		}

		// The page lists the choices, each a link that picks one.
		page := a.browser().get("/changes?sheet=Grainoth")
		body := string(page.body)
		if page.status != http.StatusOK || !strings.Contains(body, `href="/changes?sheet=grainotheque-du-bourg"`) || !strings.Contains(body, "Grainothèque de Recouvrance") {
			t.Errorf("ambiguous page %d:\n%s", page.status, body)
		}
		page = a.browser().get("/changes?user=" + url.QueryEscape("Paul Le Gall"))
		if body := string(page.body); !strings.Contains(body, `value="Paul Le Gall"`) || !strings.Contains(body, `list="people-list"`) || strings.Contains(body, "Repair café") {
			t.Errorf("filtered page keeps the typed name and lists only Paul's changes:\n%s", body)
		}

		// Suggestions.
		got := mustAPI(t, a, http.MethodGet, "/suggest?kind=person&q=le+gall", "", nil, http.StatusOK)
		if s := got["suggestions"].([]any); len(s) != 1 || s[0].(map[string]any)["value"] != "paul" || s[0].(map[string]any)["label"] != "Paul Le Gall" {
			t.Errorf("person suggestions: %v", s)
		}
		got = mustAPI(t, a, http.MethodGet, "/suggest?kind=sheet&q=grainoth", "", nil, http.StatusOK)
		if s := got["suggestions"].([]any); len(s) != 2 {
			t.Errorf("sheet suggestions: %v", s)
		}
		if r := a.api(http.MethodGet, "/suggest?kind=sheet&q=g", "", nil); r.status != http.StatusOK || !strings.Contains(string(r.body), `"suggestions":[]`) || r.header.Get("Cache-Control") != "public, max-age=60" {
			t.Errorf("one letter: %d %s %q", r.status, r.body, r.header.Get("Cache-Control"))
		}
		if r := a.api(http.MethodGet, "/suggest?kind=mot&q=gr", "", nil); r.status != http.StatusBadRequest {
			t.Errorf("unknown kind: %d", r.status)
		}
	})
}
