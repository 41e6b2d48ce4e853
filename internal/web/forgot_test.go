package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"atlas/internal/app/apptest"
	"atlas/internal/db"
	"atlas/internal/i18n"
	"atlas/internal/testutil"
	"atlas/internal/web"
)

// inboxMailer keeps the mail it is given.
type inboxMailer struct {
	mu   sync.Mutex
	sent []sentMail
}

type sentMail struct{ to, subject, body string }

func (m *inboxMailer) Send(_ context.Context, to, subject, body string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, sentMail{to, subject, body})
	return nil
}

func (m *inboxMailer) mails() []sentMail {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]sentMail(nil), m.sent...)
}

// TestForgotPassword: with a mail relay, the login page offers "Mot de
// passe oublié ?"; the answer is the same for a known and an unknown
// address; the known one gets a link that sets the password once; an
// account gets few mails and an address few tries. Without a relay, the
// page does not exist.
func TestForgotPassword(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		plain := newTestAtlas(t, d)
		if r := plain.browser().get("/login"); strings.Contains(string(r.body), `href="/forgot"`) {
			t.Errorf("the login page offers a mail without a relay")
		}
		if r := plain.browser().get("/forgot"); r.status != http.StatusNotFound {
			t.Errorf("GET /forgot without a relay: %d", r.status)
		}

		mailer := &inboxMailer{}
		atlas := apptest.New(t, d, apptest.WithMailer(mailer))
		app, err := web.New(atlas.WebDeps())
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go atlas.Notify.Run(ctx)
		a := &testAtlas{t: t, app: app, store: atlas.Store, auth: atlas.Auth, tokens: map[string]string{}}
		marie := plain.marie // the same database

		b := a.browser()
		if r := b.get("/login"); !strings.Contains(string(r.body), `href="/forgot"`) {
			t.Fatalf("no forgotten-password link on the login page")
		}
		csrf := b.csrf("/forgot")
		ask := func(login string) response {
			return b.post("/forgot", url.Values{"_csrf": {csrf}, "login": {login}})
		}
		known, unknown := ask("MARIE@example.org"), ask("personne@example.org")
		if known.status != http.StatusOK || unknown.status != known.status || string(known.body) != string(unknown.body) {
			t.Errorf("known and unknown addresses are told apart: %d, %d", known.status, unknown.status)
		}
		if !strings.Contains(string(known.body), html.EscapeString(i18n.T("fr", "forgot.sent"))) {
			t.Errorf("the answer does not say a mail may have left")
		}
		var mail sentMail
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			if got := mailer.mails(); len(got) > 0 {
				mail = got[0]
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("no mail sent")
			}
		}
		if mail.to != marie.Email {
			t.Errorf("mail to %q", mail.to)
		}
		link := regexp.MustCompile(`/password/[A-Za-z0-9_-]{43}`).FindString(mail.body)
		if link == "" {
			t.Fatalf("no link in the mail:\n%s", mail.body)
		}
		person := a.browser()
		pcsrf := person.csrf(link)
		if r := person.post(link, url.Values{"_csrf": {pcsrf}, "password": {"retrouvé par courriel"}}); r.status != http.StatusSeeOther {
			t.Fatalf("use the mailed link: %d", r.status)
		}
		if r := a.browser().get(link); r.status != http.StatusGone {
			t.Errorf("mailed link used twice: %d", r.status)
		}

		// Limits: marie got one mail; one more passes, then hers stop
		// silently; the asking address is stopped after five requests.
		for _, login := range []string{"marie", "marie", "marie"} {
			if r := ask(login); r.status != http.StatusOK {
				t.Fatalf("ask %s: %d", login, r.status)
			}
		}
		if r := ask("marie"); r.status != http.StatusTooManyRequests {
			t.Errorf("sixth request from one address: %d", r.status)
		}
		time.Sleep(300 * time.Millisecond) // let the sender drain
		if n := len(mailer.mails()); n != 2 {
			t.Errorf("%d mails for marie, want 2", n)
		}
	})
}
