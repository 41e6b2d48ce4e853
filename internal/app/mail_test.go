package app

import (
	"context"
	"io"
	"log/slog"
	"net"
	"sync"
	"testing"
	"time"

	"atlas/internal/config"
	"atlas/internal/model"
	"atlas/internal/testutil"
)

// silentRelay accepts connections and never answers, like a relay behind
// a firewall that drops packets; it counts the connections.
func silentRelay(t *testing.T) (string, func() int) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	return ln.Addr().String(), func() int { mu.Lock(); defer mu.Unlock(); return len(conns) }
}

// A relay that never answers no longer holds the stop: the mail in flight
// is interrupted and stays in the outbox for the next start.
func TestServeStopsPromptlyWhileTheRelayIsSilent(t *testing.T) {
	relay, connections := silentRelay(t)
	cfg := config.Defaults
	cfg.DataDir, cfg.Addr, cfg.AutoMigrate, cfg.AccessLog = t.TempDir(), "127.0.0.1:0", true, false
	cfg.SMTPURL = "smtp://" + relay + "?from=atlas@example.org"
	ctx := context.Background()
	a, err := Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = a.Close() }()
	if err := a.PrepareSchema(ctx); err != nil {
		t.Fatal(err)
	}
	member := testutil.User(t, a.Store, "yann", model.RoleContributor)
	if _, err := a.Notify.Add(ctx, []model.Notification{{UserID: member.ID, Kind: model.NotifyNewRevision, CreatedAt: time.Now().UTC()}}); err != nil {
		t.Fatal(err)
	}

	serveCtx, stop := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- a.Serve(serveCtx) }()
	// Start-up (migrations, templates, the first outbox claim) takes about
	// 4 s under the race detector on a two-core machine, more beside other
	// packages' tests: the bound is for a sender that never comes, not a
	// timing of start-up. What is measured is the stop below.
	for end := time.Now().Add(30 * time.Second); connections() == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("the sender never reached the relay")
		}
	}
	stopped := time.Now()
	stop()
	select {
	case err := <-served:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(mailStopGrace + 2*time.Second):
		t.Fatal("Serve did not return while the relay is silent")
	}
	t.Logf("stopped in %s", time.Since(stopped))
	rows, err := a.Store.OutboxMails(ctx, 10)
	if err != nil || len(rows) != 1 || rows[0].State != model.MailPending || rows[0].Attempts != 0 {
		t.Fatalf("outbox after the stop: %+v, %v", rows, err)
	}
}
