package notify_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/notify"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// fastSender retries within milliseconds, so tests see several attempts.
var fastSender = notify.SenderOptions{Poll: 20 * time.Millisecond, SendTimeout: 2 * time.Second, Backoff: 10 * time.Millisecond, MaxBackoff: 40 * time.Millisecond}

// newsFor writes a review request for each member in one transaction, as
// the review service does, and wakes the sender.
func newsFor(t *testing.T, st *store.Store, n *notify.Service, actor *model.User, members ...*model.User) []model.Notification {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	sh := &model.Sheet{Slug: "grainotheque-" + members[0].Username, Title: "Grainothèque de Brest", CreatedBy: actor.ID, CreatedAt: now, UpdatedAt: now}
	var queued []model.Notification
	err := st.WithTx(ctx, func(ctx context.Context) error {
		if err := st.CreateSheet(ctx, sh); err != nil {
			return err
		}
		list := make([]model.Notification, 0, len(members))
		for _, m := range members {
			list = append(list, model.Notification{UserID: m.ID, Kind: model.NotifyReviewRequested, ActorID: &actor.ID, SheetID: &sh.ID, CreatedAt: now})
		}
		var err error
		queued, err = n.Add(ctx, list)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	n.Mail(queued)
	return queued
}

// run starts the sender until the test ends.
func run(t *testing.T, n *notify.Service) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); n.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// eventually polls cond until it holds or the time is up.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(within); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("after %s: %s", within, what)
		}
	}
}

func outbox(t *testing.T, st *store.Store) []model.OutboxMail {
	t.Helper()
	rows, err := st.OutboxMails(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestNotificationsAreMailedAfterTheInbox(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		relay := startRelay(t, relayPlain, notTLS)
		mailer, err := notify.NewSMTPMailer("smtp://" + relay.addr + "?from=atlas@example.org")
		if err != nil {
			t.Fatal(err)
		}
		st := store.New(d)
		n := notify.New(st, mailer, "https://atlas.example.org", "fr", quietLog()).WithSender(fastSender)
		actor := testutil.User(t, st, "marie", model.RoleContributor)
		member := testutil.User(t, st, "yann", model.RoleContributor)
		queued := newsFor(t, st, n, actor, member, actor, member)
		if len(queued) != 1 {
			t.Fatalf("queued %d notifications, want 1 (no self-notice, no duplicate)", len(queued))
		}
		inbox, _ := st.NotificationsOf(context.Background(), member.ID, 10)
		if len(inbox) != 1 {
			t.Fatalf("inbox has %d items", len(inbox))
		}
		if rows := outbox(t, st); len(rows) != 1 || rows[0].State != model.MailPending || *rows[0].NotificationID != queued[0].ID {
			t.Fatalf("outbox before the sender runs: %+v", rows)
		}
		run(t, n)
		eventually(t, 5*time.Second, "the mail reaches the relay", func() bool { return len(relay.received()) == 1 })
		got := relay.received()[0]
		if got.rcpt != "yann@example.org" || got.tls {
			t.Fatalf("mail to %q (tls %v)", got.rcpt, got.tls)
		}
		for _, want := range []string{"From: atlas@example.org", "To: yann@example.org", "Subject: =?utf-8?q?", "https://atlas.example.org/sheets/grainotheque-yann", "marie a soumis une version", "charset=UTF-8"} {
			if !strings.Contains(got.data, want) {
				t.Errorf("message lacks %q:\n%s", want, got.data)
			}
		}
		eventually(t, 5*time.Second, "the outbox row is marked sent", func() bool {
			rows := outbox(t, st)
			return rows[0].State == model.MailSent && rows[0].SentAt != nil && rows[0].Attempts == 1
		})
	})
}

func TestWithoutMailerNothingIsQueued(t *testing.T) {
	st := store.New(testutil.NewSQLite(t))
	n := notify.New(st, nil, "https://atlas.example.org", "fr", quietLog())
	actor := testutil.User(t, st, "marie", model.RoleContributor)
	member := testutil.User(t, st, "yann", model.RoleContributor)
	if queued := newsFor(t, st, n, actor, member); len(queued) != 1 {
		t.Fatalf("queued %d", len(queued))
	}
	if rows := outbox(t, st); len(rows) != 0 {
		t.Fatalf("outbox filled without a relay: %+v", rows)
	}
}

func TestARolledBackActionQueuesNoMail(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		st := store.New(d)
		n := notify.New(st, recordingMailer{}, "", "fr", quietLog())
		actor := testutil.User(t, st, "marie", model.RoleContributor)
		member := testutil.User(t, st, "yann", model.RoleContributor)
		_ = st.WithTx(context.Background(), func(ctx context.Context) error {
			if _, err := n.Add(ctx, []model.Notification{{UserID: member.ID, Kind: model.NotifyNewRevision, ActorID: &actor.ID, CreatedAt: time.Now().UTC()}}); err != nil {
				t.Fatal(err)
			}
			return context.Canceled // the action fails after its notices
		})
		if rows := outbox(t, st); len(rows) != 0 {
			t.Fatalf("mail queued for a rolled-back action: %+v", rows)
		}
	})
}

// recordingMailer accepts everything and sends nothing.
type recordingMailer struct{}

func (recordingMailer) Send(context.Context, string, string, string) error { return nil }
