package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/testutil"
)

// TestAPIReadsFollowTheSheet reads the same sheet, revision and history
// page through the API before and after each kind of write that changes
// them: a kept answer must never outlive the state it showed.
func TestAPIReadsFollowTheSheet(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		testutil.User(t, a.store, "bea", model.RoleContributor)
		slug := createSheet(t, a, "Fiche suivie", body1)
		path := "/sheets/" + slug
		mustAPI(t, a, http.MethodPut, path, "marie", map[string]any{"base": 1, "title": "Fiche suivie", "body": body1 + "\nDeux.\n"}, http.StatusOK)

		read := func(p string) map[string]any {
			t.Helper()
			return mustAPI(t, a, http.MethodGet, p, "marie", nil, http.StatusOK)
		}
		sheet, rev2, history := read(path), read(path+"/revisions/2"), read(path+"/revisions?limit=1")
		if sheet["revision"] != 2.0 || len(sheet["board"].([]any)) != 0 || sheet["open_review"] != nil {
			t.Fatalf("sheet = %v", sheet)
		}
		if rev2["state"] != "draft" || len(history["revisions"].([]any)) != 1 || history["next"] != 2.0 {
			t.Fatalf("revision 2 = %v, history = %v", rev2, history)
		}
		// The revision asked for is part of what is kept.
		if first := read(path + "?revision=1"); first["revision"] != 1.0 || first["body"] != body1 {
			t.Fatalf("revision 1 of the sheet = %v", first)
		}

		// A board: the sheet shows it.
		mustAPI(t, a, http.MethodPut, path+"/board", "admin", map[string]any{"members": []string{"bea"}}, http.StatusOK)
		if board := read(path)["board"].([]any); len(board) != 1 || board[0] != "bea" {
			t.Errorf("board after the change = %v", board)
		}
		// A submission: the revision's state and the open review change.
		mustAPI(t, a, http.MethodPost, path+"/reviews", "marie", map[string]any{"revision": 2}, http.StatusCreated)
		if state := read(path + "/revisions/2")["state"]; state != "submitted" {
			t.Errorf("revision 2 after its submission: state %v", state)
		}
		if page := read(path + "/revisions?limit=1")["revisions"].([]any); page[0].(map[string]any)["state"] != "submitted" {
			t.Errorf("history after the submission = %v", page)
		}
		if read(path)["open_review"] == nil {
			t.Error("the sheet shows no open review after a submission")
		}
		// A new revision: the history and the sheet show it.
		mustAPI(t, a, http.MethodPut, path, "marie", map[string]any{"base": 2, "title": "Fiche suivie", "body": body1 + "\nTrois.\n"}, http.StatusOK)
		if page := read(path + "/revisions?limit=1"); page["revisions"].([]any)[0].(map[string]any)["number"] != 3.0 || page["next"] != 3.0 {
			t.Errorf("history after a save = %v", page)
		}
		if sheet := read(path); sheet["revision"] != 3.0 || sheet["head"] != 3.0 {
			t.Errorf("sheet after a save: revision %v, head %v", sheet["revision"], sheet["head"])
		}
	})
}

// TestKeptAPIReadsSurviveCompression reads a kept answer compressed, then
// plain, then compressed again: compressing an answer for one caller must
// leave the kept bytes as they were for the next.
func TestKeptAPIReadsSurviveCompression(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Fiche compressée", strings.Repeat(body1, 40))
		get := func(encoding string) []byte {
			t.Helper()
			req := httptest.NewRequest(http.MethodGet, "/api/v1/sheets/"+slug, nil)
			req.Header.Set("Authorization", "Bearer "+a.tokens["marie"])
			req.Header.Set("Accept-Encoding", encoding)
			r := a.do(req)
			if r.status != http.StatusOK {
				t.Fatalf("%d %s", r.status, r.body)
			}
			if encoding != "gzip" {
				return r.body
			}
			if r.header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("asked for gzip, got %q", r.header.Get("Content-Encoding"))
			}
			zr, err := gzip.NewReader(bytes.NewReader(r.body))
			if err != nil {
				t.Fatal(err)
			}
			plain, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			return plain
		}
		first, plain, again := get("gzip"), get("identity"), get("gzip")
		if !bytes.Equal(first, plain) || !bytes.Equal(again, plain) || !bytes.Contains(plain, []byte("Une vingtaine")) {
			t.Errorf("answers differ: gzip %d B, plain %d B, gzip again %d B", len(first), len(plain), len(again))
		}
	})
}
