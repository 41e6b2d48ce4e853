package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"atlas/internal/app/apptest"
	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/testutil"
	"atlas/internal/web"
)

// keptForever trusts what is kept for an hour: in these tests only change
// notices, never age, can drop it.
func keptForever(deps *web.Deps) { deps.KeptFor = time.Hour }

// twinInstance is another atlas process on a's database, with its own
// caches and change feed, and a's accounts and tokens.
func twinInstance(t *testing.T, a *testAtlas, d *db.DB, tune func(*web.Deps)) *testAtlas {
	t.Helper()
	atlas := apptest.New(t, d)
	deps := atlas.WebDeps()
	deps.Config.MetricsToken = testMetricsToken
	tune(&deps)
	app, err := web.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	return &testAtlas{t: t, app: app, store: atlas.Store, auth: atlas.Auth, tokens: a.tokens, events: atlas.Events,
		sheets: atlas.Sheets, marie: a.marie, admin: a.admin}
}

// twoInstances runs fn on two atlases sharing one database, each with its
// change feed live as in `atlas serve` (LISTEN on PostgreSQL, a poll of
// data_version on SQLite) and trusting what it keeps for an hour.
func twoInstances(t *testing.T, fn func(t *testing.T, a, b *testAtlas)) {
	run := func(t *testing.T, d *db.DB, dsn string) {
		a := newTestAtlasWith(t, d, keptForever)
		b := twinInstance(t, a, d, keptForever)
		liveFeed(t, d, dsn)(a.events)
		liveFeed(t, d, dsn)(b.events)
		fn(t, a, b)
	}
	t.Run("sqlite", func(t *testing.T) { run(t, testutil.NewSQLite(t), "") })
	t.Run("postgres", func(t *testing.T) {
		d, dsn := testutil.NewPostgresURL(t)
		run(t, d, dsn)
	})
}

// eventually waits for ok, which the change feed makes true within
// milliseconds; nothing else would in these tests (keptForever).
func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not seen after 10 s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// cacheHits reads a cache's hit counter on an instance's /metrics.
func cacheHits(t *testing.T, a *testAtlas, name string) int {
	t.Helper()
	m := regexp.MustCompile(`atlas_cache_hits_total\{cache="` + name + `"\} (\d+)`).FindStringSubmatch(a.metrics(t))
	if m == nil {
		t.Fatalf("no hit counter for cache %q", name)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// reader is a browser signed in on instance b, past its write fence: what
// it reads comes from what b keeps.
func reader(t *testing.T, b *testAtlas, name string) *browser {
	t.Helper()
	r := b.browser()
	r.login(name)
	delete(r.cookies, web.WriteFenceCookie) // five seconds later
	return r
}

// readsKept checks that b serves r's history page of slug from what it
// keeps (the page kept per reader is hit), so that a change not heard
// would show as stale. On SQLite the poll may drop everything for a
// commit made just before (a login), so it reads until the page is hit.
func readsKept(t *testing.T, b *testAtlas, r *browser, slug string) {
	t.Helper()
	before := cacheHits(t, b, "reader_pages")
	eventually(t, "the signed-in history page kept", func() bool {
		if resp := r.get("/sheets/" + slug + "/history"); resp.status != http.StatusOK {
			t.Fatalf("history: %d", resp.status)
		}
		return cacheHits(t, b, "reader_pages") > before
	})
}

func (a *testAtlas) tokenGet(path, token string) int {
	req := httptest.NewRequest(http.MethodGet, "/api/v1"+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return a.do(req).status
}

// TestKeptAccountsFollowChangesFromAnotherInstance: what an instance keeps
// of sessions, accounts, tokens, unread counts and sheet rows follows a
// change made through another instance as soon as its notice arrives, on
// both databases; on the instance that made it, at once.
func TestKeptAccountsFollowChangesFromAnotherInstance(t *testing.T) {
	twoInstances(t, func(t *testing.T, a, b *testAtlas) {
		slug := createSheet(t, a, "Partagée", body1)
		page := func(r *browser) string { return string(r.get("/sheets/" + slug + "/history").body) }
		signedIn := func(r *browser, name string) bool { return strings.Contains(page(r), `href="/account">`+name+`<`) }

		// A sheet written through A shows in B's signed-in history.
		marie := reader(t, b, "marie")
		readsKept(t, b, marie, slug)
		mustAPI(t, a, http.MethodPut, "/sheets/"+slug, "admin", map[string]any{"base": 1, "title": "Partagée", "body": body1 + "Ajout.\n"}, http.StatusOK)
		eventually(t, "a sheet written elsewhere", func() bool { return strings.Contains(page(marie), "/revisions/2") })

		// A notification made through A shows in the header's count on B.
		unread := func(r *browser) string {
			m := regexp.MustCompile(`class="unread-count" aria-hidden="true">([^<]*)<`).FindStringSubmatch(page(r))
			if m == nil {
				return "0"
			}
			return m[1]
		}
		readsKept(t, b, marie, slug)
		was := unread(marie)
		mustAPI(t, a, http.MethodPut, "/sheets/"+slug, "admin", map[string]any{"base": 2, "title": "Partagée", "body": body1 + "Encore.\n"}, http.StatusOK)
		eventually(t, "a notification made elsewhere", func() bool { return unread(marie) != was })

		// Logging out through A ends the session on B.
		readsKept(t, b, marie, slug)
		copied := marie.cookies
		elsewhere := &browser{a: a, cookies: map[string]string{}}
		for k, v := range copied {
			elsewhere.cookies[k] = v
		}
		if r := elsewhere.post("/logout", url.Values{"_csrf": {elsewhere.csrf("/account")}}); r.status != http.StatusSeeOther {
			t.Fatalf("logout: %d", r.status)
		}
		eventually(t, "a logout elsewhere", func() bool { return !signedIn(marie, "marie") })

		// A role changed or an account disabled through A, seen on B by a
		// token (an archived sheet is shown to admins only) and a session.
		archived := createSheet(t, a, "Archivée", body1)
		mustAPI(t, a, http.MethodPost, "/sheets/"+archived+"/archive", "admin", map[string]any{"reason": "doublon"}, http.StatusOK)
		eventually(t, "an archive", func() bool { return b.tokenGet("/sheets/"+archived, a.tokens["marie"]) == http.StatusGone })
		admin := a.browser()
		admin.login("admin")
		form := func(role string, disabled bool) url.Values {
			v := url.Values{"_csrf": {admin.csrf("/admin/users")}, "role": {role}}
			if disabled {
				v.Set("disabled", "on")
			}
			return v
		}
		id := strconv.FormatInt(a.marie.ID, 10)
		if r := admin.post("/admin/users/"+id, form(model.RoleAdmin, false)); r.status != http.StatusSeeOther {
			t.Fatalf("role: %d", r.status)
		}
		eventually(t, "a role changed elsewhere", func() bool { return b.tokenGet("/sheets/"+archived, a.tokens["marie"]) == http.StatusOK })
		again := reader(t, b, "marie")
		readsKept(t, b, again, slug)
		if r := admin.post("/admin/users/"+id, form(model.RoleAdmin, true)); r.status != http.StatusSeeOther {
			t.Fatalf("disable: %d", r.status)
		}
		eventually(t, "an account disabled elsewhere (session)", func() bool { return !signedIn(again, "marie") })
		eventually(t, "an account disabled elsewhere (token)", func() bool {
			return b.tokenGet("/sheets/"+slug, a.tokens["marie"]) == http.StatusUnauthorized
		})

		// A token revoked through A is refused by B.
		if b.tokenGet("/sheets/"+slug, a.tokens["admin"]) != http.StatusOK {
			t.Fatal("admin's token refused")
		}
		tokens, err := a.store.APITokensOfUser(t.Context(), a.admin.ID)
		if err != nil || len(tokens) != 1 {
			t.Fatalf("admin's tokens: %v %v", tokens, err)
		}
		if r := admin.post("/account/tokens/"+strconv.FormatInt(tokens[0].ID, 10)+"/delete", url.Values{"_csrf": {admin.csrf("/account")}}); r.status != http.StatusSeeOther {
			t.Fatalf("revoke: %d", r.status)
		}
		// At once on the instance that revoked it.
		if a.tokenGet("/sheets/"+slug, a.tokens["admin"]) != http.StatusUnauthorized {
			t.Fatal("a revoked token still works on the instance that revoked it")
		}
		eventually(t, "a token revoked elsewhere", func() bool {
			return b.tokenGet("/sheets/"+slug, a.tokens["admin"]) == http.StatusUnauthorized
		})
	})
}

// TestAWriterReadsItsWriteOnAnotherInstance: a browser that has just
// written reads its write on another instance even before that instance
// hears of it (the write fence). Instance B here is deaf: its feed is live
// on a schema nobody writes to, so it keeps everything and hears nothing;
// without the fence, the same browser reads there what B kept.
func TestAWriterReadsItsWriteOnAnotherInstance(t *testing.T) {
	d, dsn := testutil.NewPostgresURL(t)
	quiet, quietDSN := testutil.NewPostgresURL(t)
	a := newTestAtlasWith(t, d, keptForever)
	b := twinInstance(t, a, d, keptForever)
	liveFeed(t, d, dsn)(a.events)
	liveFeed(t, quiet, quietDSN)(b.events)
	slug := createSheet(t, a, "Partagée", body1)
	history := "/sheets/" + slug + "/history"

	onB := reader(t, b, "marie")
	readsKept(t, b, onB, slug)
	onA := &browser{a: a, cookies: onB.cookies} // one browser, two instances
	edit := onA.get("/sheets/" + slug + "/edit")
	form := url.Values{"_csrf": {field(edit.body, "_csrf")}, "title": {"Partagée"}, "body": {body1 + "Ajout.\n"}, "base": {"1"}, "summary": {"ajout"}}
	if r := onA.post("/sheets/"+slug+"/edit", form); r.status != http.StatusSeeOther {
		t.Fatalf("save: %d %.300s", r.status, r.body)
	}
	if onB.cookies[web.WriteFenceCookie] == "" {
		t.Fatal("a write answered without its fence")
	}
	if page := string(onB.get(history).body); !strings.Contains(page, "/revisions/2") {
		t.Fatal("the writer does not read its own write on another instance")
	}
	delete(onB.cookies, web.WriteFenceCookie) // five seconds later
	if page := string(onB.get(history).body); strings.Contains(page, "/revisions/2") {
		t.Fatal("the deaf instance heard the write: this test shows nothing")
	}
}
