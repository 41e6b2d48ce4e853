// Package notify fills inboxes and, when an SMTP relay is configured, sends
// the same news by e-mail. Inbox rows are written in the caller's
// transaction; mail goes out only after it commits, so nobody is told about
// a vote that was rolled back.
package notify

import (
	"context"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/smtp"
	"net/url"
	"strings"
	"sync"
	"time"

	"atlas/internal/i18n"
	"atlas/internal/model"
	"atlas/internal/store"
)

// Mailer sends one plain-text message.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// Service fills inboxes and mails.
type Service struct {
	store   *store.Store
	mailer  Mailer
	baseURL string
	lang    string
	log     *slog.Logger
	wg      sync.WaitGroup
}

// New builds the service; a nil mailer keeps news in the inbox only.
func New(st *store.Store, mailer Mailer, baseURL, lang string, log *slog.Logger) *Service {
	return &Service{store: st, mailer: mailer, baseURL: strings.TrimRight(baseURL, "/"), lang: lang, log: log}
}

// Add writes notifications, skipping the actor (nobody is told about their
// own action) and duplicates. Call inside the transaction of the action.
func (s *Service) Add(ctx context.Context, list []model.Notification) ([]model.Notification, error) {
	seen := map[int64]bool{}
	var keep []model.Notification
	for _, n := range list {
		if seen[n.UserID] || (n.ActorID != nil && *n.ActorID == n.UserID) {
			continue
		}
		seen[n.UserID] = true
		keep = append(keep, n)
	}
	return keep, s.store.CreateNotifications(ctx, keep)
}

// Mail sends the notifications by e-mail in the background, after the
// action committed. Failures are logged: the inbox already has the news.
func (s *Service) Mail(list []model.Notification) {
	if s.mailer == nil || len(list) == 0 {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		for _, n := range list {
			if err := s.mailOne(ctx, n); err != nil {
				s.log.Warn("notification mail failed", "user_id", n.UserID, "kind", n.Kind, "error", err.Error())
			}
		}
	}()
}

// Wait blocks until queued mail is sent, for shutdown and tests.
func (s *Service) Wait() { s.wg.Wait() }

func (s *Service) mailOne(ctx context.Context, n model.Notification) error {
	u, err := s.store.UserByID(ctx, n.UserID)
	if err != nil || u.Disabled {
		return err
	}
	subject, body, err := s.Compose(ctx, s.lang, n)
	if err != nil {
		return err
	}
	return s.mailer.Send(ctx, u.Email, subject, body)
}

// Compose writes the subject and text of a notification in a language.
func (s *Service) Compose(ctx context.Context, lang string, n model.Notification) (string, string, error) {
	title, link := "", s.baseURL
	if n.SheetID != nil {
		sh, err := s.store.SheetByID(ctx, *n.SheetID)
		if err != nil {
			return "", "", err
		}
		title, link = sh.Title, s.baseURL+"/sheets/"+sh.Slug
		if n.ReviewID != nil {
			link = fmt.Sprintf("%s/reviews/%d", link, *n.ReviewID)
		}
	}
	actor := ""
	if n.ActorID != nil {
		if u, err := s.store.UserByID(ctx, *n.ActorID); err == nil {
			actor = u.Name()
		}
	}
	subject := i18n.T(lang, "notify."+n.Kind+".subject", title)
	body := i18n.T(lang, "notify."+n.Kind+".body", actor, title) + "\n\n" + link + "\n\n-- \n" + i18n.T(lang, "site.name") + "\n"
	return subject, body, nil
}

// SMTPMailer sends through a relay given as
// smtp://[user:password@]host:port?from=address.
type SMTPMailer struct {
	addr string
	from string
	auth smtp.Auth
}

// NewSMTPMailer parses the relay URL.
func NewSMTPMailer(raw string) (*SMTPMailer, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Host == "" {
		return nil, fmt.Errorf("notify: ATLAS_SMTP_URL must look like smtp://user:pass@host:587?from=atlas@example.org")
	}
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil {
		host, port = u.Host, "25"
	}
	m := &SMTPMailer{addr: net.JoinHostPort(host, port), from: u.Query().Get("from")}
	if m.from == "" {
		m.from = "atlas@" + host
	}
	if u.User != nil {
		pass, _ := u.User.Password()
		m.auth = smtp.PlainAuth("", u.User.Username(), pass, host)
	}
	return m, nil
}

// Send delivers one message; net/smtp upgrades to TLS when the relay
// offers it and refuses to send a password in clear to a remote host.
func (m *SMTPMailer) Send(_ context.Context, to, subject, body string) error {
	if strings.ContainsAny(to, "\r\n") || strings.ContainsAny(subject, "\r\n") {
		return fmt.Errorf("notify: header injection refused")
	}
	msg := "From: " + m.from + "\r\nTo: " + to + "\r\nSubject: " + mimeHeader(subject) +
		"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
		strings.ReplaceAll(body, "\n", "\r\n")
	return smtp.SendMail(m.addr, m.auth, m.from, []string{to}, []byte(msg))
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
