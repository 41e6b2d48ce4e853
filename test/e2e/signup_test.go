package e2e_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"atlas/internal/testutil"
)

// mailSink is a plain SMTP relay on the loopback that keeps every message
// it is given: the atlas's outbox sender delivers to it, and the test reads
// what left the atlas, as a person reads their mailbox.
type mailSink struct {
	ln   net.Listener
	mu   sync.Mutex
	mail []sunkMail
}

type sunkMail struct{ to, data string }

func startMailSink(t *testing.T) *mailSink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &mailSink{ln: ln}
	var wg sync.WaitGroup
	t.Cleanup(func() { _ = ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { s.serve(conn) })
		}
	})
	return s
}

// url is the ATLAS_SMTP_URL of the sink: no TLS, no password, on this host.
func (s *mailSink) url() string {
	return "smtp://" + s.ln.Addr().String() + "?from=atlas@example.org&starttls=off"
}

func (s *mailSink) serve(conn net.Conn) {
	defer func() { _ = conn.Close() }()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	r := bufio.NewReader(conn)
	say := func(line string) { _, _ = fmt.Fprintf(conn, "%s\r\n", line) }
	say("220 sink ESMTP")
	var to []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 sink")
		case strings.HasPrefix(cmd, "MAIL FROM"):
			to = nil
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO"):
			addr := strings.TrimSpace(line[len("RCPT TO:"):])
			to = append(to, strings.Trim(addr, "<> \r\n"))
			say("250 ok")
		case cmd == "DATA":
			say("354 go on")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" || l == ".\n" {
					break
				}
				data.WriteString(strings.TrimPrefix(l, "."))
			}
			s.mu.Lock()
			for _, a := range to {
				s.mail = append(s.mail, sunkMail{to: a, data: data.String()})
			}
			s.mu.Unlock()
			say("250 kept")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

// waitMail returns the first mail to an address whose text holds want,
// waiting for the atlas's sender.
func (s *mailSink) waitMail(t *testing.T, to, want string) string {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		s.mu.Lock()
		for _, m := range s.mail {
			if strings.EqualFold(m.to, to) && strings.Contains(m.data, want) {
				s.mu.Unlock()
				return m.data
			}
		}
		s.mu.Unlock()
	}
	t.Fatalf("no mail to %s holding %q arrived", to, want)
	return ""
}

// onEachDatabaseWith is onEachDatabase for a server started with extra
// settings (ATLAS_SIGNUP, ATLAS_SMTP_URL…).
func onEachDatabaseWith(t *testing.T, env func(t *testing.T) []string, journey func(t *testing.T, srv *server)) {
	needChromium(t)
	t.Run("sqlite", func(t *testing.T) { journey(t, startServer(t, env(t)...)) })
	t.Run("postgres", func(t *testing.T) {
		url := testutil.PostgresSchemaURL(t)
		journey(t, startServer(t, append(env(t), "ATLAS_DATABASE_URL="+url, "ATLAS_AUTO_MIGRATE=true")...))
	})
}

// fillSignup types a new account into the sign-up form as a person would.
func fillSignup(t *testing.T, b *browser, username, name string) {
	t.Helper()
	b.typeInto(t, "#username", username)
	b.typeInto(t, "#email", username+"@example.org")
	b.typeInto(t, "#display_name", name)
	b.typeInto(t, "#password", password)
}

// noWiderThan fails when the page scrolls sideways on a screen that wide.
func noWiderThan(t *testing.T, b *browser, width int64, what string) {
	t.Helper()
	if w := eval[int](t, b, "document.documentElement.scrollWidth"); w > int(width) {
		b.fatalf(t, "%s overflows a %d px screen: %d px wide", what, width, w)
	}
}

// TestOpenSignupInTheBrowser: with ATLAS_SIGNUP=open, the login page
// offers "Créer un compte"; a weak password is refused with what was typed
// kept; the account is then made and signed in at once. At 1280 and 375 px.
func TestOpenSignupInTheBrowser(t *testing.T) {
	onEachDatabaseWith(t, func(*testing.T) []string { return []string{"ATLAS_SIGNUP=open"} }, openSignupJourney)
}

func openSignupJourney(t *testing.T, srv *server) {
	shot := newShots(t)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	chromium := startChromium(t, ctx)
	srv.createUsers(t, map[string]string{"admin": "admin"}) // sign-up opens once an admin exists

	lou := newBrowser(t, chromium, srv, "lou")
	for _, width := range []int64{1280, 375} {
		lou.viewport(t, width)
		lou.open(t, "/login")
		if !lou.has(t, `a[href="/signup"]`) {
			lou.fatalf(t, "the login page does not offer sign-up:\n%s", lou.pageText(t))
		}
		resp := lou.submit(t, `a[href="/signup"]`)
		if resp.Status != http.StatusOK || lou.path(t) != "/signup" {
			lou.fatalf(t, "sign-up link: status %d at %s", resp.Status, lou.path(t))
		}
		noWiderThan(t, lou, width, "the sign-up form")
		shot.save(t, lou, "signup-open-form-"+strconv.FormatInt(width, 10))
	}
	lou.typeInto(t, "#username", "lou")
	lou.typeInto(t, "#email", "lou@example.org")
	lou.typeInto(t, "#display_name", "Lou Kerné")
	lou.typeInto(t, "#password", "azerty1234")
	if resp := lou.submit(t, `form[action="/signup"] button[type=submit]`); resp.Status != http.StatusUnprocessableEntity {
		lou.fatalf(t, "a common password: status %d", resp.Status)
	}
	if !lou.has(t, ".error-summary") || lou.value(t, "#username") != "lou" || lou.value(t, "#display_name") != "Lou Kerné" || lou.value(t, "#password") != "" {
		lou.fatalf(t, "the refused form does not say why or loses what was typed:\n%s", lou.pageText(t))
	}
	shot.save(t, lou, "signup-open-refused-375")
	lou.typeInto(t, "#password", password)
	resp := lou.submit(t, `form[action="/signup"] button[type=submit]`)
	if resp.Status != http.StatusOK || lou.path(t) != "/" || !lou.has(t, `form[action="/logout"]`) {
		lou.fatalf(t, "after an open sign-up: status %d at %s:\n%s", resp.Status, lou.path(t), lou.pageText(t))
	}
	wantFlash(t, lou, "Votre compte est créé")
	shot.save(t, lou, "signup-open-done-375")
}

// TestApprovalSignupAndForgottenPassword: with ATLAS_SIGNUP=approval and
// a mail relay, a person signs up and is told to wait; they cannot sign in
// yet; the admin is told (unread count, inbox, a mail) and accepts them on
// /admin/users, which counts the waiting account; the person then signs in.
// Later they forget their password: "Mot de passe oublié ?" sends a link
// (read from the relay), which sets a new password once. At 1280 and 375 px.
func TestApprovalSignupAndForgottenPassword(t *testing.T) {
	onEachDatabaseWith(t, func(t *testing.T) []string {
		sink := startMailSink(t)
		sinks.Store(t.Name(), sink)
		return []string{"ATLAS_SIGNUP=approval", "ATLAS_SMTP_URL=" + sink.url()}
	}, approvalSignupJourney)
}

// sinks hands each subtest's relay from its settings to its journey.
var sinks sync.Map

func approvalSignupJourney(t *testing.T, srv *server) {
	v, _ := sinks.Load(t.Name())
	sink := v.(*mailSink)
	shot := newShots(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*testTimeout)
	defer cancel()
	chromium := startChromium(t, ctx)
	srv.createUsers(t, map[string]string{"admin": "admin"})

	noe := newBrowser(t, chromium, srv, "noe")
	noe.viewport(t, 375)
	noe.open(t, "/signup")
	if text := noe.pageText(t); !strings.Contains(text, "l'acceptera avant votre première connexion") {
		noe.fatalf(t, "the sign-up form does not say an admin must accept:\n%s", text)
	}
	fillSignup(t, noe, "noe", "Noé Riou")
	if resp := noe.submit(t, `form[action="/signup"] button[type=submit]`); resp.Status != http.StatusCreated {
		noe.fatalf(t, "approval sign-up: status %d", resp.Status)
	}
	if text := noe.pageText(t); !strings.Contains(text, "Votre demande est enregistrée") {
		noe.fatalf(t, "no word that the account waits:\n%s", text)
	}
	noWiderThan(t, noe, 375, "the waiting page")
	shot.save(t, noe, "signup-approval-waiting-375")
	noe.open(t, "/login")
	noe.typeInto(t, "#username", "NOE@example.org")
	noe.typeInto(t, "#password", password)
	if resp := noe.submit(t, `form[action="/login"] button[type=submit]`); resp.Status != http.StatusForbidden {
		noe.fatalf(t, "a waiting account signing in: status %d", resp.Status)
	}
	shot.save(t, noe, "signup-approval-login-refused-375")

	// The admin is told: a mail, the unread count, the inbox, the page.
	mail := sink.waitMail(t, "admin@example.org", "noe")
	if !strings.Contains(mail, "/admin/users#pending") {
		t.Errorf("the admin's mail does not link the accounts page:\n%s", mail)
	}
	admin := newBrowser(t, chromium, srv, "admin")
	admin.login(t, "admin")
	if !admin.has(t, `a[href="/inbox"] .unread-count`) {
		admin.fatalf(t, "no unread count beside Notifications")
	}
	admin.open(t, "/inbox")
	resp := admin.submit(t, `.inbox a[href="/admin/users#pending"]`)
	if resp.Status != http.StatusOK || admin.path(t) != "/admin/users" {
		admin.fatalf(t, "the notification leads to %s (%d)", admin.path(t), resp.Status)
	}
	for _, width := range []int64{1280, 375} {
		admin.viewport(t, width)
		admin.open(t, "/admin/users")
		if text := admin.text(t, "#pending"); !strings.Contains(text, "1 inscription attend votre accord") || !strings.Contains(text, "noe") {
			admin.fatalf(t, "the accounts page does not count the waiting sign-up: %q", text)
		}
		noWiderThan(t, admin, width, "the accounts page with a waiting sign-up")
		shot.save(t, admin, "signup-approval-admin-"+strconv.FormatInt(width, 10))
	}
	resp = admin.submit(t, `form[action$="/approve"] button[type=submit]`)
	if resp.Status != http.StatusOK || admin.has(t, "#pending") {
		admin.fatalf(t, "after approving: status %d, still waiting: %v", resp.Status, admin.has(t, "#pending"))
	}
	noe.login(t, "noe")
	shot.save(t, noe, "signup-approval-signed-in-375")

	// "Mot de passe oublié ?": the same answer for anyone, a link by mail.
	forgets := newBrowser(t, chromium, srv, "noe-later")
	for _, width := range []int64{1280, 375} {
		forgets.viewport(t, width)
		forgets.open(t, "/login")
		resp := forgets.submit(t, `a[href="/forgot"]`)
		if resp.Status != http.StatusOK || forgets.path(t) != "/forgot" {
			forgets.fatalf(t, "forgotten-password link: %d at %s", resp.Status, forgets.path(t))
		}
		noWiderThan(t, forgets, width, "the forgotten-password form")
		shot.save(t, forgets, "forgot-form-"+strconv.FormatInt(width, 10))
	}
	forgets.typeInto(t, "#login", "personne@example.org")
	forgets.submit(t, `form[action="/forgot"] button[type=submit]`)
	unknown := forgets.pageText(t)
	forgets.open(t, "/forgot")
	forgets.typeInto(t, "#login", "Noe@Example.org")
	forgets.submit(t, `form[action="/forgot"] button[type=submit]`)
	if known := forgets.pageText(t); known != unknown || !strings.Contains(known, "Si un compte correspond") {
		forgets.fatalf(t, "known and unknown addresses answered apart:\n%s\n---\n%s", known, unknown)
	}
	shot.save(t, forgets, "forgot-sent-375")
	link := regexp.MustCompile(`/password/[A-Za-z0-9_-]{43}`).FindString(sink.waitMail(t, "noe@example.org", "/password/"))
	if link == "" {
		t.Fatal("no password link in the mail")
	}
	if st := forgets.open(t, link); st != http.StatusOK {
		forgets.fatalf(t, "mailed link: status %d", st)
	}
	shot.save(t, forgets, "forgot-link-375")
	forgets.typeInto(t, "#password", "retrouvé par courriel")
	resp = forgets.submit(t, `form[action^="/password/"] button[type=submit]`)
	if resp.Status != http.StatusOK || !forgets.has(t, `form[action="/logout"]`) {
		forgets.fatalf(t, "after the mailed link: status %d at %s:\n%s", resp.Status, forgets.path(t), forgets.pageText(t))
	}
	shot.save(t, forgets, "forgot-done-375")
	if st := newBrowser(t, chromium, srv, "stranger").open(t, link); st != http.StatusGone {
		t.Errorf("the mailed link used twice answers %d", st)
	}
}
