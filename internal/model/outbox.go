package model

import "time"

// Outbox states: a mail waits (pending), went out (sent), or was given up
// (failed, the reason in LastError).
const (
	MailPending = "pending"
	MailSent    = "sent"
	MailFailed  = "failed"
)

// Kinds of outbox mail.
const (
	MailNotification = "notification"
	MailPasswordLink = "password_link"
)

// OutboxMail is the e-mail of one notification, queued in the database so
// that it survives a restart and is retried while the relay fails. Its text
// is written when it is sent, from the notification.
type OutboxMail struct {
	ID int64
	// Kind is MailNotification (NotificationID set) or MailPasswordLink
	// (UserID set: the link is made when the mail is sent, so its token
	// is never stored).
	Kind           string
	NotificationID *int64
	UserID         *int64
	State          string
	Attempts       int
	// NextAttemptAt is when the mail may be tried next; a sender that
	// claims it moves it forward by its lease.
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        *time.Time
}

// TableName implements gorm's tabler.
func (OutboxMail) TableName() string { return "mail_outbox" }
