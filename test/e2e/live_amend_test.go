package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestLiveAmendmentTogether: the board at its monthly meeting. The sheet
// moved on after its submission; two board members open the review's
// amendment page and find the reviewed text (not the head), see each
// other there and type together. One saves with "Enregistrer
// l'amendement": the review page shows the amendment crediting both, the
// review moved onto it, and the sheet's later edit is merged in.
func TestLiveAmendmentTogether(t *testing.T) {
	needEditorBundle(t)
	onEachDatabase(t, liveAmendJourney)
}

func liveAmendJourney(t *testing.T, srv *server) {
	srv.createUsers(t, map[string]string{"gwen": "admin", "marie": "contributor", "anne": "contributor", "bruno": "contributor"})
	adminToken := srv.run(t, "", "token", "create", "--username", "gwen")
	marieToken := srv.run(t, "", "token", "create", "--username", "marie")
	reviewed := "## Statuts\n\nArticle premier : le jardin est ouvert à tous.\n\nArticle 2 : on arrose le soir.\n\nArticle 3 : les outils restent dans la cabane.\n"
	created := srv.api(t, marieToken, http.MethodPost, "/sheets", map[string]any{"title": "Jardin du Guelmeur", "body": reviewed, "summary": "création"}, http.StatusCreated)
	slug := created["slug"].(string)
	srv.api(t, adminToken, http.MethodPut, "/sheets/"+slug+"/board", map[string]any{"members": []string{"anne", "bruno"}}, http.StatusOK)
	review := srv.api(t, marieToken, http.MethodPost, "/sheets/"+slug+"/reviews", map[string]any{"revision": 1, "note": "Pour la réunion du mois."}, http.StatusCreated)
	id := int(review["id"].(float64))
	// After the submission the sheet moves on (revision 2): the amendment
	// is still written on the reviewed text.
	head := strings.Replace(reviewed, "restent dans la cabane", "restent dans la cabane fermée", 1)
	srv.api(t, marieToken, http.MethodPut, "/sheets/"+slug, map[string]any{"base": 1, "title": "Jardin du Guelmeur", "body": head, "summary": "la cabane"}, http.StatusOK)

	reviewPath := fmt.Sprintf("/sheets/%s/reviews/%d", slug, id)
	amendPath := reviewPath + "/amend"
	shot := newShots(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*testTimeout)
	defer cancel()
	chromium := startChromium(t, ctx)
	anne := newBrowser(t, chromium, srv, "anne")
	bruno := newBrowser(t, chromium, srv, "bruno")
	people := []*browser{anne, bruno}
	for _, b := range people {
		b.recordCSP(t)
		b.acceptLeaving(t)
		b.login(t, b.name)
		b.open(t, amendPath)
		b.waitFor(t, ".atlas-cm .cm-content")
	}
	for _, b := range people {
		joined(t, b, 2)
	}
	if got := sameText(t, people, 10*time.Second); got != reviewed {
		t.Fatalf("the amendment session starts from %q, want the reviewed revision %q", got, reviewed)
	}
	if got := anne.value(t, "input[name=base]"); got != "1" {
		t.Errorf("the amendment form's base is %s, want the reviewed revision 1", got)
	}
	if names := anne.text(t, "#live-editor [data-live-people]"); !strings.Contains(names, "anne") || !strings.Contains(names, "bruno") {
		t.Errorf("who is there: %q", names)
	}

	// Both type at once, each at their article.
	done := make(chan struct{})
	go func() {
		defer close(done)
		caretAt(t, bruno, "ouvert à tous", utf8.RuneCountInString("ouvert à tous"), 0)
		for _, r := range ", sauf le lundi" {
			bruno.keys(t, string(r))
		}
	}()
	caretAt(t, anne, "on arrose le soir", len("on arrose le soir"), 0)
	for _, r := range " et le matin" {
		anne.keys(t, string(r))
	}
	<-done
	text := sameText(t, people, 15*time.Second)
	if !strings.Contains(text, "ouvert à tous, sauf le lundi.") || !strings.Contains(text, "on arrose le soir et le matin.") {
		t.Fatalf("the shared amendment:\n%s", text)
	}
	// Each sees the other's cursor.
	waitFor(t, anne, "bruno's cursor", `!!document.querySelector('.cm-live-caret')`, 10*time.Second)
	for _, w := range []int64{1280, 375} {
		bruno.viewport(t, w)
		shot.save(t, bruno, fmt.Sprintf("live-amend-01-two-board-members-%d", w))
	}
	bruno.viewport(t, 1280)

	// Anne saves the amendment: the review page, the amendment crediting both.
	anne.typeInto(t, "#summary", "amendé en réunion")
	anne.submit(t, `form.editor .form-actions button[type=submit]:not([name=action])`)
	if p := anne.path(t); p != reviewPath {
		t.Fatalf("after saving the amendment: %s", p)
	}
	amendments := anne.text(t, "section[aria-labelledby=amend-title]")
	if !strings.Contains(amendments, "version 1 remplacée par la version 3") || !strings.Contains(amendments, "Co-écrit avec bruno") {
		t.Errorf("the review's amendments: %q", amendments)
	}
	got := srv.api(t, marieToken, http.MethodGet, fmt.Sprintf("/reviews/%d", id), nil, http.StatusOK)
	if got["revision"] != 3.0 {
		t.Errorf("the review is on revision %v, want the amendment 3", got["revision"])
	}
	rev := srv.api(t, marieToken, http.MethodGet, "/sheets/"+slug+"/revisions/3", nil, http.StatusOK)
	if rev["origin"] != "amendment" || fmt.Sprint(rev["coauthors"]) != "[anne bruno]" {
		t.Errorf("the amendment revision: origin %v, coauthors %v", rev["origin"], rev["coauthors"])
	}
	if body, _ := rev["body"].(string); !strings.Contains(body, "sauf le lundi") || !strings.Contains(body, "et le matin") || !strings.Contains(body, "la cabane fermée") {
		t.Errorf("the amendment's text:\n%s", body)
	}
	for _, w := range []int64{1280, 375} {
		anne.viewport(t, w)
		eval[bool](t, anne, `(() => { document.querySelector('section[aria-labelledby=amend-title]').scrollIntoView(); return true; })()`)
		shot.save(t, anne, fmt.Sprintf("live-amend-02-review-page-%d", w))
	}
	// Bruno, still on the amendment page, is told and his form follows.
	waitFor(t, bruno, "the saved amendment in bruno's form", `document.querySelector('input[name=base]').value === '3'`, 15*time.Second)
	// The submitter withdraws the review while Bruno is still there: his
	// page says the amendment may no longer be saved, his text stays.
	srv.api(t, marieToken, http.MethodPost, fmt.Sprintf("/reviews/%d/withdraw", id), nil, http.StatusOK)
	waitFor(t, bruno, "the closed review's notice", `document.querySelector('#live-editor [data-live-status]').textContent.includes("L'examen est clos")`, 15*time.Second)
	if got := editorText(t, bruno); !strings.Contains(got, "sauf le lundi") {
		t.Errorf("bruno's text after the review closed: %q", got)
	}
	for _, b := range people {
		b.noCSPViolation(t, b.name+" on the amendment page")
	}
}
