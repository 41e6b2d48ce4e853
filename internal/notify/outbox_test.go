package notify_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"atlas/internal/db"
	"atlas/internal/model"
	"atlas/internal/notify"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

// twoHandles opens one migrated database twice, as two processes (or one
// process before and after a restart) would.
func twoHandles(t *testing.T, dialect string) (*db.DB, func() *db.DB) {
	t.Helper()
	var opts db.Options
	var first *db.DB
	if dialect == "sqlite" {
		opts.SQLitePath = filepath.Join(t.TempDir(), "atlas.db")
		first = open(t, opts)
		if err := first.Migrate(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
	} else {
		first, opts.PostgresURL = testutil.NewPostgresURL(t)
	}
	return first, func() *db.DB { return open(t, opts) }
}

func open(t *testing.T, opts db.Options) *db.DB {
	d, err := db.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

func eachDialect(t *testing.T, fn func(t *testing.T, dialect string)) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) { fn(t, dialect) })
	}
}

func TestPendingMailIsSentAfterARestart(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect string) {
		before, reopen := twoHandles(t, dialect)
		relay := startRelay(t, relayPlain, notTLS)
		mailer := mailerFor(t, "smtp://"+relay.addr)
		st := store.New(before)
		n := notify.New(st, mailer, "", "fr", quietLog()).WithSender(fastSender)
		actor := testutil.User(t, st, "marie", model.RoleContributor)
		newsFor(t, st, n, actor, testutil.User(t, st, "yann", model.RoleContributor))
		// The process stops before its sender ran.
		if err := before.Close(); err != nil {
			t.Fatal(err)
		}
		if len(relay.received()) != 0 {
			t.Fatal("mail went out without a sender")
		}
		after := store.New(reopen())
		run(t, notify.New(after, mailer, "", "fr", quietLog()).WithSender(fastSender))
		eventually(t, 5*time.Second, "the restarted service sends the pending mail", func() bool { return len(relay.received()) == 1 })
		eventually(t, 5*time.Second, "the row is marked sent", func() bool { return outbox(t, after)[0].State == model.MailSent })
	})
}

func TestTemporaryFailuresAreRetried(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		relay := startRelay(t, relayPlain, notTLS)
		relay.failNext = 2
		st := store.New(d)
		n := notify.New(st, mailerFor(t, "smtp://"+relay.addr), "", "fr", quietLog()).WithSender(fastSender)
		newsFor(t, st, n, testutil.User(t, st, "marie", model.RoleContributor), testutil.User(t, st, "yann", model.RoleContributor))
		run(t, n)
		eventually(t, 5*time.Second, "the mail goes out on the third attempt", func() bool { return len(relay.received()) == 1 })
		eventually(t, 5*time.Second, "the row is marked sent", func() bool {
			row := outbox(t, st)[0]
			return row.State == model.MailSent && row.Attempts == 3 && row.LastError == ""
		})
		if c := relay.connections(); c != 3 {
			t.Errorf("%d connections, want 3", c)
		}
	})
}

func TestFailuresEndBounded(t *testing.T) {
	for _, tc := range []struct {
		name, code   string
		wantAttempts int
	}{
		{"temporary failures until the last attempt", "451 try again later", 3},
		{"a permanent refusal at once", "550 no such user", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			relay := startRelay(t, relayPlain, notTLS)
			relay.failNext, relay.failCode = 100, tc.code
			st := store.New(testutil.NewSQLite(t))
			opts := fastSender
			opts.MaxAttempts = 3
			n := notify.New(st, mailerFor(t, "smtp://"+relay.addr), "", "fr", quietLog()).WithSender(opts)
			newsFor(t, st, n, testutil.User(t, st, "marie", model.RoleContributor), testutil.User(t, st, "yann", model.RoleContributor))
			run(t, n)
			eventually(t, 5*time.Second, "the mail is given up", func() bool { return outbox(t, st)[0].State == model.MailFailed })
			time.Sleep(100 * time.Millisecond) // several backoffs: no attempt may follow
			row := outbox(t, st)[0]
			if row.Attempts != tc.wantAttempts || relay.connections() != tc.wantAttempts || row.LastError == "" {
				t.Errorf("attempts %d, connections %d, last error %q; want %d", row.Attempts, relay.connections(), row.LastError, tc.wantAttempts)
			}
		})
	}
}

func TestStopInterruptsASendAndKeepsTheMail(t *testing.T) {
	testutil.Dialects(t, func(t *testing.T, d *db.DB) {
		relay := startRelay(t, relaySilent, notTLS)
		st := store.New(d)
		opts := fastSender
		opts.SendTimeout = time.Minute // only the stop may end the attempt
		n := notify.New(st, mailerFor(t, "smtp://"+relay.addr), "", "fr", quietLog()).WithSender(opts)
		newsFor(t, st, n, testutil.User(t, st, "marie", model.RoleContributor), testutil.User(t, st, "yann", model.RoleContributor))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); n.Run(ctx) }()
		eventually(t, 5*time.Second, "the sender reaches the relay", func() bool { return relay.connections() == 1 })
		stopped := time.Now()
		cancel()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			t.Fatal("the sender did not stop within 3 s")
		}
		t.Logf("stopped in %s", time.Since(stopped))
		row := outbox(t, st)[0]
		if row.State != model.MailPending || row.Attempts != 0 || row.NextAttemptAt.After(time.Now()) {
			t.Errorf("after the stop the mail is %+v, want pending, due, the attempt not counted", row)
		}
	})
}

// Two instances on one database share the outbox: every mail goes out
// exactly once.
func TestTwoSendersNeverSendTheSameMail(t *testing.T) {
	eachDialect(t, func(t *testing.T, dialect string) {
		first, second := twoHandles(t, dialect)
		relay := startRelay(t, relayPlain, notTLS)
		relay.dataDelay = 5 * time.Millisecond
		mailer := mailerFor(t, "smtp://"+relay.addr)
		st := store.New(first)
		n1 := notify.New(st, mailer, "", "fr", quietLog()).WithSender(fastSender)
		n2 := notify.New(store.New(second()), mailer, "", "fr", quietLog()).WithSender(fastSender)
		actor := testutil.User(t, st, "marie", model.RoleContributor)
		const count = 30
		var members []*model.User
		for i := range count {
			members = append(members, testutil.User(t, st, fmt.Sprintf("membre%d", i), model.RoleContributor))
		}
		newsFor(t, st, n1, actor, members...)
		var start sync.WaitGroup
		start.Add(1)
		for _, n := range []*notify.Service{n1, n2} {
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { defer close(done); start.Wait(); n.Run(ctx) }()
			t.Cleanup(func() { cancel(); <-done })
		}
		start.Done()
		eventually(t, 10*time.Second, "every mail goes out", func() bool { return len(relay.received()) >= count })
		eventually(t, 5*time.Second, "every row is marked sent", func() bool {
			for _, row := range outbox(t, st) {
				if row.State != model.MailSent {
					return false
				}
			}
			return true
		})
		time.Sleep(100 * time.Millisecond) // room for a duplicate to show
		seen := map[string]int{}
		for _, m := range relay.received() {
			seen[m.rcpt]++
		}
		for _, m := range members {
			if seen[m.Email] != 1 {
				t.Errorf("%s got %d mails", m.Email, seen[m.Email])
			}
		}
		if got := len(relay.received()); got != count {
			t.Errorf("%d mails for %d notifications", got, count)
		}
	})
}
