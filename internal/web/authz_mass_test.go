package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/testutil"
)

// massFields are what a client must never set: the server decides them.
var massFields = []string{"author", "role", "state", "published", "head", "sha256", "id", "created_by", "origin", "number", "submitted_by", "voter", "counted"}

// TestMassAssignmentJSONIsRefused: every API write refuses a field it does
// not take, at the top level and inside meta, and stores nothing.
func TestMassAssignmentJSONIsRefused(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		f := newAuthzFixture(t, d)
		w := f.newWorld(t)
		s := "/sheets/" + w.slugA
		rv := fmt.Sprintf("/reviews/%d", w.reviewA)
		revA := w.review(t, w.reviewA).RevisionNumber
		head := w.sheet(t, w.slugA).HeadNumber
		writes := []struct {
			method, path, user string
			body               map[string]any
			hasMeta            bool
		}{
			{http.MethodPost, "/sheets", "marie", map[string]any{"title": "Nouvelle", "body": "x"}, true},
			{http.MethodPut, s, "marie", map[string]any{"base": head, "title": "A", "body": "changé"}, true},
			{http.MethodPost, s + "/restore", "marie", map[string]any{"revision": 1}, false},
			{http.MethodPost, s + "/undo", "marie", map[string]any{"revision": head}, false},
			{http.MethodPost, s + "/comments", "marie", map[string]any{"body": "x"}, false},
			{http.MethodPut, s + "/board", "admin", map[string]any{"members": []string{"ba"}}, false},
			{http.MethodPost, "/sheets/" + w.slugB + "/reviews", "marie", map[string]any{"revision": 1}, false},
			{http.MethodPost, rv + "/votes", "ba", map[string]any{"choice": "approve", "revision": revA}, false},
			{http.MethodPost, rv + "/amendments", "ba", map[string]any{"base": revA, "title": "A", "body": "amendé"}, true},
		}
		before := snapshot(t, f, w)
		for _, wr := range writes {
			for _, field := range massFields {
				body := map[string]any{}
				for k, v := range wr.body {
					body[k] = v
				}
				body[field] = "admin"
				r := f.a.api(wr.method, wr.path, wr.user, body)
				if r.status != http.StatusBadRequest || r.json(t)["error"] != "bad_request" {
					t.Errorf("%s %s with %q: %d %.200s, want 400 bad_request", wr.method, wr.path, field, r.status, r.body)
				}
				if wr.hasMeta {
					delete(body, field)
					body["meta"] = map[string]any{field: "x", "place": map[string]any{"lat": 1, "lon": 1, field: 1}}
					if r := f.a.api(wr.method, wr.path, wr.user, body); r.status != http.StatusBadRequest {
						t.Errorf("%s %s with meta.%s: %d, want 400", wr.method, wr.path, field, r.status)
					}
				}
			}
		}
		if after := snapshot(t, f, w); after != before {
			t.Errorf("refused requests changed the atlas:\nbefore %s\nafter  %s", before, after)
		}
	})
}

// snapshot sums up what a write could have changed.
func snapshot(t *testing.T, f *authzFixture, w *world) string {
	t.Helper()
	a := f.a
	sheets := mustAPI(t, a, http.MethodGet, "/sheets", "", nil, http.StatusOK)["sheets"].([]any)
	var b strings.Builder
	fmt.Fprintf(&b, "sheets=%d", len(sheets))
	for _, slug := range []string{w.slugA, w.slugB} {
		sh := mustAPI(t, a, http.MethodGet, "/sheets/"+slug, "marie", nil, http.StatusOK)
		comments := mustAPI(t, a, http.MethodGet, "/sheets/"+slug+"/comments", "", nil, http.StatusOK)["comments"].([]any)
		reviews := mustAPI(t, a, http.MethodGet, "/sheets/"+slug+"/reviews", "", nil, http.StatusOK)["reviews"].([]any)
		fmt.Fprintf(&b, " %s:head=%v,published=%v,board=%v,open=%v,comments=%d,reviews=%d", slug, sh["head"], sh["published"], sh["board"], sh["open_review"], len(comments), len(reviews))
		for _, r := range reviews {
			m := r.(map[string]any)
			fmt.Fprintf(&b, ",review%v=%v/%v/votes%d", m["id"], m["state"], m["revision"], len(m["votes"].([]any)))
		}
	}
	return b.String()
}

// TestMassAssignmentFormsAreIgnored: forms read only their own fields;
// extra ones change nothing.
func TestMassAssignmentFormsAreIgnored(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		f := newAuthzFixture(t, d)
		w := f.newWorld(t)
		a := f.a
		extra := url.Values{
			"author": {"admin"}, "author_id": {strconv.FormatInt(a.admin.ID, 10)}, "role": {"admin"}, "state": {"validated"},
			"published": {"1"}, "published_number": {"1"}, "head": {"99"}, "head_number": {"99"}, "sha256": {strings.Repeat("0", 64)},
			"id": {"1"}, "origin": {"import"}, "created_by": {strconv.FormatInt(a.admin.ID, 10)}, "disabled": {"1"}, "user_id": {strconv.FormatInt(a.admin.ID, 10)},
		}
		with := func(form url.Values) url.Values {
			out := url.Values{}
			for k, v := range extra {
				out[k] = v
			}
			for k, v := range form {
				out[k] = v
			}
			return out
		}
		marie, csrf := sessionBrowser(t, a, a.marie)

		// The edit form.
		sh := w.sheet(t, w.slugA)
		body := body1 + "\nAvec des champs en trop.\n"
		r := postForm(marie, "/sheets/"+w.slugA+"/edit", csrf, with(url.Values{"base": {strconv.Itoa(sh.HeadNumber)}, "title": {sh.Title}, "body": {body}}))
		if r.status != http.StatusSeeOther {
			t.Fatalf("edit with extra fields: %d %.300s", r.status, r.body)
		}
		after := w.sheet(t, w.slugA)
		if after.HeadNumber != sh.HeadNumber+1 || after.PublishedNumber != nil || after.CreatedBy != sh.CreatedBy {
			t.Errorf("sheet after the edit: head %d published %v created_by %d", after.HeadNumber, after.PublishedNumber, after.CreatedBy)
		}
		rev := mustAPI(t, a, http.MethodGet, fmt.Sprintf("/sheets/%s/revisions/%d", w.slugA, after.HeadNumber), "marie", nil, http.StatusOK)
		if rev["author"] != "marie" || rev["origin"] != "edit" || rev["body"] != body || rev["sha256"] == strings.Repeat("0", 64) || rev["state"] != "draft" {
			t.Errorf("revision saved with extra fields: %v", rev)
		}
		if rs := w.review(t, w.reviewA); rs.State != "submitted" {
			t.Errorf("review state = %s", rs.State)
		}

		// The new-sheet form takes no slug, author or state either.
		r = postForm(marie, "/sheets", csrf, with(url.Values{"title": {"Champs en trop"}, "body": {"x"}, "slug": {"choisie"}}))
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/sheets/champs-en-trop" {
			t.Errorf("create with extra fields: %d %s", r.status, r.header.Get("Location"))
		}
		created := mustAPI(t, a, http.MethodGet, "/sheets/champs-en-trop/revisions/1", "marie", nil, http.StatusOK)
		if created["author"] != "marie" || created["origin"] != "edit" {
			t.Errorf("created revision: %v", created)
		}

		// Account forms: role and user_id are not theirs to set.
		postForm(marie, "/account/tokens", csrf, with(url.Values{"name": {"à moi"}}))
		postForm(marie, "/account/password", csrf, with(url.Values{"current_password": {testutil.FixturePassword}, "password": {testutil.FixturePassword}}))
		postForm(marie, "/inbox/read", csrf, extra)
		m := userByName(t, a, "marie")
		if m.Role != model.RoleContributor || m.Disabled {
			t.Errorf("marie after her account forms: role %s disabled %v", m.Role, m.Disabled)
		}
		if toks, _ := a.store.APITokensOfUser(t.Context(), a.admin.ID); len(toks) != 1 {
			t.Errorf("the admin has %d tokens, want 1: a token was created for someone else", len(toks))
		}

		// Admin forms: the role form sets role and disabled, nothing else.
		admin, acsrf := sessionBrowser(t, a, a.admin)
		target := userByName(t, a, "ba")
		r = postForm(admin, fmt.Sprintf("/admin/users/%d", target.ID), acsrf, url.Values{
			"role": {"contributor"}, "username": {"pirate"}, "email": {"pirate@example.org"}, "display_name": {"Pirate"},
			"password": {"un autre mot de passe"}, "password_hash": {"x"}, "id": {strconv.FormatInt(a.admin.ID, 10)},
		})
		if r.status != http.StatusSeeOther {
			t.Fatalf("role form: %d %.200s", r.status, r.body)
		}
		got := userByName(t, a, "ba")
		if got.ID != target.ID || got.Email != target.Email || got.DisplayName != target.DisplayName || got.PasswordHash != target.PasswordHash || got.Disabled {
			t.Errorf("role form changed more than the role: %+v", got)
		}
		if adm := userByName(t, a, "admin"); adm.Role != model.RoleAdmin || adm.Disabled {
			t.Errorf("the id field reached the admin's own account: %+v", adm)
		}
		// The create form: a new account is never born disabled or with
		// another's id.
		r = postForm(admin, "/admin/users", acsrf, with(url.Values{"username": {"neuve"}, "email": {"neuve@example.org"}, "role": {"contributor"}, "password": {"un mot de passe assez long"}}))
		if r.status != http.StatusSeeOther {
			t.Fatalf("create user: %d %.300s", r.status, r.body)
		}
		if n := userByName(t, a, "neuve"); n.Disabled || n.Role != model.RoleContributor {
			t.Errorf("created account: %+v", n)
		}
	})
}

func userByName(t *testing.T, a *testAtlas, name string) *model.User {
	t.Helper()
	u, err := a.store.UserByUsername(context.Background(), name)
	if err != nil {
		t.Fatalf("user %s: %v", name, err)
	}
	return u
}
