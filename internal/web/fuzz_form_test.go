package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"atlas/internal/app/apptest"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/testutil"
	"atlas/internal/web"
)

// fuzzAtlas builds the app once per fuzz target (per worker process) on
// SQLite, with one sheet to save onto. newTestAtlas wants a *testing.T and
// fuzz setup has a *testing.F, hence this twin; each input then uses a copy
// bound to its own *testing.T.
func fuzzAtlas(f *testing.F) (*testAtlas, string) {
	f.Helper()
	atlas := apptest.New(f, testutil.NewSQLite(f))
	st, authSvc, sheets := atlas.Store, atlas.Auth, atlas.Sheets
	app, err := web.New(atlas.WebDeps())
	if err != nil {
		f.Fatal(err)
	}
	a := &testAtlas{app: app, store: st, auth: authSvc, tokens: map[string]string{}}
	a.marie = testutil.User(f, st, "marie", model.RoleContributor)
	tok, err := authSvc.CreateAPIToken(context.Background(), a.marie.ID, "fuzz")
	if err != nil {
		f.Fatal(err)
	}
	a.tokens["marie"] = tok
	u := a.marie
	if _, _, err := sheets.Create(context.Background(), u, sheet.CreateInput{Title: "Cible", Body: body1, Summary: "création"}); err != nil {
		f.Fatal(err)
	}
	return a, "cible"
}

// FuzzAPISave: whatever the JSON body of a save, the API answers with a
// JSON status below 500.
func FuzzAPISave(f *testing.F) {
	for _, seed := range []string{
		`{"base":1,"title":"Cible","body":"## A\n\nB\n","summary":"s"}`,
		`{"base":1,"title":"Cible","body":"x","meta":{"subtitle":"s","categories":["semences"],"tags":["a","b"],"place":{"name":"n","address":"a","lat":48.4,"lon":-4.5},"website":"https://example.org","contact":"c","legal_status":"l","licence":"CC0"},"minor":true}`,
		`{"base":1,"title":"Cible","body":"x","meta":null}`,
		`{"base":1,"title":"Cible","body":"x","meta":{"place":null}}`,
		`{"base":1,"title":"Cible","body":"x","meta":{"place":{"lat":1e400,"lon":0}}}`,
		`{"base":1,"title":"Cible","body":"x","meta":{"categories":[null,"x"]}}`,
		`{"base":1,"title":"Cible","body":"x","meta":{"tags":["a",1]}}`,
		`{"base":0}`, `{"base":-1,"title":"x"}`, `{"base":1e99}`, `{"base":"1"}`, `{"base":2147483648,"title":"x"}`,
		`{"base":9223372036854775807,"title":"x","body":"y"}`, `{"base":1.5,"title":"x"}`,
		`{"base":1,"title":"\u0000","body":"\u0000"}`, "{\"base\":1,\"title\":\"x\",\"body\":\"\xff\xfe\"}",
		`{"base":1,"title":"a\nb","body":"x"}`, `{"base":1,"title":"x","body":"x","summary":"a\r\nb"}`,
		`{"base":1,"title":"x","body":"x","author":"admin"}`, `{"base":1,"title":"x"}{"base":1}`,
		`{"base":1,"title":"x",`, `null`, `[]`, `""`, `{}`, ``, `[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]`,
		`{"base":1,"title":"x","body":"x","minor":"yes"}`, `{"base":1,"base":2,"title":"x"}`,
		`{"BASE":1,"Title":"x","BODY":"y"}`, `{"base":1,"title":"` + strings.Repeat("é", 300) + `"}`,
	} {
		f.Add([]byte(seed))
	}
	base, slug := fuzzAtlas(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		a := *base
		a.t = t
		r := a.api(http.MethodPut, "/sheets/"+slug, "marie", string(body))
		if r.status >= 500 {
			t.Fatalf("PUT /api/v1/sheets/%s with %q: %d %s", slug, body, r.status, r.body)
		}
		if !json.Valid(r.body) {
			t.Fatalf("PUT with %q: %d, the answer is not JSON: %.200s", body, r.status, r.body)
		}
	})
}

// FuzzFormSave: whatever the fields of the edit form, the page answers
// below 500. The session's CSRF token comes first, so every input reaches
// the handler.
func FuzzFormSave(f *testing.F) {
	for _, seed := range []string{
		"base=1&title=Cible&body=%23%23+A%0A%0AB%0A&summary=s",
		"base=1&section=1&body=%23%23+La+communaut%C3%A9%0A%0AAutre.%0A",
		"base=1&section=0&body=pr%C3%A9ambule",
		"base=1&section=99&body=x", "base=1&section=-1&body=x", "base=1&section=99999999999999999999&body=x",
		"base=1&section=abc", "base=abc&title=x", "base=-1&title=x", "base=2147483648&title=x&body=y",
		"base=1&title=%00&body=%00", "base=1&title=x&body=%FF%FE", "base=1&title=a%0Ab",
		"base=1&title=x&lat=1e400&lon=nan&place_name=x", "base=1&title=x&lat=NaN&lon=0&place_name=x",
		"base=1&title=x&lat=48,4,4&lon=-4.5", "base=1&title=x&lat=&lon=&place_address=x",
		"base=1&title=x&categories=semences&categories=inconnue", "base=1&title=x&categories=",
		"base=1&title=x&website=javascript:alert(1)", "base=1&title=x&tags=" + strings.Repeat("a,", 100),
		"base=1&title=x&minor=1&summary=%0D%0A", "base=1&base=2&title=x", "base[]=1&title[]=x",
		"_csrf=other&base=1&title=x", "%zz=1&base=1", "&&&=&==", "", "a",
	} {
		f.Add([]byte(seed))
	}
	base, slug := fuzzAtlas(f)
	cookie, sess, err := base.auth.StartSession(context.Background(), &base.marie.ID)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, form []byte) {
		a := *base
		a.t = t
		req := httptest.NewRequest(http.MethodPost, "/sheets/"+slug+"/edit", strings.NewReader("_csrf="+sess.CSRFToken+"&"+string(form)))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: "atlas_session", Value: cookie})
		r := a.do(req)
		if r.status >= 500 {
			t.Fatalf("POST /sheets/%s/edit with %q: %d %.300s", slug, form, r.status, r.body)
		}
		if r.status == http.StatusForbidden {
			t.Fatalf("POST with %q: 403: the CSRF token given first was not the one read", form)
		}
	})
}
