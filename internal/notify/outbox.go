package notify

import (
	"context"
	"errors"
	"time"

	"atlas/internal/model"
	"atlas/internal/store"
)

// SenderOptions tunes the outbox sender; zero fields take the defaults.
type SenderOptions struct {
	Poll        time.Duration // how often the outbox is read when nothing wakes the sender (10 s)
	SendTimeout time.Duration // deadline of one mail, dial to QUIT (30 s)
	Backoff     time.Duration // wait before the first retry, doubled at each one (1 min)
	MaxBackoff  time.Duration // longest wait between retries (1 h)
	MaxAttempts int           // attempts before a mail is given up (8, about 4 h)
	Batch       int           // rows read at once (20)
}

func (o SenderOptions) withDefaults() SenderOptions {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.Poll, 10*time.Second)
	def(&o.SendTimeout, DefaultSendTimeout)
	def(&o.Backoff, time.Minute)
	def(&o.MaxBackoff, time.Hour)
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.Batch <= 0 {
		o.Batch = 20
	}
	return o
}

// WithSender sets the sender's options.
func (s *Service) WithSender(o SenderOptions) *Service {
	s.opts = o.withDefaults()
	return s
}

// settleTimeout bounds writing an attempt's outcome, which is done even
// while stopping so that a sent mail is not sent again.
const settleTimeout = 5 * time.Second

// errRecipientGone is a mail whose recipient was disabled meanwhile.
var errRecipientGone = Permanent(errors.New("recipient account disabled"))

// Run sends the outbox until ctx ends: at once, when Mail wakes it, and
// every Poll for retries and for mail queued by other processes. It
// returns promptly when ctx ends (a mail in flight is interrupted and stays
// in the outbox); with no mailer it returns at once.
func (s *Service) Run(ctx context.Context) {
	if s.mailer == nil {
		return
	}
	tick := time.NewTicker(s.opts.Poll)
	defer tick.Stop()
	for {
		s.sendDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-tick.C:
		}
	}
}

// sendDue sends every due mail, batch after batch, until none is left or
// every row read was taken by another sender.
func (s *Service) sendDue(ctx context.Context) {
	for ctx.Err() == nil {
		rows, err := s.store.DueMail(ctx, s.now(), s.opts.Batch)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Warn("mail outbox unreadable", "error", err.Error())
			}
			return
		}
		claimed := 0
		for i := range rows {
			if ctx.Err() != nil {
				return
			}
			if s.attempt(ctx, &rows[i]) {
				claimed++
			}
		}
		if len(rows) < s.opts.Batch || claimed == 0 {
			return
		}
	}
}

// attempt claims one mail for the lease, sends it within SendTimeout and
// records the outcome; false when another sender had it.
func (s *Service) attempt(ctx context.Context, m *model.OutboxMail) bool {
	now := s.now()
	// The lease outlasts the attempt, so only a crashed sender's claim
	// ever expires.
	ok, err := s.store.ClaimMail(ctx, m, now, now.Add(2*s.opts.SendTimeout+settleTimeout))
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("mail claim failed", "mail_id", m.ID, "error", err.Error())
		}
		return false
	}
	if !ok {
		return false
	}
	sendCtx, cancel := context.WithTimeout(ctx, s.opts.SendTimeout)
	err = s.mailOne(sendCtx, m)
	cancel()
	s.settle(ctx, m, err)
	return true
}

// settle writes what an attempt came to: sent, back in the queue after a
// backoff, given up, or (when stopping) handed back untouched.
func (s *Service) settle(ctx context.Context, m *model.OutboxMail, sendErr error) {
	stopping := ctx.Err() != nil
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	var err error
	switch {
	case sendErr == nil:
		err = s.store.MarkMailSent(wctx, m.ID, s.now())
	case stopping:
		err = s.store.ReleaseMail(wctx, m.ID, s.now())
	case errors.Is(sendErr, errRecipientGone):
		err = s.store.FailMail(wctx, m.ID, sendErr.Error())
	case IsPermanent(sendErr) || errors.Is(sendErr, store.ErrNotFound) || m.Attempts >= s.opts.MaxAttempts:
		s.log.Warn("mail given up", "mail_id", m.ID, "kind", m.Kind, "attempts", m.Attempts, "error", sendErr.Error())
		err = s.store.FailMail(wctx, m.ID, sendErr.Error())
	default:
		next := s.now().Add(s.backoff(m.Attempts))
		s.log.Info("mail will be retried", "mail_id", m.ID, "attempts", m.Attempts, "next_attempt_at", next, "error", sendErr.Error())
		err = s.store.RetryMailAt(wctx, m.ID, next, sendErr.Error())
	}
	if err != nil {
		s.log.Warn("mail outcome not recorded", "mail_id", m.ID, "error", err.Error())
	}
}

// backoff is the wait after the n-th failed attempt: Backoff, doubled each
// time, at most MaxBackoff.
func (s *Service) backoff(attempts int) time.Duration {
	d := s.opts.Backoff
	for i := 1; i < attempts && d < s.opts.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, s.opts.MaxBackoff)
}

// mailOne composes a notification's mail at send time, in the site's
// language, and hands it to the mailer.
func (s *Service) mailOne(ctx context.Context, m *model.OutboxMail) error {
	if m.Kind == model.MailPasswordLink {
		return s.mailPasswordLink(ctx, m)
	}
	if m.NotificationID == nil {
		return Permanent(errors.New("notification mail without its notification"))
	}
	n, err := s.store.NotificationByID(ctx, *m.NotificationID)
	if err != nil {
		return err
	}
	u, err := s.store.UserByID(ctx, n.UserID)
	if err != nil {
		return err
	}
	if u.Disabled {
		return errRecipientGone
	}
	subject, body, err := s.Compose(ctx, s.lang, *n)
	if err != nil {
		return err
	}
	return s.mailer.Send(ctx, u.Email, subject, body)
}
