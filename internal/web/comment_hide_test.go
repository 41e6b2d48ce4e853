package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/store"
	"atlas/internal/testutil"
	"atlas/internal/web"
)

// newTestAtlasPostingFreely is a test atlas without the rate limit of
// discussions, for tests that post many messages as the same people.
func newTestAtlasPostingFreely(t testing.TB, d *db.DB) *testAtlas {
	t.Helper()
	return newTestAtlasWith(t, d, func(deps *web.Deps) {
		deps.StreamLifetime = 50 * time.Millisecond // as newTestAtlas
		deps.Sheets.WithCommentLimits(nil)
	})
}

// addUser stores a contributor with an API token under its name.
func (a *testAtlas) addUser(t *testing.T, name string) *model.User {
	t.Helper()
	u := testutil.User(t, a.store, name, model.RoleContributor)
	tok, err := a.auth.CreateAPIToken(t.Context(), u.ID, "test")
	if err != nil {
		t.Fatal(err)
	}
	a.tokens[name] = tok
	return u
}

// storeComments writes messages straight into the store, written at the
// given times, as if they had been posted then.
func storeComments(t *testing.T, a *testAtlas, slug string, author *model.User, at ...time.Time) []int64 {
	t.Helper()
	sh, err := a.store.SheetBySlug(t.Context(), slug)
	if err != nil {
		t.Fatal(err)
	}
	list := make([]model.Comment, len(at))
	for i, when := range at {
		list[i] = model.Comment{SheetID: sh.ID, AuthorID: author.ID, Body: fmt.Sprintf("Message n° %d", i+1), CreatedAt: when.UTC()}
	}
	if err := a.store.DB().Conn(t.Context()).CreateInBatches(&list, 500).Error; err != nil {
		t.Fatal(err)
	}
	if err := a.store.TouchSheet(t.Context(), sh.ID); err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(list))
	for i, c := range list {
		ids[i] = c.ID
	}
	return ids
}

// TestCommentHidingRules: an author withdraws their own message within 15
// minutes, not later; nobody else but an admin, who gives a reason. The
// message stays in the database, hidden on pages and in the API, with a
// trace in the audit log.
func TestCommentHidingRules(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		a.addUser(t, "paul")
		slug := createSheet(t, a, "Discutée", body1)
		post := func(user, text string) string {
			t.Helper()
			r := mustAPI(t, a, http.MethodPost, "/sheets/"+slug+"/comments", user, map[string]any{"body": text}, http.StatusCreated)
			return strconv.FormatInt(int64(r["id"].(float64)), 10)
		}
		mine := post("marie", "Un message regretté")
		hide := func(user, id string, body any, want int) map[string]any {
			t.Helper()
			return mustAPI(t, a, http.MethodDelete, "/comments/"+id, user, body, want)
		}
		hide("", mine, nil, http.StatusUnauthorized)
		hide("paul", mine, nil, http.StatusForbidden)
		hide("paul", mine, map[string]any{"reason": "je n'aime pas"}, http.StatusForbidden)
		hide("marie", "999999", nil, http.StatusNotFound)
		got := hide("marie", mine, nil, http.StatusOK)
		if got["hidden"] != true || got["hidden_by"] != "marie" || got["body"] != "" {
			t.Errorf("hidden by its author: %v", got)
		}
		hide("marie", mine, nil, http.StatusConflict)

		// Past the quarter of an hour, the author may no longer.
		old := storeComments(t, a, slug, a.marie, time.Now().Add(-16*time.Minute))[0]
		oldID := strconv.FormatInt(old, 10)
		hide("marie", oldID, nil, http.StatusForbidden)
		// An admin may, with a reason.
		if r := a.api(http.MethodDelete, "/comments/"+oldID, "admin", nil); r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "reason_required") {
			t.Errorf("admin without a reason: %d %s", r.status, r.body)
		}
		got = hide("admin", oldID, map[string]any{"reason": "propos injurieux"}, http.StatusOK)
		if got["hidden_by"] != "admin" || got["hidden_reason"] != "propos injurieux" {
			t.Errorf("hidden by an admin: %v", got)
		}
		kept := post("paul", "Un message qui reste")

		// Never deleted: the text is still in the database.
		for _, id := range []string{mine, oldID} {
			n, _ := strconv.ParseInt(id, 10, 64)
			c, err := a.store.CommentByID(context.Background(), n)
			if err != nil || c.HiddenAt == nil || c.Body == "" {
				t.Errorf("comment %s in the database: %+v, %v", id, c, err)
			}
		}
		// The API keeps their places, without their text.
		list := a.api(http.MethodGet, "/sheets/"+slug+"/comments", "", nil)
		body := string(list.body)
		if strings.Contains(body, "regretté") || strings.Contains(body, "Message n° 1") || !strings.Contains(body, "Un message qui reste") {
			t.Errorf("API list shows hidden text or lacks the kept one: %s", body)
		}
		if items := list.json(t)["comments"].([]any); len(items) != 3 || items[0].(map[string]any)["hidden"] != true {
			t.Errorf("API list: %v", items)
		}
		// The page shows who withdrew them, and not what they said.
		page := string(a.browser().get("/sheets/" + slug).body)
		if strings.Contains(page, "regretté") || !strings.Contains(page, "message retiré par marie") ||
			!strings.Contains(page, "message retiré par admin (motif : propos injurieux)") || !strings.Contains(page, "Un message qui reste") {
			t.Errorf("sheet page after hiding:\n%s", discussionOf(page))
		}
		// The audit log keeps both withdrawals.
		entries, err := a.store.AuditPage(context.Background(), 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		var traces []string
		for _, e := range entries {
			if e.Action == store.AuditCommentHide {
				traces = append(traces, fmt.Sprint(*e.ActorID, e.Details["reason"]))
			}
		}
		if want := []string{fmt.Sprint(a.admin.ID, "propos injurieux"), fmt.Sprint(a.marie.ID, "")}; strings.Join(traces, ";") != strings.Join(want, ";") {
			t.Errorf("audit traces %v, want %v", traces, want)
		}
		_ = kept
	})
}

var hideAction = regexp.MustCompile(`<form method="post" action="(/sheets/[^"]+/comments/(\d+)/hide)"`)

// discussionOf cuts a page down to its discussion, for messages.
func discussionOf(page string) string {
	if i := strings.Index(page, `id="discussion"`); i >= 0 {
		page = page[i:]
	}
	if i := strings.Index(page, "</section>"); i >= 0 {
		page = page[:i]
	}
	return page
}

// TestCommentHidingFromPages: the sheet page offers its author a button
// to withdraw a message, an admin a reason and a button; both are plain
// forms with the CSRF token, and the page then shows the trace.
func TestCommentHidingFromPages(t *testing.T) {
	a := newTestAtlas(t, testutil.NewSQLite(t))
	slug := createSheet(t, a, "Discutée", body1)
	path := "/sheets/" + slug
	marie := a.browser()
	marie.login("marie")
	token := marie.csrf(path)
	if r := marie.post(path+"/comments", url.Values{"_csrf": {token}, "body": {"Je me suis trompée"}, "revision": {"1"}}); r.status != http.StatusSeeOther {
		t.Fatalf("comment: %d", r.status)
	}
	page := string(marie.get(path).body)
	m := hideAction.FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, "Retirer mon message") {
		t.Fatalf("no control to withdraw one's own message:\n%s", discussionOf(page))
	}
	// Nobody else sees it: the kept discussion carries no one's controls.
	if anon := string(a.browser().get(path).body); hideAction.MatchString(anon) {
		t.Error("an anonymous reader is offered to hide a message")
	}
	other := a.browser()
	a.addUser(t, "paul")
	other.login("paul")
	if hideAction.MatchString(string(other.get(path).body)) {
		t.Error("another contributor is offered to hide marie's message")
	}
	if r := other.post(m[1], url.Values{"_csrf": {other.csrf(path)}}); r.status != http.StatusForbidden {
		t.Errorf("another contributor's post: %d, want 403", r.status)
	}
	// Without the CSRF token, nothing.
	if r := marie.post(m[1], url.Values{}); r.status != http.StatusForbidden {
		t.Errorf("post without CSRF: %d, want 403", r.status)
	}
	r := marie.post(m[1], url.Values{"_csrf": {token}})
	if r.status != http.StatusSeeOther || !strings.HasSuffix(r.header.Get("Location"), "#comment-"+m[2]) {
		t.Fatalf("withdraw: %d %s", r.status, r.header.Get("Location"))
	}
	page = string(marie.get(path).body)
	if strings.Contains(page, "Je me suis trompée") || !strings.Contains(page, "message retiré par marie") || !strings.Contains(page, "Le message est retiré.") {
		t.Errorf("after withdrawing:\n%s", discussionOf(page))
	}

	// An admin hides paul's message, giving a reason.
	mustAPI(t, a, http.MethodPost, "/sheets/"+slug+"/comments", "paul", map[string]any{"body": "Hors sujet total"}, http.StatusCreated)
	admin := a.browser()
	admin.login("admin")
	page = string(admin.get(path).body)
	m = hideAction.FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, `name="reason" required`) {
		t.Fatalf("an admin is not offered to hide with a reason:\n%s", discussionOf(page))
	}
	token = admin.csrf(path)
	if r := admin.post(m[1], url.Values{"_csrf": {token}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("admin without a reason: %d, want 422", r.status)
	}
	if r := admin.post(m[1], url.Values{"_csrf": {token}, "reason": {"hors sujet"}}); r.status != http.StatusSeeOther {
		t.Fatalf("admin hides: %d", r.status)
	}
	if page := string(a.browser().get(path).body); !strings.Contains(page, "message retiré par admin (motif : hors sujet)") || strings.Contains(page, "Hors sujet total") {
		t.Errorf("after an admin hid it:\n%s", discussionOf(page))
	}
	// The audit log's page names both withdrawals.
	audit := string(admin.get("/admin/audit").body)
	if strings.Count(audit, "<td>message retiré</td>") != 2 || !strings.Contains(audit, "reason=hors sujet") {
		t.Errorf("the audit page lacks the withdrawals:\n%s", audit)
	}
}

// TestCommentsAreRateLimited: an account posting fast is refused with 429
// and Retry-After, on the API and on pages (where the typed text comes
// back with a French message), and the wait grows with the flood.
func TestCommentsAreRateLimited(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Inondée", body1)
		for i := range 5 {
			mustAPI(t, a, http.MethodPost, "/sheets/"+slug+"/comments", "marie", map[string]any{"body": fmt.Sprintf("Message %d", i)}, http.StatusCreated)
		}
		r := a.api(http.MethodPost, "/sheets/"+slug+"/comments", "marie", map[string]any{"body": "Un de trop"})
		retry, _ := strconv.Atoi(r.header.Get("Retry-After"))
		if r.status != http.StatusTooManyRequests || retry < 1 || retry > 60 || !strings.Contains(string(r.body), "too_many_comments") {
			t.Errorf("sixth message in a minute: %d, Retry-After %q: %s", r.status, r.header.Get("Retry-After"), r.body)
		}
		// The same on the page: the form comes back with the text typed.
		b := a.browser()
		b.login("marie")
		token := b.csrf("/sheets/" + slug)
		r = b.post("/sheets/"+slug+"/comments", url.Values{"_csrf": {token}, "body": {"Mon texte <important>"}, "revision": {"1"}})
		page := string(r.body)
		if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" ||
			!strings.Contains(page, "Vous avez publié beaucoup de messages en peu de temps") ||
			!strings.Contains(page, html.EscapeString("Mon texte <important>")) {
			t.Errorf("page post over the limit: %d:\n%s", r.status, discussionOf(page))
		}
		// Others are not held back.
		mustAPI(t, a, http.MethodPost, "/sheets/"+slug+"/comments", "admin", map[string]any{"body": "Moi je peux"}, http.StatusCreated)

		// Twenty messages in the last few minutes: the wait is minutes now.
		paul := a.addUser(t, "paul")
		var at []time.Time
		for i := range 20 {
			at = append(at, time.Now().Add(-5*time.Minute+time.Duration(i)*10*time.Second))
		}
		storeComments(t, a, slug, paul, at...)
		r = a.api(http.MethodPost, "/sheets/"+slug+"/comments", "paul", map[string]any{"body": "Encore"})
		retry, _ = strconv.Atoi(r.header.Get("Retry-After"))
		if r.status != http.StatusTooManyRequests || retry <= 60 {
			t.Errorf("after twenty in five minutes: %d, Retry-After %d s, want more than a minute", r.status, retry)
		}
	})
}

var olderLink = regexp.MustCompile(`href="(/sheets/[^"]+/comments\?before=(\d+))#discussion"`)

// TestDiscussionsArePaginated: two thousand messages made a sheet's page
// 76 MB. The page shows the latest fifty with a link to older ones, a
// page at a time, and the API answers a bounded page.
func TestDiscussionsArePaginated(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		a := newTestAtlas(t, d)
		slug := createSheet(t, a, "Inondée", body1)
		at := make([]time.Time, 2000)
		for i := range at {
			at[i] = time.Now().Add(-2 * time.Hour)
		}
		ids := storeComments(t, a, slug, a.marie, at...)
		count := func(page string) int { return strings.Count(page, `<li class="comment" id=`) }

		page := string(a.browser().get("/sheets/" + slug).body)
		if n := count(page); n != 50 || len(page) > 200<<10 {
			t.Fatalf("sheet page: %d messages, %d bytes; want 50 and well under 200 KB", n, len(page))
		}
		if !strings.Contains(page, "Message n° 2000") || strings.Contains(page, "Message n° 1950<") {
			t.Error("the sheet page does not show the latest fifty")
		}
		m := olderLink.FindStringSubmatch(page)
		if m == nil {
			t.Fatal("no link to older messages")
		}
		older := string(a.browser().get(html.UnescapeString(m[1])).body)
		if n := count(older); n != 50 || !strings.Contains(older, "Message n° 1950<") || strings.Contains(older, "Message n° 1951<") {
			t.Errorf("older page: %d messages:\n%.2000s", n, discussionOf(older))
		}
		if !olderLink.MatchString(older) || !strings.Contains(older, "Revenir aux derniers messages") {
			t.Error("the older page lacks its links")
		}

		// The API: a bounded page, then the one before.
		r := a.api(http.MethodGet, "/sheets/"+slug+"/comments", "", nil).json(t)
		items := r["comments"].([]any)
		first, last := items[0].(map[string]any)["id"].(float64), items[len(items)-1].(map[string]any)["id"].(float64)
		if len(items) != 50 || int64(last) != ids[1999] || first >= last || r["next_before"].(float64) != first {
			t.Errorf("API first page: %d items, %v…%v, next_before %v", len(items), first, last, r["next_before"])
		}
		r = a.api(http.MethodGet, fmt.Sprintf("/sheets/%s/comments?before=%d&limit=200", slug, int64(first)), "", nil).json(t)
		if items := r["comments"].([]any); len(items) != 200 || items[199].(map[string]any)["id"].(float64) != first-1 {
			t.Errorf("API second page: %d items", len(items))
		}
		if r := a.api(http.MethodGet, "/sheets/"+slug+"/comments?limit=5000", "", nil); r.status != http.StatusBadRequest {
			t.Errorf("limit=5000: %d, want 400", r.status)
		}
		r = a.api(http.MethodGet, fmt.Sprintf("/sheets/%s/comments?before=%d", slug, ids[10]), "", nil).json(t)
		if items := r["comments"].([]any); len(items) != 10 || r["next_before"] != nil {
			t.Errorf("API last page: %d items, next_before %v", len(items), r["next_before"])
		}
	})
}
