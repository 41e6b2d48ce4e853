// Package notify fills inboxes and, when an SMTP relay is configured, sends
// the same news by e-mail. Inbox rows and their mail are written in the
// caller's transaction, the mail to an outbox table that a sender loop
// empties: nobody is told about a vote that was rolled back, and a mail
// acknowledged once survives a restart and a relay that is down.
package notify

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"atlas/internal/i18n"
	"atlas/internal/model"
	"atlas/internal/store"
)

// Mailer sends one plain-text message. An error marked Permanent (or a
// 5xx reply) is not retried; any other is, with backoff.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// Service fills inboxes and queues their mail in the outbox; Run sends it.
type Service struct {
	store   *store.Store
	mailer  Mailer
	baseURL string
	lang    string
	log     *slog.Logger
	opts    SenderOptions
	wake    chan struct{}
	now     func() time.Time
	links   PasswordLinks
}

// New builds the service; a nil mailer keeps news in the inbox only (and
// queues no mail).
func New(st *store.Store, mailer Mailer, baseURL, lang string, log *slog.Logger) *Service {
	return &Service{store: st, mailer: mailer, baseURL: strings.TrimRight(baseURL, "/"), lang: lang, log: log,
		opts: SenderOptions{}.withDefaults(), wake: make(chan struct{}, 1), now: func() time.Time { return time.Now().UTC() }}
}

// Add writes notifications, skipping the actor (nobody is told about their
// own action) and duplicates, and queues their mail in the same
// transaction: a mail exists exactly when its notification committed. Call
// inside the transaction of the action.
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
	err := s.store.WithTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateNotifications(ctx, keep); err != nil || s.mailer == nil {
			return err
		}
		ids := make([]int64, len(keep))
		for i, n := range keep {
			ids[i] = n.ID
		}
		return s.store.EnqueueMail(ctx, ids, s.now())
	})
	return keep, err
}

// Mail wakes the sender once the action committed: the mail of these
// notifications is already in the outbox, and waits there if no sender
// runs (a command line import, say) until the next start.
func (s *Service) Mail(list []model.Notification) {
	if s.mailer == nil || len(list) == 0 {
		return
	}
	select {
	case s.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// SignupPending tells every active admin, in their inbox and by mail when
// a relay is set, that a self-registered account waits for their yes or
// no. Call inside the sign-up's transaction; the returned func wakes the
// sender once it committed.
func (s *Service) SignupPending(ctx context.Context, waiting *model.User) (func(), error) {
	admins, err := s.store.ActiveAdminIDs(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	list := make([]model.Notification, 0, len(admins))
	for _, id := range admins {
		list = append(list, model.Notification{UserID: id, Kind: model.NotifySignupPending, ActorID: &waiting.ID, CreatedAt: now})
	}
	queued, err := s.Add(ctx, list)
	if err != nil {
		return nil, err
	}
	return func() { s.Mail(queued) }, nil
}

// Compose writes the subject and text of a notification in a language.
func (s *Service) Compose(ctx context.Context, lang string, n model.Notification) (string, string, error) {
	var sh *model.Sheet
	if n.SheetID != nil {
		var err error
		if sh, err = s.store.SheetByID(ctx, *n.SheetID); err != nil {
			return "", "", err
		}
	}
	var actor *model.User
	if n.ActorID != nil {
		if u, err := s.store.UserByID(ctx, *n.ActorID); err == nil {
			actor = u
		}
	}
	subject, body := s.Words(lang, n, sh, actor)
	return subject, body, nil
}

// Words are a notification's subject and body in lang, given its sheet
// (nil when it names none) and its actor (nil when it names none or the
// account is gone), read by the caller: the inbox reads those of a whole
// page at once.
func (s *Service) Words(lang string, n model.Notification, sh *model.Sheet, actor *model.User) (subject, body string) {
	title, link := "", s.baseURL
	if sh != nil {
		title, link = sh.Title, s.baseURL+"/sheets/"+sh.Slug
		switch {
		case n.ReviewID != nil:
			link = fmt.Sprintf("%s/reviews/%d", link, *n.ReviewID)
		case n.Kind == model.NotifyImported:
			// Several versions came in at once: their list, each with
			// its changes.
			link += "/history"
		}
	}
	name := ""
	if actor != nil {
		name = actor.Name()
		if n.Kind == model.NotifySignupPending {
			// No sheet: the subject names the account, the link is
			// where admins say yes or no.
			title, link = actor.Username, s.baseURL+"/admin/users#pending"
		}
	}
	subject = i18n.T(lang, "notify."+n.Kind+".subject", title)
	body = i18n.T(lang, "notify."+n.Kind+".body", name, title) + "\n\n" + link + "\n\n-- \n" + i18n.T(lang, "site.name") + "\n"
	return subject, body
}
