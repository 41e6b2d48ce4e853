package web_test

import (
	"net/http"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/testutil"
)

// decidedReview has anne and bleuenn validate marie's submission of a
// fresh sheet, and returns the review's API path.
func decidedReview(t *testing.T, a *testAtlas, slug, comment string) string {
	t.Helper()
	withBoard(t, a, slug)
	r := a.api(http.MethodPost, "/sheets/"+slug+"/reviews", "marie", map[string]any{"revision": 1})
	if r.status != http.StatusCreated {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
	path := "/reviews/" + itoa(int(r.json(t)["id"].(float64)))
	for _, n := range []string{"anne", "bleuenn"} {
		if r := a.api(http.MethodPost, path+"/votes", n, map[string]any{"choice": "approve", "revision": 1, "comment": comment}); r.status != http.StatusOK {
			t.Fatalf("vote of %s: %d %s", n, r.status, r.body)
		}
	}
	return path
}

// A later board change never alters a decided review: the API, the page
// and the record keep the board that decided it.
func TestDecidedReviewKeepsItsBoardAfterABoardChange(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Conseil gelé", body1)
		path := decidedReview(t, a, slug, "")
		if r := a.api(http.MethodPut, "/sheets/"+slug+"/board", "admin", map[string]any{"members": []string{"corentin", "marie"}}); r.status != http.StatusOK {
			t.Fatalf("new board: %d %s", r.status, r.body)
		}
		rv := a.api(http.MethodGet, path, "", nil).json(t)
		tally := rv["tally"].(map[string]any)
		if rv["state"] != "validated" || tally["approve"] != 2.0 || tally["seats"] != 3.0 || tally["needed"] != 2.0 {
			t.Errorf("review after a board change: %v", rv)
		}
		var board []string
		for _, n := range rv["board"].([]any) {
			board = append(board, n.(string))
		}
		if got := strings.Join(board, ", "); got != "anne, bleuenn, corentin" {
			t.Errorf("board = %v, want the board that decided", rv["board"])
		}
		for _, v := range rv["votes"].([]any) {
			if !v.(map[string]any)["counted"].(bool) {
				t.Errorf("a deciding vote reads as not counted: %v", v)
			}
		}
		sheetPath := "/sheets/" + slug + path
		page := textOf(string(a.browser().get(sheetPath).body)) // names are links
		if !strings.Contains(page, "2 pour, 0 contre") || !strings.Contains(page, "anne, bleuenn, corentin") || strings.Contains(page, "marie, ") {
			t.Errorf("review page after a board change does not show the board that decided")
		}
		md := string(a.browser().get(sheetPath + "/record.md").body)
		if !strings.Contains(md, "anne, bleuenn, corentin") || !strings.Contains(md, "2 pour, 0 contre") {
			t.Errorf("record.md after a board change:\n%s", md)
		}
		list := a.api(http.MethodGet, "/sheets/"+slug+"/reviews", "", nil).json(t)["reviews"].([]any)
		if got := list[0].(map[string]any)["tally"].(map[string]any); got["approve"] != 2.0 || got["seats"] != 3.0 {
			t.Errorf("review list tally = %v", got)
		}
	})
}
