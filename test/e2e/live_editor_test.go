package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"atlas/internal/testutil"
)

// TestLiveCoWriting: three people, three browser contexts, one sheet's
// editor. They type at once, at the same place and at different places,
// while an API save of another paragraph lands; everyone ends on the same
// text holding every keystroke. "Enregistrer une version" makes one
// revision crediting the three; the server is killed mid-session and
// restarted, what was typed meanwhile still arrives, and the reopened
// editors show the shared text. On SQLite with one server, and on
// PostgreSQL with two servers on one database (one person on the other).
func TestLiveCoWriting(t *testing.T) {
	needChromium(t)
	needEditorBundle(t)
	t.Run("sqlite", func(t *testing.T) {
		srv := startServer(t)
		liveJourney(t, srv, nil)
	})
	t.Run("postgres", func(t *testing.T) {
		url := testutil.PostgresSchemaURL(t)
		a := startServer(t, "ATLAS_DATABASE_URL="+url, "ATLAS_AUTO_MIGRATE=true")
		b := startServer(t, "ATLAS_DATABASE_URL="+url)
		liveJourney(t, a, b)
	})
}

// joined waits until the page's editor has joined the session with n
// people in it.
func joined(t *testing.T, b *browser, n int) {
	t.Helper()
	waitFor(t, b, fmt.Sprintf("%d people in the live editor", n),
		fmt.Sprintf(`document.querySelectorAll('#live-editor [data-live-people] li').length === %d && !!document.querySelector('input[name=live_session]')`, n), 20*time.Second)
}

// sameText waits until every browser's editor shows the same text, and
// returns it.
func sameText(t *testing.T, people []*browser, within time.Duration) string {
	t.Helper()
	return sameTextHaving(t, people, within, "")
}

// sameTextHaving is sameText that also waits for the text to hold needle:
// editors may agree on a text before a version saved outside the session
// is merged into it (its news travels through the change feed and the
// leader's merge).
func sameTextHaving(t *testing.T, people []*browser, within time.Duration, needle string) string {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		texts := make([]string, len(people))
		for i, b := range people {
			texts[i] = editorText(t, b)
		}
		same := true
		for _, x := range texts[1:] {
			same = same && x == texts[0]
		}
		if same && strings.Contains(texts[0], needle) {
			return texts[0]
		}
		if time.Now().After(deadline) {
			if same {
				t.Fatalf("the editors agree on a text without %q within %v:\n%s", needle, within, texts[0])
			}
			for i, b := range people {
				t.Logf("%s: %q", b.name, texts[i])
			}
			t.Fatalf("the editors did not converge within %v", within)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// restart kills a server and starts it again on the same address and
// data (the same database); the browsers' server values stay valid.
func restart(t *testing.T, srv *server) {
	t.Helper()
	srv.kill()
	var extra []string
	for _, kv := range srv.env {
		if strings.HasPrefix(kv, "ATLAS_DATA_DIR=") || strings.HasPrefix(kv, "ATLAS_DATABASE_URL=") {
			extra = append(extra, kv)
		}
	}
	extra = append(extra, "ATLAS_ADDR="+strings.TrimPrefix(srv.url, "http://"))
	startServer(t, extra...)
}

func liveJourney(t *testing.T, srv, other *server) {
	srv.createUsers(t, map[string]string{"anne": "contributor", "bruno": "contributor", "chloe": "contributor"})
	token := srv.run(t, "", "token", "create", "--username", "anne")
	body := "Premier paragraphe sur le four.\n\nDeuxième paragraphe : on cuit le samedi.\n\nTroisième paragraphe, les horaires.\n\nQuatrième paragraphe, écrit par l'API.\n"
	created := srv.api(t, token, http.MethodPost, "/sheets", map[string]any{"title": "Four à pain du Guelmeur", "body": body, "summary": "création"}, http.StatusCreated)
	slug := created["slug"].(string)
	editPath := "/sheets/" + slug + "/edit"

	shot := newShots(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*testTimeout)
	defer cancel()
	chromium := startChromium(t, ctx)
	anne := newBrowser(t, chromium, srv, "anne")
	bruno := newBrowser(t, chromium, srv, "bruno")
	third := srv
	if other != nil {
		third = other // on another instance of the same database
	}
	chloe := newBrowser(t, chromium, third, "chloe")
	people := []*browser{anne, bruno, chloe}
	for _, b := range people {
		b.recordCSP(t)
		b.acceptLeaving(t)
		b.login(t, b.name)
		b.open(t, editPath)
		b.waitFor(t, ".atlas-cm .cm-content")
	}
	for _, b := range people {
		joined(t, b, 3)
	}
	if got := sameText(t, people, 10*time.Second); got != body {
		t.Fatalf("joined text %q, want the sheet's %q", got, body)
	}

	// Everyone at once: at the same place (after "samedi"), and each at a
	// place of their own, keystroke by keystroke, interleaved.
	type spot struct {
		needle string
		off    int
	}
	places := map[string][]spot{
		"anne":  {{"samedi", len("samedi")}, {"Premier", 0}},
		"bruno": {{"samedi", len("samedi")}, {"les horaires", len("les horaires")}},
		"chloe": {{"samedi", len("samedi")}, {"Deuxième", 0}},
	}
	var words []string
	var wg sync.WaitGroup
	for _, b := range people {
		for round := range places[b.name] {
			words = append(words, fmt.Sprintf("«%s%d»", b.name, round))
		}
		wg.Go(func() {
			for round, p := range places[b.name] {
				caretAt(t, b, p.needle, p.off, 0)
				for _, r := range fmt.Sprintf("«%s%d»", b.name, round) {
					b.keys(t, string(r))
				}
			}
		})
	}
	// Meanwhile the API saves a change to the fourth paragraph.
	time.Sleep(300 * time.Millisecond)
	srv.api(t, token, http.MethodPatch, "/sheets/"+slug, map[string]any{"base": 1, "body": strings.Replace(body, "écrit par l'API", "réécrit par l'API", 1), "summary": "par l'API"}, http.StatusOK)
	wg.Wait()
	text := sameTextHaving(t, people, 20*time.Second, "réécrit par l'API")
	for _, w := range words {
		if strings.Count(text, w) != 1 {
			t.Errorf("%q appears %d times in the shared text:\n%s", w, strings.Count(text, w), text)
		}
	}
	if !strings.Contains(text, "réécrit par l'API") || strings.Count(text, "paragraphe") != 4 {
		t.Errorf("the API's change is not in the shared text once:\n%s", text)
	}
	for _, b := range people {
		// The base moves once the leader's merge is acknowledged.
		got := b.value(t, "input[name=base]")
		for wait := time.Now().Add(5 * time.Second); got != "2" && time.Now().Before(wait); got = b.value(t, "input[name=base]") {
			time.Sleep(100 * time.Millisecond)
		}
		if got != "2" {
			t.Errorf("%s: the form's base is %s after the API's revision 2 was merged", b.name, got)
		}
	}
	for _, w := range []int64{1280, 375} {
		bruno.viewport(t, w)
		shot.save(t, bruno, fmt.Sprintf("live-01-three-writers-%d", w))
	}
	bruno.viewport(t, 1280)

	// Authorship marks: runs titled with their author's name.
	bruno.click(t, "#live-authors")
	waitFor(t, bruno, "authorship marks", `document.querySelectorAll('.cm-live-author[title]').length > 0`, 5*time.Second)
	titles := eval[string](t, bruno, `[...new Set([...document.querySelectorAll('.cm-live-author')].map(e => e.title))].sort().join('|')`)
	for _, name := range []string{"anne", "bruno", "chloe"} {
		if !strings.Contains(titles, name) {
			t.Errorf("no authorship mark titled with %s: %q", name, titles)
		}
	}
	if legend := bruno.text(t, "#live-editor [data-live-legend]"); !strings.Contains(legend, "anne") || !strings.Contains(legend, "chloe") {
		t.Errorf("the legend: %q", legend)
	}
	shot.save(t, bruno, "live-02-authors-1280")
	bruno.viewport(t, 375)
	shot.save(t, bruno, "live-03-authors-375")
	bruno.viewport(t, 1280)

	// One version, crediting the three; the editor stays.
	anne.typeInto(t, "#summary", "écrit à trois")
	anne.click(t, "button[data-live-save]")
	waitFor(t, anne, "the saved version", `!!document.querySelector('[data-live-saved] a')`, 15*time.Second)
	if got := anne.text(t, "[data-live-saved]"); !strings.Contains(got, "Version 3 enregistrée") {
		t.Errorf("after saving a version: %q", got)
	}
	if !strings.HasSuffix(anne.path(t), "/edit") {
		t.Errorf("saving a version left the editor for %s", anne.path(t))
	}
	revs, _ := srv.api(t, token, http.MethodGet, "/sheets/"+slug+"/revisions", nil, http.StatusOK)["revisions"].([]any)
	if len(revs) != 3 {
		t.Fatalf("%d revisions, want 3", len(revs))
	}
	latest := revs[0].(map[string]any)
	var credited []string
	if a, ok := latest["author"].(map[string]any); ok {
		credited = append(credited, fmt.Sprint(a["username"]))
	} else {
		credited = append(credited, fmt.Sprint(latest["author"]))
	}
	co, _ := latest["coauthors"].([]any)
	for _, c := range co {
		credited = append(credited, fmt.Sprint(c))
	}
	slices.Sort(credited)
	credited = slices.Compact(credited)
	if strings.Join(credited, ",") != "anne,bruno,chloe" {
		t.Errorf("revision 3 credits %v (revision %v), want anne, bruno and chloe", credited, latest)
	}
	saved := srv.api(t, token, http.MethodGet, "/sheets/"+slug, nil, http.StatusOK)
	if got, _ := saved["body"].(string); got != text {
		t.Errorf("saved body %q, want the shared text %q", got, text)
	}
	for _, b := range people {
		waitFor(t, b, "base 3", `document.querySelector('input[name=base]').value === '3'`, 10*time.Second)
	}

	// The server dies mid-session; typing goes on; it comes back.
	caretAt(t, chloe, "", 0, 0)
	chloe.keys(t, "\nAvant la panne.")
	sameText(t, people, 10*time.Second)
	time.Sleep(1500 * time.Millisecond) // the leader's snapshot
	restart(t, srv)
	if other != nil {
		restart(t, other)
	}
	caretAt(t, bruno, "", 0, 0)
	bruno.keys(t, "\nPendant la panne.")
	for _, b := range people {
		joined(t, b, 3)
	}
	text = sameText(t, people, 20*time.Second)
	if !strings.HasSuffix(text, "\nAvant la panne.\nPendant la panne.") {
		t.Errorf("after the restart the shared text ends %q", text[max(0, len(text)-60):])
	}
	shot.save(t, chloe, "live-04-after-restart-1280")

	// Reopened, the editors show the shared text.
	for _, b := range people {
		b.open(t, editPath)
		b.waitFor(t, ".atlas-cm .cm-content")
	}
	for _, b := range people {
		joined(t, b, 3)
	}
	if got := sameText(t, people, 10*time.Second); got != text {
		t.Errorf("reopened: %q, want %q", got, text)
	}
	for _, b := range people {
		b.noCSPViolation(t, b.name+"'s live editor")
	}
}
