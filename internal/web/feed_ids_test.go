package web_test

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"testing"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/app/apptest"
	"atlas/internal/export"
	"atlas/internal/testutil"
	"atlas/internal/web"
)

var urnUUID = regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// Atom ids come from the atlas's identity: the same whatever Host a reader
// used, the same after the atlas moved from SQLite to PostgreSQL, and
// another atlas's differ.
func TestFeedIDsAreStable(t *testing.T) {
	a := newTestAtlas(t, testutil.NewSQLite(t))
	slug := createSheet(t, a, "Four à pain", "Le four.\n")
	if r := a.api(http.MethodPut, "/sheets/"+slug, "marie", map[string]any{"base": 1, "title": "Four à pain", "body": "Le four chauffe.\n"}); r.status != http.StatusOK {
		t.Fatalf("save: %d %s", r.status, r.body)
	}
	paths := []string{"/feed.atom", "/sheets/" + slug + "/feed.atom"}
	before := map[string][]string{}
	for _, path := range paths {
		ids := feedIDsOf(t, a.app, path, "a.example")
		if len(ids) != 3 || !slices.Equal(ids, feedIDsOf(t, a.app, path, "b.example")) {
			t.Errorf("%s: ids change with the Host: %v", path, ids)
		}
		seen := map[string]bool{}
		for _, id := range ids {
			if !urnUUID.MatchString(id) || seen[id] {
				t.Errorf("%s: id %q is not a distinct version 5 UUID URN", path, id)
			}
			seen[id] = true
		}
		before[path] = ids
	}
	if before[paths[0]][0] == before[paths[1]][0] {
		t.Error("the atlas feed and a sheet feed share an id")
	}

	// Moved: exported, restored into PostgreSQL, served there.
	var archive bytes.Buffer
	if _, err := export.WriteArchive(t.Context(), a.store, &archive); err != nil {
		t.Fatal(err)
	}
	pg := testutil.NewPostgres(t)
	moved := apptest.New(t, pg)
	if _, err := export.RestoreArchive(t.Context(), moved.Store, moved.Sheets, bytes.NewReader(archive.Bytes()), int64(archive.Len())); err != nil {
		t.Fatal(err)
	}
	app, err := web.New(moved.WebDeps())
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range paths {
		if after := feedIDsOf(t, app, path, "c.example"); !slices.Equal(after, before[path]) {
			t.Errorf("%s: ids changed with the move:\nbefore %v\nafter  %v", path, before[path], after)
		}
	}

	// Another atlas with the same content has ids of its own.
	other := newTestAtlas(t, testutil.NewSQLite(t))
	createSheet(t, other, "Four à pain", "Le four.\n")
	if ids := feedIDsOf(t, other.app, paths[0], "a.example"); len(ids) != 2 || ids[1] == before[paths[0]][1] {
		t.Errorf("two atlases share feed ids: %v", ids)
	}
}

// feedIDsOf returns a feed's id then its entries' ids.
func feedIDsOf(t *testing.T, app *fiber.App, path, host string) []string {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Host = host
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer closeBody(t, resp)
	var feed struct {
		ID      string `xml:"id"`
		Entries []struct {
			ID string `xml:"id"`
		} `xml:"entry"`
	}
	if err := xml.NewDecoder(resp.Body).Decode(&feed); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: %d %v", path, resp.StatusCode, err)
	}
	ids := []string{feed.ID}
	for _, e := range feed.Entries {
		ids = append(ids, e.ID)
	}
	return ids
}
