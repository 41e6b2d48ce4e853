package notify_test

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"atlas/internal/model"
	"atlas/internal/notify"
	"atlas/internal/store"
	"atlas/internal/testutil"
)

// smtpServer is the smallest SMTP server net/smtp will talk to, on
// 127.0.0.1, recording each message it receives.
type smtpServer struct {
	ln       net.Listener
	mu       sync.Mutex
	messages []string
	rcpts    []string
}

func startSMTP(t *testing.T) *smtpServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(conn)
		}
	}()
	return s
}

func (s *smtpServer) serve(conn net.Conn) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(conn)
	reply := func(line string) { _, _ = io.WriteString(conn, line+"\r\n") }
	reply("220 atlas-test ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			reply("250 atlas-test")
		case strings.HasPrefix(cmd, "MAIL FROM"):
			reply("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO"):
			s.mu.Lock()
			s.rcpts = append(s.rcpts, strings.TrimSpace(line[len("RCPT TO:"):]))
			s.mu.Unlock()
			reply("250 ok")
		case cmd == "DATA":
			reply("354 go ahead")
			var msg strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				msg.WriteString(l)
			}
			s.mu.Lock()
			s.messages = append(s.messages, msg.String())
			s.mu.Unlock()
			reply("250 queued")
		case cmd == "QUIT":
			reply("221 bye")
			return
		default:
			reply("250 ok")
		}
	}
}

func TestNotificationsAreMailedAfterTheInbox(t *testing.T) {
	srv := startSMTP(t)
	mailer, err := notify.NewSMTPMailer("smtp://" + srv.ln.Addr().String() + "?from=atlas@example.org")
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(testutil.NewSQLite(t))
	n := notify.New(st, mailer, "https://atlas.example.org", "fr", slog.New(slog.NewTextHandler(io.Discard, nil)))
	actor := testutil.User(t, st, "marie", model.RoleContributor)
	member := testutil.User(t, st, "yann", model.RoleContributor)
	now := time.Now().UTC()
	sh := &model.Sheet{Slug: "grainotheque", Title: "Grainothèque de Brest", CreatedBy: actor.ID, CreatedAt: now, UpdatedAt: now}
	if err := st.CreateSheet(context.Background(), sh); err != nil {
		t.Fatal(err)
	}
	queued, err := n.Add(context.Background(), []model.Notification{
		{UserID: member.ID, Kind: model.NotifyReviewRequested, ActorID: &actor.ID, SheetID: &sh.ID, CreatedAt: now},
		{UserID: actor.ID, Kind: model.NotifyReviewRequested, ActorID: &actor.ID, SheetID: &sh.ID, CreatedAt: now},
		{UserID: member.ID, Kind: model.NotifyReviewRequested, ActorID: &actor.ID, SheetID: &sh.ID, CreatedAt: now},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(queued) != 1 {
		t.Fatalf("queued %d notifications, want 1 (no self-notice, no duplicate)", len(queued))
	}
	inbox, _ := st.NotificationsOf(context.Background(), member.ID, 10)
	if len(inbox) != 1 {
		t.Fatalf("inbox has %d items", len(inbox))
	}
	n.Mail(queued)
	n.Wait()
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.messages) != 1 || !strings.Contains(srv.rcpts[0], "yann@example.org") {
		t.Fatalf("messages %d to %v", len(srv.messages), srv.rcpts)
	}
	msg := srv.messages[0]
	for _, want := range []string{"From: atlas@example.org", "To: yann@example.org", "Subject: =?utf-8?q?", "https://atlas.example.org/sheets/grainotheque", "marie a soumis une version", "charset=UTF-8"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
}

func TestSMTPURLIsChecked(t *testing.T) {
	for _, bad := range []string{"http://x", "smtp://", "pas une url"} {
		if _, err := notify.NewSMTPMailer(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	m, err := notify.NewSMTPMailer("smtp://u:p@mail.example.org:587")
	if err != nil || m == nil {
		t.Errorf("valid URL refused: %v", err)
	}
	if err := m.Send(context.Background(), "a@example.org\r\nBcc: b@example.org", "s", "b"); err == nil {
		t.Error("header injection accepted")
	}
}
