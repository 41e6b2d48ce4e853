package notify

import (
	"context"
	"errors"
	"time"

	"atlas/internal/i18n"
	"atlas/internal/model"
)

// PasswordLinks makes a new password link for an account, returning its
// path (/password/…) and when it stops working. The auth service does it;
// the app wires it in, so this package knows nothing of tokens.
type PasswordLinks func(ctx context.Context, u *model.User) (path string, expires time.Time, err error)

// WithPasswordLinks sets how the sender makes the links it mails.
func (s *Service) WithPasswordLinks(f PasswordLinks) *Service {
	s.links = f
	return s
}

// CanMail says whether mail goes out at all (ATLAS_SMTP_URL is set).
func (s *Service) CanMail() bool { return s.mailer != nil && s.links != nil }

// QueuePasswordMail queues a mail with a new password link for an account
// and wakes the sender. The link is made when the mail is sent: the
// outbox never holds a usable token.
func (s *Service) QueuePasswordMail(ctx context.Context, userID int64) error {
	if !s.CanMail() {
		return errors.New("notify: no mail relay")
	}
	if err := s.store.EnqueuePasswordMail(ctx, userID, s.now()); err != nil {
		return err
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
	return nil
}

// mailPasswordLink makes the link and sends it to the account's address.
// A retry makes a new link, which ends the one of a mail that may have
// left after all: only the newest mail's link works.
func (s *Service) mailPasswordLink(ctx context.Context, m *model.OutboxMail) error {
	if m.UserID == nil || s.links == nil {
		return Permanent(errors.New("password mail without its account"))
	}
	u, err := s.store.UserByID(ctx, *m.UserID)
	if err != nil {
		return err
	}
	if u.Disabled {
		return errRecipientGone
	}
	path, expires, err := s.links(ctx, u)
	if err != nil {
		return err
	}
	subject := i18n.T(s.lang, "mail.password_subject")
	body := i18n.T(s.lang, "mail.password_body", u.Username, s.baseURL+path, i18n.DateTime(s.lang, expires))
	return s.mailer.Send(ctx, u.Email, subject, body)
}
