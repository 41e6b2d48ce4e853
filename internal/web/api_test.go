package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

const body1 = "## La communauté\n\nUne vingtaine de voisins.\n\n## Les ressources\n\nDes parcelles.\n\n## La gouvernance\n\nUne réunion par mois.\n"

func createSheet(t *testing.T, a *testAtlas, title, body string) string {
	t.Helper()
	r := a.api(http.MethodPost, "/sheets", "marie", map[string]any{"title": title, "body": body, "summary": "création"})
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	return r.json(t)["slug"].(string)
}

func TestAPISheetLifecycle(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		r := a.api(http.MethodPost, "/sheets", "marie", map[string]any{
			"title": "Jardin partagé de Kerinou", "body": body1, "summary": "création",
			"meta": map[string]any{"categories": []string{"jardins-nature"}, "place": map[string]any{"name": "Kerinou", "lat": 48.4, "lon": -4.48}},
		})
		if r.status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		created := r.json(t)
		rev := created["revision"].(map[string]any)
		if created["slug"] != "jardin-partage-de-kerinou" || rev["number"] != 1.0 || rev["author"] != "marie" || rev["origin"] != "edit" || rev["state"] != "draft" {
			t.Errorf("created = %v", created)
		}
		if again := createSheet(t, a, "Jardin partagé de Kerinou", "x"); again != "jardin-partage-de-kerinou-2" {
			t.Errorf("second slug = %s", again)
		}

		show := a.api(http.MethodGet, "/sheets/jardin-partage-de-kerinou", "", nil).json(t)
		if show["body"] != body1 || show["head"] != 1.0 || show["published"] != nil || show["pending"] != false {
			t.Errorf("show = %v", show)
		}
		if cats := show["meta"].(map[string]any)["categories"].([]any); len(cats) != 1 || show["meta"].(map[string]any)["licence"] != "CC-BY-SA-4.0" {
			t.Errorf("meta = %v", show["meta"])
		}

		// Straight save, then a stale save to another section: merged.
		edit := strings.Replace(body1, "Une vingtaine", "Une trentaine", 1)
		r = a.api(http.MethodPut, "/sheets/jardin-partage-de-kerinou", "marie", map[string]any{"base": 1, "title": "Jardin partagé de Kerinou", "body": edit, "summary": "effectif"})
		if r.status != http.StatusOK || r.json(t)["merged"] != false {
			t.Fatalf("save: %d %s", r.status, r.body)
		}
		stale := strings.Replace(body1, "Une réunion par mois", "Une réunion par semaine", 1)
		r = a.api(http.MethodPut, "/sheets/jardin-partage-de-kerinou", "admin", map[string]any{"base": 1, "title": "Jardin partagé de Kerinou", "body": stale, "summary": "rythme", "minor": true})
		if r.status != http.StatusOK || r.json(t)["merged"] != true {
			t.Fatalf("stale save: %d %s", r.status, r.body)
		}
		merged := r.json(t)["revision"].(map[string]any)
		if merged["number"] != 3.0 || merged["origin"] != "merge" || merged["minor"] != true || merged["parent"] != 2.0 {
			t.Errorf("merged revision = %v", merged)
		}

		// Overlapping stale save: 409 with my text back, nothing stored.
		clash := strings.Replace(body1, "Une vingtaine", "Une cinquantaine", 1)
		r = a.api(http.MethodPut, "/sheets/jardin-partage-de-kerinou", "admin", map[string]any{"base": 1, "title": "Jardin partagé de Kerinou", "body": clash})
		if r.status != http.StatusConflict {
			t.Fatalf("conflict: %d %s", r.status, r.body)
		}
		c := r.json(t)
		if c["error"] != "conflict" || c["head"] != 3.0 || c["mine"].(map[string]any)["body"] != clash || len(c["conflicts"].([]any)) == 0 {
			t.Errorf("conflict answer = %v", c)
		}
		conflict := c["conflicts"].([]any)[0].(map[string]any)
		for _, k := range []string{"section", "base", "mine", "theirs"} {
			if _, ok := conflict[k]; !ok {
				t.Errorf("conflict lacks %q: %v", k, conflict)
			}
		}

		// Unchanged save.
		head := a.api(http.MethodGet, "/sheets/jardin-partage-de-kerinou/revisions/3", "marie", nil).json(t)
		r = a.api(http.MethodPut, "/sheets/jardin-partage-de-kerinou", "marie", map[string]any{"base": 3, "title": head["title"], "body": head["body"], "meta": head["meta"]})
		if r.status != http.StatusOK || r.json(t)["unchanged"] != true {
			t.Errorf("unchanged: %d %s", r.status, r.body)
		}

		// History newest first, paged.
		list := a.api(http.MethodGet, "/sheets/jardin-partage-de-kerinou/revisions?limit=2", "", nil).json(t)
		revs := list["revisions"].([]any)
		if len(revs) != 2 || revs[0].(map[string]any)["number"] != 3.0 || list["next"] != 2.0 {
			t.Errorf("revisions page = %v", list)
		}
		list = a.api(http.MethodGet, "/sheets/jardin-partage-de-kerinou/revisions?limit=2&before=2", "", nil).json(t)
		if revs := list["revisions"].([]any); len(revs) != 1 || list["next"] != nil {
			t.Errorf("last revisions page = %v", list)
		}

		// Restore revision 1.
		r = a.api(http.MethodPost, "/sheets/jardin-partage-de-kerinou/restore", "marie", map[string]any{"revision": 1})
		if r.status != http.StatusCreated || r.json(t)["origin"] != "restore" || r.json(t)["number"] != 4.0 {
			t.Errorf("restore: %d %s", r.status, r.body)
		}

		sheets := a.api(http.MethodGet, "/sheets?limit=1", "", nil).json(t)
		if items := sheets["sheets"].([]any); len(items) != 1 || sheets["next"] != "jardin-partage-de-kerinou" {
			t.Errorf("sheets page = %v", sheets)
		}
		sheets = a.api(http.MethodGet, "/sheets?limit=1&cursor=jardin-partage-de-kerinou", "", nil).json(t)
		if items := sheets["sheets"].([]any); len(items) != 1 || items[0].(map[string]any)["slug"] != "jardin-partage-de-kerinou-2" || sheets["next"] != nil {
			t.Errorf("sheets second page = %v", sheets)
		}
	})
}

func TestAPIBodiesAreKeptByteForByte(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		body := "## Préambule\r\n\r\nÀ Brest\u00a0: café ☕ et 🌱, «\u202fcitation\u202f».\r\n\ttabulation\n"
		slug := createSheet(t, a, "Octets", body)
		got := a.api(http.MethodGet, "/sheets/"+slug+"/revisions/1", "marie", nil).json(t)
		sum := sha256.Sum256([]byte(body))
		if got["body"] != body || got["sha256"] != hex.EncodeToString(sum[:]) || got["size"] != float64(len(body)) {
			t.Errorf("revision = %v", got)
		}
	})
}

func TestAPIDiffRebuildsBothRevisions(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Diff", body1)
		next := strings.Replace(body1, "Des parcelles.", "Des parcelles et un verger.\n\n## Le partage\n\nDes graines.", 1)
		r := a.api(http.MethodPut, "/sheets/"+slug, "marie", map[string]any{"base": 1, "title": "Diff renommé", "body": next, "meta": map[string]any{"tags": []string{"verger"}}})
		if r.status != http.StatusOK {
			t.Fatalf("save: %d %s", r.status, r.body)
		}
		dj := a.api(http.MethodGet, "/sheets/"+slug+"/diff?from=1&to=2", "marie", nil).json(t)
		// History is public: anyone reads the same diff (read.Viewer).
		if r := a.api(http.MethodGet, "/sheets/"+slug+"/diff?from=1&to=2", "", nil); r.status != http.StatusOK || !bytes.Equal(r.body, a.api(http.MethodGet, "/sheets/"+slug+"/diff?from=1&to=2", "marie", nil).body) {
			t.Errorf("anonymous diff of unpublished versions: %d %s", r.status, r.body)
		}
		var old, cur strings.Builder
		statuses := map[string]string{}
		for _, s := range dj["sections"].([]any) {
			sec := s.(map[string]any)
			statuses[sec["heading"].(string)] = sec["status"].(string)
			for _, o := range sec["ops"].([]any) {
				op := o.(map[string]any)
				switch op["op"] {
				case "equal":
					old.WriteString(op["text"].(string))
					cur.WriteString(op["text"].(string))
				case "delete":
					old.WriteString(op["text"].(string))
				case "insert":
					cur.WriteString(op["text"].(string))
				}
			}
		}
		if old.String() != body1 || cur.String() != next {
			t.Errorf("ops do not rebuild the revisions:\n%q\n%q", old.String(), cur.String())
		}
		if statuses["La communauté"] != "same" || statuses["Les ressources"] != "changed" || statuses["Le partage"] != "added" {
			t.Errorf("section statuses = %v", statuses)
		}
		stats := dj["stats"].(map[string]any)
		if stats["inserted_words"].(float64) < 5 || stats["deleted_words"] != 0.0 {
			t.Errorf("stats = %v", stats)
		}
		if meta := dj["meta"].([]any); len(meta) != 1 || meta[0].(map[string]any)["field"] != "tags" {
			t.Errorf("meta changes = %v", meta)
		}
		if len(dj["title"].([]any)) < 2 {
			t.Errorf("title ops = %v", dj["title"])
		}
	})
}

func TestAPIRefusesBadInput(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Cible", body1)
		huge := strings.Repeat("a", 1<<20+1)
		cases := []struct {
			name, method, path, user string
			body                     any
			status                   int
			code                     string
		}{
			{"malformed", http.MethodPost, "/sheets", "marie", `{"title": "x",`, 400, "bad_request"},
			{"unknown field", http.MethodPost, "/sheets", "marie", `{"title": "x", "body": "", "author": "admin"}`, 400, "bad_request"},
			{"trailing data", http.MethodPost, "/sheets", "marie", `{"title": "x"} {}`, 400, "bad_request"},
			{"empty title", http.MethodPost, "/sheets", "marie", map[string]any{"title": " ", "body": "x"}, 422, "title_required"},
			{"unknown category", http.MethodPost, "/sheets", "marie", map[string]any{"title": "x", "meta": map[string]any{"categories": []string{"licornes"}}}, 422, "unknown_category"},
			{"latitude", http.MethodPost, "/sheets", "marie", map[string]any{"title": "x", "meta": map[string]any{"place": map[string]any{"lat": 95, "lon": 0}}}, 422, "out_of_range"},
			{"longitude", http.MethodPost, "/sheets", "marie", map[string]any{"title": "x", "meta": map[string]any{"place": map[string]any{"lat": 0, "lon": -181}}}, 422, "out_of_range"},
			{"too large", http.MethodPost, "/sheets", "marie", map[string]any{"title": "x", "body": huge}, 413, "too_large"},
			{"anonymous write", http.MethodPost, "/sheets", "", map[string]any{"title": "x"}, 401, "unauthorized"},
			{"no base", http.MethodPut, "/sheets/" + slug, "marie", map[string]any{"title": "x", "body": "y"}, 428, "base_required"},
			{"unknown base", http.MethodPut, "/sheets/" + slug, "marie", map[string]any{"base": 9, "title": "x", "body": "y"}, 422, "unknown_base"},
			{"unknown sheet", http.MethodPut, "/sheets/absente", "marie", map[string]any{"base": 1, "title": "x", "body": "y"}, 404, "not_found"},
			{"unknown revision", http.MethodGet, "/sheets/" + slug + "/revisions/7", "marie", nil, 404, "not_found"},
			{"bad revision number", http.MethodGet, "/sheets/" + slug + "/revisions/abc", "marie", nil, 404, "not_found"},
			{"bad limit", http.MethodGet, "/sheets?limit=-3", "", nil, 400, "bad_request"},
			{"bad before", http.MethodGet, "/sheets/" + slug + "/revisions?before=1;DROP", "", nil, 400, "bad_request"},
			{"diff of missing revision", http.MethodGet, "/sheets/" + slug + "/diff?from=1&to=5", "", nil, 404, "not_found"},
			{"restore missing", http.MethodPost, "/sheets/" + slug + "/restore", "marie", map[string]any{"revision": 5}, 404, "not_found"},
			{"restore head", http.MethodPost, "/sheets/" + slug + "/restore", "marie", map[string]any{"revision": 1}, 422, "unchanged"},
			{"unknown route", http.MethodGet, "/nothing", "", nil, 404, "not_found"},
		}
		for _, tc := range cases {
			r := a.api(tc.method, tc.path, tc.user, tc.body)
			if r.status != tc.status {
				t.Errorf("%s: status %d, want %d: %.200s", tc.name, r.status, tc.status, r.body)
				continue
			}
			got := r.json(t)
			if got["error"] != tc.code || got["message"] == "" {
				t.Errorf("%s: answer %v, want error %q with a message", tc.name, got, tc.code)
			}
		}
		// Nothing refused changed anything.
		list := a.api(http.MethodGet, "/sheets", "", nil).json(t)
		if n := len(list["sheets"].([]any)); n != 1 {
			t.Errorf("%d sheets after refused requests, want 1", n)
		}
		if show := a.api(http.MethodGet, "/sheets/"+slug, "", nil).json(t); show["head"] != 1.0 {
			t.Errorf("head = %v after refused saves", show["head"])
		}
		// A bad token is refused, not treated as anonymous.
		req, _ := http.NewRequest(http.MethodGet, "/api/v1/sheets", nil)
		req.Header.Set("Authorization", "Bearer atl_forged")
		if r := a.do(req); r.status != http.StatusUnauthorized {
			t.Errorf("forged token: %d", r.status)
		}
	})
}

func TestAPIAnonymousReadsTheVisibleVersionByDefaultAndAnyOnRequest(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Lecture", body1)
		a.api(http.MethodPut, "/sheets/"+slug, "marie", map[string]any{"base": 1, "title": "Lecture", "body": "v2"})
		// Never validated: readers see the head, as a draft.
		if got := a.api(http.MethodGet, "/sheets/"+slug, "", nil).json(t); got["body"] != "v2" {
			t.Errorf("anonymous sees %v", got["body"])
		}
		// History is public: an old revision is read by asking for it.
		if r := a.api(http.MethodGet, "/sheets/"+slug+"/revisions/1", "", nil); r.status != http.StatusOK || r.json(t)["body"] != body1 {
			t.Errorf("anonymous old revision: %d %s", r.status, r.body)
		}
		if r := a.api(http.MethodGet, fmt.Sprintf("/sheets/%s?revision=1", slug), "", nil); r.json(t)["body"] != body1 {
			t.Errorf("anonymous ?revision=1: %s", r.body)
		}
		if r := a.api(http.MethodGet, fmt.Sprintf("/sheets/%s?revision=1", slug), "marie", nil); r.json(t)["body"] != body1 {
			t.Errorf("contributor ?revision=1: %s", r.body)
		}
	})
}
