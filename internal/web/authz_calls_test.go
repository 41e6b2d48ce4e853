package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"atlas/internal/media/mediatest"
	"atlas/internal/model"
	"atlas/internal/testutil"
)

// call is one request of the matrix: path parameters to set (the key "?"
// is a query string) and a body (JSON for the API, url.Values for a page
// form; _csrf is added).
type call struct {
	vars map[string]string
	body any
}

// minutesCall asks for the minutes of a period.
func minutesCall(*testing.T, *world, string) call {
	return call{vars: map[string]string{"?": "from=2026-01-01&to=2026-12-31"}}
}

// matrixCalls builds, per route, the minimal valid request. It runs right
// before each role's request, so it sees the state left by earlier roles.
// Routes absent here get no body and the default path parameters.
var matrixCalls = map[string]func(t *testing.T, w *world, role string) call{
	"POST /api/v1/sheets": func(t *testing.T, w *world, role string) call {
		return call{body: map[string]any{"title": "Créée par " + role, "body": "x"}}
	},
	"PUT /api/v1/sheets/:slug": func(t *testing.T, w *world, role string) call {
		sh := w.sheet(t, w.slugA)
		return call{body: map[string]any{"base": sh.HeadNumber, "title": sh.Title, "body": body1 + "\nÉdité par " + role + ".\n"}}
	},
	"PATCH /api/v1/sheets/:slug": func(t *testing.T, w *world, role string) call {
		sh := w.sheet(t, w.slugA)
		return call{body: map[string]any{"base": sh.HeadNumber, "meta": map[string]any{"tags": []string{role}}}}
	},
	"GET /api/v1/sheets/:slug/diff": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"?": "from=1&to=2"}}
	},
	"POST /api/v1/sheets/:slug/restore": func(t *testing.T, w *world, role string) call {
		// The revision before the head always differs from the head.
		return call{body: map[string]any{"revision": w.sheet(t, w.slugA).HeadNumber - 1}}
	},
	// Undoing the head always takes something back: its parent's text.
	"POST /api/v1/sheets/:slug/undo": func(t *testing.T, w *world, role string) call {
		return call{body: map[string]any{"revision": w.sheet(t, w.slugA).HeadNumber}}
	},
	"POST /api/v1/sheets/:slug/comments": func(t *testing.T, w *world, role string) call {
		return call{body: map[string]any{"body": "Message de " + role}}
	},
	"DELETE /api/v1/comments/:id": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"id": w.commentOfSam(t)}, body: map[string]any{"reason": "hors sujet"}}
	},
	"PUT /api/v1/sheets/:slug/board": func(t *testing.T, w *world, role string) call {
		return call{body: map[string]any{"members": []string{"ba", "ba2", "ba3"}}}
	},
	"POST /api/v1/sheets/:slug/reviews": func(t *testing.T, w *world, role string) call {
		w.closeOpenReviewOfA(t)
		return call{body: map[string]any{"revision": w.sheet(t, w.slugA).HeadNumber}}
	},
	// Abstaining never reaches a majority, so the review stays open.
	"POST /api/v1/reviews/:id/votes": func(t *testing.T, w *world, role string) call {
		return call{body: map[string]any{"choice": "abstain", "revision": w.review(t, w.reviewA).RevisionNumber}}
	},
	"POST /api/v1/reviews/:id/amendments": func(t *testing.T, w *world, role string) call {
		r := w.review(t, w.reviewA)
		return call{body: map[string]any{"base": r.RevisionNumber, "title": "Amendée", "body": body1 + "\nAmendée par " + role + ".\n"}}
	},
	"POST /api/v1/preview": func(t *testing.T, w *world, role string) call {
		return call{body: map[string]any{"body": "## Aperçu de " + role + "\n\nTexte.\n"}}
	},
	"PUT /api/v1/sheets/:slug/draft": func(t *testing.T, w *world, role string) call {
		return call{body: w.putDraft(t, role, "", false)}
	},
	"GET /api/v1/sheets/:slug/draft": func(t *testing.T, w *world, role string) call {
		w.putDraft(t, role, w.slugA, true)
		return call{}
	},
	"DELETE /api/v1/sheets/:slug/draft": func(t *testing.T, w *world, role string) call {
		w.putDraft(t, role, w.slugA, true)
		return call{}
	},
	"PUT /api/v1/drafts/new": func(t *testing.T, w *world, role string) call {
		return call{body: map[string]any{"title": "Brouillon de " + role, "body": "x"}}
	},
	"GET /api/v1/drafts/new": func(t *testing.T, w *world, role string) call {
		w.putDraft(t, role, "new", true)
		return call{}
	},
	"DELETE /api/v1/drafts/new": func(t *testing.T, w *world, role string) call {
		w.putDraft(t, role, "new", true)
		return call{}
	},
	"POST /api/v1/sheets/:slug/media": func(t *testing.T, w *world, role string) call {
		return call{body: pictureUpload{}}
	},
	"POST /sheets/:slug/media": func(t *testing.T, w *world, role string) call {
		return call{body: pictureUpload{}}
	},
	"GET /media/:sha": func(t *testing.T, w *world, role string) call {
		r := w.f.a.upload(w.slugA, "admin", "Une image", "a.gif", "image/gif", mediatest.GIF(8, 8))
		if r.status != http.StatusCreated {
			t.Fatalf("upload: %d %s", r.status, r.body)
		}
		return call{vars: map[string]string{"sha": r.json(t)["sha256"].(string)}}
	},
	"POST /sheets/:slug/draft": func(t *testing.T, w *world, role string) call {
		sh := w.sheet(t, w.slugA)
		return call{body: url.Values{"base": {strconv.Itoa(sh.HeadNumber)}, "title": {sh.Title}, "body": {"Brouillon de " + role}}}
	},
	"POST /drafts/new": func(t *testing.T, w *world, role string) call {
		return call{body: url.Values{"title": {"Brouillon de " + role}, "body": {"x"}}}
	},
	"POST /login": func(t *testing.T, w *world, role string) call {
		return call{body: url.Values{"username": {"marie"}, "password": {testutil.FixturePassword}}}
	},
	"POST /sheets": func(t *testing.T, w *world, role string) call {
		return call{body: url.Values{"title": {"Formulaire de " + role}, "body": {"x"}}}
	},
	"POST /sheets/:slug/edit": func(t *testing.T, w *world, role string) call {
		sh := w.sheet(t, w.slugA)
		return call{body: url.Values{"base": {strconv.Itoa(sh.HeadNumber)}, "title": {sh.Title}, "body": {body1 + "\nFormulaire de " + role + ".\n"}}}
	},
	"POST /sheets/:slug/revisions/:number/restore": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"number": strconv.Itoa(w.sheet(t, w.slugA).HeadNumber - 1)}, body: url.Values{}}
	},
	"GET /sheets/:slug/revisions/:number/undo": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"number": strconv.Itoa(w.sheet(t, w.slugA).HeadNumber)}}
	},
	"POST /sheets/:slug/revisions/:number/undo": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"number": strconv.Itoa(w.sheet(t, w.slugA).HeadNumber)}, body: url.Values{}}
	},
	"GET /sheets/:slug/diff": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"?": "from=1&to=2"}}
	},
	"GET /sheets/:slug/board/minutes.md":     minutesCall,
	"GET /sheets/:slug/board/minutes.html":   minutesCall,
	"GET /api/v1/sheets/:slug/board/minutes": minutesCall,
	"POST /sheets/:slug/comments": func(t *testing.T, w *world, role string) call {
		return call{body: url.Values{"body": {"Message de " + role}}}
	},
	"POST /sheets/:slug/comments/:id/hide": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"id": w.commentOfSam(t)}, body: url.Values{"reason": {"hors sujet"}}}
	},
	"POST /sheets/:slug/reviews": func(t *testing.T, w *world, role string) call {
		w.closeOpenReviewOfA(t)
		return call{body: url.Values{"revision": {strconv.Itoa(w.sheet(t, w.slugA).HeadNumber)}}}
	},
	"POST /sheets/:slug/reviews/:id/votes": func(t *testing.T, w *world, role string) call {
		return call{body: url.Values{"choice": {"abstain"}, "revision": {strconv.Itoa(w.review(t, w.reviewA).RevisionNumber)}}}
	},
	"POST /sheets/:slug/reviews/:id/amend": func(t *testing.T, w *world, role string) call {
		r := w.review(t, w.reviewA)
		return call{body: url.Values{"base": {strconv.Itoa(r.RevisionNumber)}, "title": {"Amendée"}, "body": {body1 + "\nAmendée par " + role + ".\n"}}}
	},
	"POST /sheets/:slug/board": func(t *testing.T, w *world, role string) call {
		return call{body: url.Values{"members": {"ba", "ba2", "ba3"}}}
	},
	"POST /api/v1/sheets/:slug/archive": func(t *testing.T, w *world, role string) call {
		return call{body: map[string]any{"reason": "fermé"}}
	},
	"POST /api/v1/sheets/:slug/unarchive": func(t *testing.T, w *world, role string) call {
		w.archiveA(t)
		return call{}
	},
	"POST /api/v1/sheets/:slug/merge": func(t *testing.T, w *world, role string) call {
		return call{body: map[string]any{"into": w.slugB, "reason": "doublon"}}
	},
	"POST /sheets/:slug/rename": func(t *testing.T, w *world, role string) call {
		return call{body: url.Values{"title": {"Renommée par " + role}, "slug": {w.slugA + "-" + role}}}
	},
	"POST /sheets/:slug/archive": func(t *testing.T, w *world, role string) call {
		return call{body: url.Values{"reason": {"fermé"}}}
	},
	"POST /sheets/:slug/unarchive": func(t *testing.T, w *world, role string) call {
		w.archiveA(t)
		return call{body: url.Values{}}
	},
	"POST /sheets/:slug/merge": func(t *testing.T, w *world, role string) call {
		return call{body: url.Values{"into": {w.slugB}, "reason": {"doublon"}}}
	},
	// The same password again: the account keeps working for later tests.
	"POST /account/password": func(t *testing.T, w *world, role string) call {
		return call{body: url.Values{"current_password": {testutil.FixturePassword}, "password": {testutil.FixturePassword}}}
	},
	"POST /account/tokens": func(t *testing.T, w *world, role string) call {
		return call{body: url.Values{"name": {"script"}}}
	},
	"POST /account/tokens/:id/delete": func(t *testing.T, w *world, role string) call {
		a := w.f.a
		if _, err := a.auth.CreateAPIToken(t.Context(), a.admin.ID, "cible"); err != nil {
			t.Fatal(err)
		}
		toks, err := a.store.APITokensOfUser(t.Context(), a.admin.ID)
		if err != nil {
			t.Fatal(err)
		}
		return call{vars: map[string]string{"id": strconv.FormatInt(toks[0].ID, 10)}, body: url.Values{}}
	},
	"POST /admin/users": func(t *testing.T, w *world, role string) call {
		w.f.n++
		name := fmt.Sprintf("nouveau%d", w.f.n)
		return call{body: url.Values{"username": {name}, "email": {name + "@example.org"}, "role": {"contributor"}, "password": {"un mot de passe assez long"}}}
	},
	"POST /admin/users/:id": func(t *testing.T, w *world, role string) call {
		w.f.n++
		victim := testutil.User(t, w.f.a.store, fmt.Sprintf("cible%d", w.f.n), model.RoleContributor)
		return call{vars: map[string]string{"id": strconv.FormatInt(victim.ID, 10)}, body: url.Values{"role": {"contributor"}}}
	},
	"POST /admin/users/:id/password": func(t *testing.T, w *world, role string) call {
		w.f.n++
		victim := testutil.User(t, w.f.a.store, fmt.Sprintf("cible%d", w.f.n), model.RoleContributor)
		return call{vars: map[string]string{"id": strconv.FormatInt(victim.ID, 10)}, body: url.Values{"password": {"un mot de passe tout neuf"}}}
	},
	"POST /admin/users/:id/reset-link": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"id": strconv.FormatInt(w.victim(t).ID, 10)}}
	},
	"POST /api/v1/users/:username/reset-link": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"username": w.victim(t).Username}}
	},
	"POST /admin/users/:id/approve": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"id": strconv.FormatInt(w.pending(t).ID, 10)}}
	},
	"POST /admin/users/:id/refuse": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"id": strconv.FormatInt(w.pending(t).ID, 10)}}
	},
	"POST /api/v1/users/:username/approve": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"username": w.pending(t).Username}}
	},
	"POST /api/v1/users/:username/refuse": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"username": w.pending(t).Username}}
	},
	// The world has accounts: every setup link is dead.
	"GET /setup/:token":  func(t *testing.T, w *world, role string) call { return call{vars: map[string]string{"token": "mort"}} },
	"POST /setup/:token": func(t *testing.T, w *world, role string) call { return call{vars: map[string]string{"token": "mort"}} },
	// A fresh password link of a fresh account: whoever holds it uses it.
	"GET /password/:token": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"token": w.passwordLink(t)}}
	},
	"POST /password/:token": func(t *testing.T, w *world, role string) call {
		return call{vars: map[string]string{"token": w.passwordLink(t)}, body: url.Values{"password": {"un mot de passe tout neuf"}}}
	},
}
