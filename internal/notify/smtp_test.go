package notify_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"atlas/internal/notify"
)

func mailerFor(t *testing.T, raw string) *notify.SMTPMailer {
	t.Helper()
	m, err := notify.NewSMTPMailer(raw)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func sendOne(m *notify.SMTPMailer) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return m.Send(ctx, "yann@example.org", "Grainothèque", "Bonjour\n")
}

func TestImplicitTLSWithAuth(t *testing.T) {
	pool, cert := testCA(t)
	relay := startRelay(t, relayImplicit, cert)
	m := mailerFor(t, "smtps://atlas:s3cret@"+relay.addr+"?from=atlas@example.org").WithRootCAs(pool)
	if err := sendOne(m); err != nil {
		t.Fatal(err)
	}
	got := relay.received()
	if len(got) != 1 || !got[0].tls || got[0].auth != "atlas:s3cret" || got[0].rcpt != "yann@example.org" {
		t.Fatalf("relay received %+v", got)
	}
}

func TestStartTLSWithAuth(t *testing.T) {
	pool, cert := testCA(t)
	relay := startRelay(t, relayStartTLS, cert)
	for _, query := range []string{"", "&starttls=required"} {
		m := mailerFor(t, "smtp://atlas:s3cret@"+relay.addr+"?from=atlas@example.org"+query).WithRootCAs(pool)
		if err := sendOne(m); err != nil {
			t.Fatalf("%q: %v", query, err)
		}
	}
	got := relay.received()
	if len(got) != 2 || !got[0].tls || !got[1].tls || got[0].auth != "atlas:s3cret" {
		t.Fatalf("relay received %+v", got)
	}
}

func TestCertificatesAreVerified(t *testing.T) {
	_, cert := testCA(t) // the relay's CA is not trusted: the system's roots are used
	for _, mode := range []string{relayImplicit, relayStartTLS} {
		relay := startRelay(t, mode, cert)
		scheme := map[string]string{relayImplicit: "smtps", relayStartTLS: "smtp"}[mode]
		err := sendOne(mailerFor(t, scheme+"://atlas:s3cret@"+relay.addr))
		if err == nil || !strings.Contains(err.Error(), "certificate") {
			t.Errorf("%s: an untrusted certificate gave %v", mode, err)
		}
		if len(relay.received()) != 0 || relay.authSeen() {
			t.Errorf("%s: something went through an unverified connection", mode)
		}
	}
}

func TestPlainTextIsRefusedWhenAsked(t *testing.T) {
	relay := startRelay(t, relayPlain, notTLS)
	err := sendOne(mailerFor(t, "smtp://"+relay.addr+"?starttls=required"))
	if err == nil || !notify.IsPermanent(err) {
		t.Errorf("starttls=required on a plain relay gave %v, want a permanent refusal", err)
	}
	// A password never goes out in clear, whatever the policy.
	err = sendOne(mailerFor(t, "smtp://atlas:s3cret@"+relay.addr))
	if err == nil || !notify.IsPermanent(err) {
		t.Errorf("a password over plain text gave %v", err)
	}
	if len(relay.received()) != 0 || relay.authSeen() {
		t.Errorf("the plain relay got %+v (auth seen %v)", relay.received(), relay.authSeen())
	}
	// Without a password and with the default policy, plain text is allowed.
	if err := sendOne(mailerFor(t, "smtp://"+relay.addr)); err != nil || len(relay.received()) != 1 {
		t.Errorf("plain relay without password: %v, %d mails", err, len(relay.received()))
	}
}

func TestASilentRelayIsBoundedByTheDeadline(t *testing.T) {
	relay := startRelay(t, relaySilent, notTLS)
	for _, raw := range []string{"smtp://" + relay.addr, "smtps://" + relay.addr} {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		start := time.Now()
		err := mailerFor(t, raw).Send(ctx, "yann@example.org", "s", "b")
		cancel()
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("%s: Send took %s", raw, took)
		}
		if !errors.Is(err, context.DeadlineExceeded) || notify.IsPermanent(err) {
			t.Errorf("%s: got %v, want a temporary deadline error", raw, err)
		}
	}
	// Canceling (a shutdown) interrupts a send at once.
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	err := mailerFor(t, "smtp://"+relay.addr).Send(ctx, "yann@example.org", "s", "b")
	if took := time.Since(start); took > 2*time.Second || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled send: %v after %s", err, took)
	}
}

func TestSMTPURLIsChecked(t *testing.T) {
	for _, bad := range []string{"http://x", "smtp://", "pas une url", "smtp://h?starttls=maybe", "smtps://h?starttls=off"} {
		if _, err := notify.NewSMTPMailer(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	m, err := notify.NewSMTPMailer("smtp://u:p@mail.example.org:587")
	if err != nil || m == nil {
		t.Fatalf("valid URL refused: %v", err)
	}
	if err := m.Send(context.Background(), "a@example.org\r\nBcc: b@example.org", "s", "b"); err == nil || !notify.IsPermanent(err) {
		t.Errorf("header injection: %v", err)
	}
}
