package notify

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/smtp"
	"net/textproto"
	"net/url"
	"os"
	"strings"
	"time"
)

// STARTTLS policies of an smtp:// relay, from its starttls parameter.
const (
	StartTLSAuto     = "auto"     // upgrade when the relay offers it (default)
	StartTLSRequired = "required" // refuse to send in plain text
	StartTLSOff      = "off"      // never upgrade: a relay on the same host
)

// DefaultSendTimeout bounds one mail (dial, TLS, every SMTP step) when the
// caller's context has no deadline of its own.
const DefaultSendTimeout = 30 * time.Second

// SMTPMailer sends through a relay given as
// smtps://[user:password@]host[:465]?from=address (TLS from the first byte)
// or smtp://[user:password@]host[:25]?from=address&starttls=auto|required|off
// (upgraded with STARTTLS). Certificates are always verified; a password is
// only ever sent over TLS.
type SMTPMailer struct {
	host        string
	addr        string
	from        string
	implicitTLS bool
	startTLS    string
	user        string
	password    string
	roots       *x509.CertPool // nil: the system's
}

var errBadURL = errors.New("notify: ATLAS_SMTP_URL must look like smtps://user:pass@host:465?from=atlas@example.org or smtp://host:587?from=atlas@example.org&starttls=required")

// NewSMTPMailer parses the relay URL.
func NewSMTPMailer(raw string) (*SMTPMailer, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Host == "" {
		return nil, errBadURL
	}
	q := u.Query()
	m := &SMTPMailer{host: u.Hostname(), from: q.Get("from"), implicitTLS: u.Scheme == "smtps", startTLS: q.Get("starttls")}
	port := u.Port()
	switch {
	case port != "":
	case m.implicitTLS:
		port = "465"
	default:
		port = "25"
	}
	m.addr = net.JoinHostPort(m.host, port)
	switch m.startTLS {
	case "":
		m.startTLS = StartTLSAuto
	case StartTLSAuto, StartTLSRequired, StartTLSOff:
	default:
		return nil, fmt.Errorf("notify: ATLAS_SMTP_URL: starttls must be auto, required or off, not %q", m.startTLS)
	}
	if m.implicitTLS && m.startTLS == StartTLSOff {
		return nil, fmt.Errorf("notify: ATLAS_SMTP_URL: smtps:// is TLS from the start, starttls=off contradicts it")
	}
	if m.from == "" {
		m.from = "atlas@" + m.host
	}
	if u.User != nil {
		m.user = u.User.Username()
		m.password, _ = u.User.Password()
	}
	return m, nil
}

// WithRootCAs trusts these authorities instead of the system's, for a relay
// with a private CA (and tests).
func (m *SMTPMailer) WithRootCAs(pool *x509.CertPool) *SMTPMailer {
	m.roots = pool
	return m
}

// Send delivers one message. Every step, from the dial to QUIT, ends at the
// context's deadline (DefaultSendTimeout when it has none), and at once
// when the context is canceled.
func (m *SMTPMailer) Send(ctx context.Context, to, subject, body string) error {
	if strings.ContainsAny(to, "\r\n") || strings.ContainsAny(subject, "\r\n") {
		return Permanent(fmt.Errorf("notify: header injection refused"))
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultSendTimeout)
		defer cancel()
	}
	conn, err := m.dial(ctx)
	if err != nil {
		return fmt.Errorf("notify: connect to %s: %w", m.addr, err)
	}
	defer func() { _ = conn.Close() }()
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	// A canceled context (shutdown) interrupts a read or write in flight.
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if err := m.converse(conn, to, m.message(to, subject, body)); err != nil {
		// The connection's deadline is the context's, and may fire a hair
		// before the context says so.
		if ctx.Err() != nil || errors.Is(err, os.ErrDeadlineExceeded) {
			return fmt.Errorf("notify: smtp %s: %w (%v)", m.addr, cmp.Or(ctx.Err(), context.DeadlineExceeded), err)
		}
		return fmt.Errorf("notify: smtp %s: %w", m.addr, err)
	}
	return nil
}

func (m *SMTPMailer) dial(ctx context.Context) (net.Conn, error) {
	d := &net.Dialer{}
	if m.implicitTLS {
		return (&tls.Dialer{NetDialer: d, Config: m.tlsConfig()}).DialContext(ctx, "tcp", m.addr)
	}
	return d.DialContext(ctx, "tcp", m.addr)
}

func (m *SMTPMailer) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: m.host, RootCAs: m.roots, MinVersion: tls.VersionTLS12}
}

// converse speaks SMTP over an open connection: greeting, EHLO, STARTTLS
// by policy, AUTH PLAIN over TLS only, then the envelope and the message.
func (m *SMTPMailer) converse(conn net.Conn, to string, msg []byte) error {
	c, err := smtp.NewClient(conn, m.host)
	if err != nil {
		return err
	}
	defer func() { _ = c.Close() }()
	secure := m.implicitTLS
	if !secure && m.startTLS != StartTLSOff {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(m.tlsConfig()); err != nil {
				return fmt.Errorf("starttls: %w", err)
			}
			secure = true
		} else if m.startTLS == StartTLSRequired {
			return Permanent(errors.New("the relay does not offer STARTTLS and starttls=required"))
		}
	}
	if m.user != "" {
		if !secure {
			return Permanent(errors.New("refusing to send the relay password without TLS"))
		}
		if err := c.Auth(smtp.PlainAuth("", m.user, m.password, m.host)); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	if err := c.Mail(m.from); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

func (m *SMTPMailer) message(to, subject, body string) []byte {
	return []byte("From: " + m.from + "\r\nTo: " + to + "\r\nSubject: " + mimeHeader(subject) +
		"\r\nDate: " + time.Now().Format(time.RFC1123Z) +
		"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
		strings.ReplaceAll(body, "\n", "\r\n"))
}

// mimeHeader encodes a UTF-8 subject as RFC 2047 words.
func mimeHeader(s string) string {
	for _, r := range s {
		if r > 127 {
			return mime.QEncoding.Encode("utf-8", s)
		}
	}
	return s
}

// permanentError is a failure that trying again cannot mend.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks an error as not worth a retry; a Mailer uses it for a
// refusal that will not change (a bad address, a TLS policy).
func Permanent(err error) error { return permanentError{err} }

// IsPermanent tells whether a send failed for good: marked Permanent, or a
// 5xx reply of the relay. Network errors, timeouts and 4xx are temporary.
func IsPermanent(err error) bool {
	var p permanentError
	if errors.As(err, &p) {
		return true
	}
	var reply *textproto.Error
	return errors.As(err, &reply) && reply.Code >= 500
}
