package web_test

import (
	"html"
	"net/http/httptest"
	"strings"
	"testing"

	"atlas/internal/app/apptest"
	"atlas/internal/db"
	"atlas/internal/i18n"
	"atlas/internal/testutil"
	"atlas/internal/web"
)

// TestEmptyAtlasShowsTheFirstSteps walks a new atlas as its first visitors
// do: with no account, the home page says how to make the administrator;
// with accounts but no sheet, it asks to log in (or, logged in, offers to
// write the first sheet); with a sheet, the guide is gone.
func TestEmptyAtlasShowsTheFirstSteps(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		atlas := apptest.New(t, d)
		app, err := web.New(atlas.WebDeps())
		if err != nil {
			t.Fatal(err)
		}
		resp, err := app.Test(httptest.NewRequest("GET", "/", nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := readAndClose(resp)
		if err != nil {
			t.Fatal(err)
		}
		body := string(raw)
		for _, want := range []string{i18n.T("fr", "home.first_no_account"), "atlas setup-link"} {
			if !strings.Contains(body, html.EscapeString(want)) {
				t.Errorf("the home page of an atlas without accounts lacks %q", want)
			}
		}

		a := newTestAtlas(t, d) // adds accounts (marie, admin) to the same database
		page := string(a.browser().get("/").body)
		if !strings.Contains(page, html.EscapeString(i18n.T("fr", "home.first_no_sheet"))) || strings.Contains(page, "atlas setup-link") {
			t.Errorf("an atlas with accounts but no sheet should ask to log in and write, not to create an account")
		}
		b := a.browser()
		b.login("marie")
		if page := string(b.get("/").body); !strings.Contains(page, html.EscapeString(i18n.T("fr", "home.first_write"))) {
			t.Errorf("a logged-in visitor of an atlas without sheets is not offered to write the first")
		}

		if r := a.api("POST", "/sheets", "marie", map[string]any{"title": "Grainothèque", "body": "Des graines.", "summary": "création"}); r.status != 201 {
			t.Fatalf("create a sheet: %d %s", r.status, r.body)
		}
		if page := string(b.get("/").body); strings.Contains(page, "first-steps") {
			t.Errorf("the first steps still show once the atlas has a sheet")
		}
	})
}
