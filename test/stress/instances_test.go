package stress_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"atlas/internal/testutil"
)

// TestTwoInstancesShareOnePostgres runs two `atlas serve` processes on one
// PostgreSQL database, as behind a load balancer: a session opened on one
// works on the other, failed logins count on both, an editor on one hears
// a save on the other, concurrent edits through both lose nothing, and
// votes through both decide once.
func TestTwoInstancesShareOnePostgres(t *testing.T) {
	d := database{name: "postgres", dataDir: t.TempDir(), url: testutil.PostgresSchemaURL(t)}
	d.run(t, "", "migrate")
	d.run(t, "phrase de passe stress 1\n", "user", "create", "--username", "admin", "--email", "admin@example.org", "--role", "admin", "--password-stdin")
	adminToken := strings.TrimSpace(d.run(t, "", "token", "create", "--username", "admin"))
	editorToken := d.account(t, "editrice")
	d.account(t, "prudence")
	voters := map[string]string{}
	for _, n := range []string{"anne", "bleuenn", "corentin"} {
		voters[n] = d.account(t, n)
	}
	one, two := startServer(t, d), startServer(t, d)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	t.Run("session", func(t *testing.T) {
		cookie := loginOn(t, one.base, "editrice", "phrase de passe stress 1")
		req, _ := http.NewRequest(http.MethodGet, two.base+"/account", nil)
		req.AddCookie(cookie)
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := readAndClose(resp)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "editrice@example.org") {
			t.Errorf("the session from instance one is not valid on instance two: %d", resp.StatusCode)
		}
	})

	t.Run("login throttling", func(t *testing.T) {
		// Three wrong passwords from one address, through both instances:
		// the third starts a wait (README, login throttling), which holds
		// on both, even for the right password.
		for i, srv := range []*server{one, two, one} {
			if status, _ := tryLogin(t, srv.base, "prudence", "mauvais mot de passe"); status != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d", i+1, status)
			}
		}
		for _, srv := range []*server{one, two} {
			if status, _ := tryLogin(t, srv.base, "prudence", "phrase de passe stress 1"); status != http.StatusTooManyRequests {
				t.Errorf("right password after 3 failures across instances, on %s: %d, want 429", srv.base, status)
			}
		}
	})

	t.Run("live events cross instances", func(t *testing.T) {
		// Bounded: an event that never crosses fails the test, not CI.
		ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		admin := newClient(two.base, adminToken)
		defer admin.close()
		slug, _, err := admin.createSheet(ctx, "En direct à deux instances", "## La communauté\n\nDes voisins.\n")
		if err != nil {
			t.Fatal(err)
		}
		// The editor has the sheet open on instance one; the admin opens it
		// on instance two, then saves there.
		editrice := openEventStream(t, ctx, one.base, slug, loginOn(t, one.base, "editrice", "phrase de passe stress 1"))
		openEventStream(t, ctx, two.base, slug, loginOn(t, two.base, "admin", "phrase de passe stress 1"))
		if status, body, err := admin.do(ctx, http.MethodPut, "/api/v1/sheets/"+slug, true,
			map[string]any{"base": 1, "title": "En direct à deux instances", "body": "## La communauté\n\nDes voisins et une école.\n"}); err != nil || status != http.StatusOK {
			t.Fatalf("save on instance two: %d %s %v", status, body, err)
		}
		heard := map[string]string{}
		for len(heard) < 2 {
			kind, data, err := nextSSE(editrice)
			if err != nil {
				t.Fatalf("the editor's stream on instance one ended: %v (heard %v)", err, heard)
			}
			heard[kind] = data
		}
		if !strings.Contains(heard["presence"], `"name":"admin"`) || !strings.Contains(heard["revision"], `"revision":2`) {
			t.Errorf("the editor on instance one heard %v", heard)
		}
	})

	t.Run("edits", func(t *testing.T) {
		const editors, saves = 10, 5
		prefixes := make([]string, editors)
		for i := range prefixes {
			prefixes[i] = fmt.Sprintf("paragraphe %02d :", i)
		}
		creator := newClient(one.base, editorToken)
		defer creator.close()
		slug, _, err := creator.createSheet(ctx, "Deux instances", paragraphs(prefixes))
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		last := make([]string, editors)
		errs := make(chan error, editors)
		for i := 0; i < editors; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				base := one.base
				if i%2 == 1 {
					base = two.base
				}
				c := newClient(base, editorToken)
				defer c.close()
				for v := 1; v <= saves; {
					sh, err := c.sheet(ctx, slug)
					if err != nil {
						errs <- err
						return
					}
					text := fmt.Sprintf("version %d par l'instance %s", v, base)
					body, err := setLine(sh.Body, prefixes[i], text)
					if err != nil {
						errs <- err
						return
					}
					ans, err := c.save(ctx, slug, sh.Head, "Deux instances", body)
					if err != nil || (ans.Status != http.StatusOK && ans.Status != http.StatusConflict) {
						errs <- fmt.Errorf("save: %v %d %s", err, ans.Status, ans.Raw)
						return
					}
					if ans.Status == http.StatusOK {
						last[i] = text
						v++
					}
				}
			}(i)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		final, err := newClient(two.base, editorToken).sheet(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		if final.Head != 1+editors*saves {
			t.Errorf("head = %d, want %d", final.Head, 1+editors*saves)
		}
		for i, text := range last {
			if line, _ := lineOf(final.Body, prefixes[i]); !strings.Contains(line, text) {
				t.Errorf("editor %d's last save lost: %q", i, line)
			}
		}
		if _, _, problems := checkHistory(ctx, newClient(one.base, editorToken), slug); len(problems) > 0 {
			t.Errorf("history: %v", problems)
		}
	})

	t.Run("anonymous readers see every change", func(t *testing.T) {
		anonymousReadersFollowWrites(t, ctx, d, one, two, adminToken)
	})

	t.Run("votes", func(t *testing.T) {
		admin := newClient(one.base, adminToken)
		defer admin.close()
		slug, _, err := admin.createSheet(ctx, "Vote à deux instances", "## La gouvernance\n\nAu consentement.\n")
		if err != nil {
			t.Fatal(err)
		}
		if status, body, err := admin.do(ctx, http.MethodPut, "/api/v1/sheets/"+slug+"/board", true, map[string]any{"members": []string{"anne", "bleuenn", "corentin"}}); err != nil || status != 200 {
			t.Fatalf("board: %d %s %v", status, body, err)
		}
		var review struct{ ID int }
		status, body, err := admin.do(ctx, http.MethodPost, "/api/v1/sheets/"+slug+"/reviews", true, map[string]any{"revision": 1})
		if err != nil || status != http.StatusCreated {
			t.Fatalf("submit: %d %s %v", status, body, err)
		}
		if _, err := fmt.Sscanf(string(body), `{"id":%d`, &review.ID); err != nil {
			t.Fatalf("submit answered %s: %v", body, err)
		}
		// Three approvals at once, through both instances: two are enough,
		// the third finds the review closed or counts as a late vote.
		var wg sync.WaitGroup
		statuses := make(chan int, 3)
		i := 0
		for _, token := range voters {
			base := one.base
			if i%2 == 1 {
				base = two.base
			}
			i++
			wg.Add(1)
			go func(base, token string) {
				defer wg.Done()
				c := newClient(base, token)
				defer c.close()
				status, _, err := c.do(ctx, http.MethodPost, fmt.Sprintf("/api/v1/reviews/%d/votes", review.ID), true, map[string]any{"choice": "approve", "revision": 1})
				if err != nil {
					status = 0
				}
				statuses <- status
			}(base, token)
		}
		wg.Wait()
		close(statuses)
		for s := range statuses {
			if s != http.StatusOK && s != http.StatusConflict {
				t.Errorf("vote answered %d", s)
			}
		}
		var record struct {
			Review  struct{ State string }
			Entries []struct{ Action string }
		}
		if err := newClient(two.base, adminToken).getJSON(ctx, fmt.Sprintf("/api/v1/reviews/%d/record", review.ID), &record); err != nil {
			t.Fatal(err)
		}
		validations := 0
		for _, e := range record.Entries {
			if e.Action == "validate" {
				validations++
			}
		}
		if record.Review.State != "validated" || validations != 1 {
			t.Errorf("state %q after %d validations", record.Review.State, validations)
		}
	})
}

var csrfPattern = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// loginOn logs in through the login form of one instance and returns the
// session cookie it set.
func loginOn(t *testing.T, base, username, password string) *http.Cookie {
	t.Helper()
	status, cookie := tryLogin(t, base, username, password)
	if status != http.StatusSeeOther || cookie == nil {
		t.Fatalf("login as %s on %s: %d", username, base, status)
	}
	return cookie
}

// tryLogin posts the login form of one instance and returns the answer's
// status and the session cookie it set, if any.
func tryLogin(t *testing.T, base, username, password string) (int, *http.Cookie) {
	t.Helper()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, err := readAndClose(resp)
	if err != nil {
		t.Fatal(err)
	}
	m := csrfPattern.FindSubmatch(page)
	if m == nil || len(resp.Cookies()) == 0 {
		t.Fatalf("no login form on %s", base)
	}
	form := url.Values{"_csrf": {string(m[1])}, "username": {username}, "password": {password}}
	req, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range resp.Cookies() {
		req.AddCookie(c)
	}
	resp, err = noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := readAndClose(resp); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode == http.StatusSeeOther {
		for _, c := range resp.Cookies() {
			if c.Name == "atlas_session" && c.Value != "" {
				return resp.StatusCode, c
			}
		}
	}
	return resp.StatusCode, nil
}

// TestAnonymousReadersFollowWrites: on one server, anonymous pages (kept in
// memory with their sheet row) show a write through the server at the
// very next read, and one from the command line within the change feed's
// delay.
func TestAnonymousReadersFollowWrites(t *testing.T) {
	eachDatabase(t, func(t *testing.T, d database) {
		d.run(t, "phrase de passe stress 1\n", "user", "create", "--username", "admin", "--email", "admin@example.org", "--role", "admin", "--password-stdin")
		token := strings.TrimSpace(d.run(t, "", "token", "create", "--username", "admin"))
		srv := startServer(t, d)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		anonymousReadersFollowWrites(t, ctx, d, srv, srv, token)
	})
}

// anonymousReadersFollowWrites saves through writer and imports from the
// command line, and checks what anonymous readers of reader see. When both
// are one server, a save must show at the next read; otherwise, and for
// the command line, within five seconds.
func anonymousReadersFollowWrites(t *testing.T, ctx context.Context, d database, writer, reader *server, adminToken string) {
	admin := newClient(writer.base, adminToken)
	defer admin.close()
	slug, rev, err := admin.createSheet(ctx, "Lue sans compte", "## Présentation\n\nPremière version.\n")
	if err != nil {
		t.Fatal(err)
	}
	page := func() string {
		resp, err := http.Get(reader.base + "/sheets/" + slug)
		if err != nil {
			t.Fatal(err)
		}
		b, err := readAndClose(resp)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	waitForPage := func(want string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(page(), want) {
			if time.Now().After(deadline) {
				t.Fatalf("anonymous readers still do not see %q", want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitForPage("Première version.")
	page() // now held in memory

	if ans, err := admin.save(ctx, slug, rev.Number, "Lue sans compte", "## Présentation\n\nDeuxième version.\n"); err != nil || ans.Status != http.StatusOK {
		t.Fatalf("save: %v %d", err, ans.Status)
	}
	if writer == reader {
		if !strings.Contains(page(), "Deuxième version.") {
			t.Fatal("the read right after a save through the same server missed it")
		}
	} else {
		waitForPage("Deuxième version.")
	}

	file := t.TempDir() + "/fiche.md"
	md := "---\nslug: " + slug + "\n---\n# Lue sans compte\n\n## Présentation\n\nTroisième version, importée.\n"
	if err := os.WriteFile(file, []byte(md), 0o600); err != nil {
		t.Fatal(err)
	}
	d.run(t, "", "import", "--as", "admin", file)
	waitForPage("Troisième version, importée.")

	// The map's key is kept the same way: a new place shows on it.
	mapHas := func() bool {
		resp, err := http.Get(reader.base + "/map.geojson")
		if err != nil {
			t.Fatal(err)
		}
		b, err := readAndClose(resp)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Contains(string(b), `"slug":"`+slug+`"`)
	}
	if mapHas() {
		t.Fatal("the sheet is on the map before it has a place")
	}
	sh, err := admin.sheet(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	status, body, err := admin.do(ctx, http.MethodPut, "/api/v1/sheets/"+slug, true, map[string]any{"base": sh.Head, "title": "Lue sans compte",
		"body": sh.Body, "summary": "lieu", "meta": map[string]any{"place": map[string]any{"name": "Recouvrance", "lat": 48.383, "lon": -4.497}}})
	if err != nil || status != http.StatusOK {
		t.Fatalf("place: %d %s %v", status, body, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !mapHas() {
		if writer == reader || time.Now().After(deadline) {
			t.Fatal("the map does not show the new place")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// openEventStream opens the edit page's event stream of a sheet on one
// instance, with a session cookie; it closes when the test ends.
func openEventStream(t *testing.T, ctx context.Context, base, slug string, session *http.Cookie) *bufio.Reader {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/sheets/"+slug+"/events?editing=1", nil)
	req.AddCookie(session)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("event stream on %s: %v %v", base, err, resp)
	}
	t.Cleanup(func() { _ = resp.Body.Close() }) // the test is done reading: how the stream ends is no news
	return bufio.NewReader(resp.Body)
}

// nextSSE reads a stream up to its next event: its kind and data.
func nextSSE(r *bufio.Reader) (kind, data string, err error) {
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return "", "", err
		}
		if k, ok := strings.CutPrefix(strings.TrimSpace(line), "event: "); ok {
			data, err := r.ReadString('\n')
			return k, strings.TrimSpace(strings.TrimPrefix(data, "data: ")), err
		}
	}
}
