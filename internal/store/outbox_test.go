package store_test

import (
	"context"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

// The outbox's life: due mail is listed, claimed by one sender only,
// retried later, released, sent, purged; a failed mail stays.
func TestOutboxClaimsAndStates(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := store.New(d)
		now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
		u := testutil.User(t, st, "yann", model.RoleContributor)
		list := []model.Notification{{UserID: u.ID, Kind: model.NotifyNewRevision, CreatedAt: now}, {UserID: u.ID, Kind: model.NotifyDecided, CreatedAt: now}}
		if err := st.CreateNotifications(ctx, list); err != nil {
			t.Fatal(err)
		}
		if err := st.EnqueueMail(ctx, []int64{list[0].ID, list[1].ID}, now); err != nil {
			t.Fatal(err)
		}
		due := func(at time.Time) []model.OutboxMail {
			t.Helper()
			rows, err := st.DueMail(ctx, at, 10)
			if err != nil {
				t.Fatal(err)
			}
			return rows
		}
		if rows := due(now.Add(-time.Second)); len(rows) != 0 {
			t.Fatalf("mail due before its time: %+v", rows)
		}
		rows := due(now)
		if len(rows) != 2 || *rows[0].NotificationID != list[0].ID || rows[0].State != model.MailPending {
			t.Fatalf("due mail: %+v", rows)
		}
		a, b := rows[0], rows[0] // two senders read the same row
		lease := now.Add(time.Minute)
		if ok, err := st.ClaimMail(ctx, &a, now, lease); !ok || err != nil || a.Attempts != 1 {
			t.Fatalf("first claim: %v %v %+v", ok, err, a)
		}
		if ok, err := st.ClaimMail(ctx, &b, now, lease); ok || err != nil {
			t.Fatalf("second claim of the same row: %v %v", ok, err)
		}
		if rows := due(now); len(rows) != 1 || rows[0].ID == a.ID {
			t.Fatalf("a claimed row is still due: %+v", rows)
		}
		if rows := due(lease); len(rows) != 2 {
			t.Fatalf("a claim whose lease ended (a killed sender) is due again: %+v", rows)
		}
		if err := st.RetryMailAt(ctx, a.ID, now.Add(time.Hour), "451 later"); err != nil {
			t.Fatal(err)
		}
		if rows := due(lease); len(rows) != 1 {
			t.Fatalf("a retried mail is due before its backoff: %+v", rows)
		}
		if err := st.ReleaseMail(ctx, a.ID, now); err != nil {
			t.Fatal(err)
		}
		rows = due(now)
		if len(rows) != 2 || rows[0].Attempts != 0 {
			t.Fatalf("a released mail is due at once, its attempt not counted: %+v", rows)
		}
		if err := st.MarkMailSent(ctx, rows[0].ID, now); err != nil {
			t.Fatal(err)
		}
		if err := st.FailMail(ctx, rows[1].ID, "550 no such user"); err != nil {
			t.Fatal(err)
		}
		if rows := due(lease); len(rows) != 0 {
			t.Fatalf("sent or failed mail is due: %+v", rows)
		}
		if n, err := st.DeleteSentMail(ctx, now.Add(time.Second)); n != 1 || err != nil {
			t.Fatalf("purged %d, %v", n, err)
		}
		all, err := st.OutboxMails(ctx, 10)
		if err != nil || len(all) != 1 || all[0].State != model.MailFailed || all[0].LastError != "550 no such user" {
			t.Fatalf("outbox after the purge: %+v %v", all, err)
		}
	})
}
