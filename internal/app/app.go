// Package app wires the atlas together: config → database → store →
// services → web, and runs the server until it is told to stop.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/auth"
	"atlas/internal/config"
	"atlas/internal/db"
	"atlas/internal/events"
	"atlas/internal/live"
	"atlas/internal/media"
	"atlas/internal/model"
	"atlas/internal/notify"
	"atlas/internal/read"
	"atlas/internal/review"
	"atlas/internal/search"
	"atlas/internal/sheet"
	"atlas/internal/store"
	"atlas/internal/web"
)

// App is a wired atlas.
type App struct {
	Config  config.Config
	DB      *db.DB
	Store   *store.Store
	Auth    *auth.Service
	Sheets  *sheet.Service
	Reviews *review.Service
	Notify  *notify.Service
	Events  *events.Hub
	// Live runs the live co-writing sessions; its loop runs only once
	// started (Handler starts it with the server, tests when they need it).
	Live *live.Service
	Log  *slog.Logger
	// Ready, when set, is called once the server listens, with the address
	// a person should open (see OpenURL).
	Ready func(openURL string)
}

// NewLogger builds the process logger: text for people, JSON for
// collectors.
func NewLogger(cfg config.Config) *slog.Logger { return newLogger(cfg, os.Stderr) }

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// accessLogInterval bounds how long a request's log line waits in memory.
const accessLogInterval = 200 * time.Millisecond

// Open connects to the database and builds the services. It does not
// migrate: callers decide (serve migrates when allowed, migrate always).
func Open(ctx context.Context, cfg config.Config, log *slog.Logger) (*App, error) {
	d, err := db.Open(ctx, db.Options{PostgresURL: cfg.DatabaseURL, SQLitePath: cfg.SQLitePath()})
	if err != nil {
		return nil, err
	}
	var mailer notify.Mailer
	if cfg.SMTPURL != "" {
		m, err := notify.NewSMTPMailer(cfg.SMTPURL)
		if err != nil {
			_ = d.Close()
			return nil, err
		}
		mailer = m
	}
	return Wire(cfg, d, mailer, log), nil
}

// Wire builds the services over an open database, each knowing the others
// as in production; tests build their atlas with it too (see apptest).
func Wire(cfg config.Config, d *db.DB, mailer notify.Mailer, log *slog.Logger) *App {
	auth.LimitHashing(cfg.HashConcurrency) // the one bound of the process
	st := store.New(d)
	n := notify.New(st, mailer, cfg.BaseURL, cfg.Lang, log)
	hub := events.NewHub(log)
	sheets := sheet.NewService(st, n).WithEvents(hub).WithLog(log)
	authSvc := auth.NewService(st).WithSignupNotice(n.SignupPending)
	n.WithPasswordLinks(func(ctx context.Context, u *model.User) (string, time.Time, error) {
		link, err := authSvc.NewPasswordLink(ctx, nil, u, "mail", "")
		return "/password/" + link.Token, link.ExpiresAt, err
	})
	return &App{
		Config: cfg, DB: d, Store: st, Auth: authSvc, Sheets: sheets,
		Reviews: review.NewService(st, sheets, n).WithEvents(hub), Notify: n, Events: hub, Log: log,
		Live: live.New(st, sheets, hub, log),
	}
}

// Close releases the database. Mail not sent yet waits in the outbox for
// the next start.
func (a *App) Close() error {
	return a.DB.Close()
}

// PrepareSchema migrates when allowed, else refuses a database that is not
// exactly at the binary's version.
func (a *App) PrepareSchema(ctx context.Context) error {
	if a.Config.AutoMigrate {
		return a.DB.Migrate(ctx, a.Log)
	}
	return a.DB.CheckCurrent(ctx)
}

// Handler builds the HTTP app and the handler of its metrics; its event
// streams end when stopping closes. access receives the access log, one
// line per request.
func (a *App) Handler(stopping <-chan struct{}, access *slog.Logger) (*fiber.App, http.Handler, error) {
	deps := a.WebDeps()
	deps.AccessLog, deps.Stopping = access, stopping
	app, metrics, err := web.NewWithMetrics(deps)
	if err != nil {
		return nil, nil, err
	}
	// The live sessions' loop (news from other instances, heartbeat,
	// saving idle sessions) runs with the server, until stopping closes.
	// It starts once the web layer has told the service how to save an
	// amendment session, since idle sessions are saved at start-up.
	if stopping != nil {
		go deps.Live.Run(contextUntil(stopping))
	}
	return app, metrics, nil
}

// WebDeps is what the web layer needs of the wired atlas: the read side
// and the services, never the store.
func (a *App) WebDeps() web.Deps {
	return web.Deps{Config: a.Config, DB: a.DB, Read: read.New(a.Store), Search: search.New(a.DB), Media: media.New(a.Store),
		Auth: a.Auth, Sheets: a.Sheets, Reviews: a.Reviews, Notify: a.Notify, Events: a.Events, Live: a.Live, Log: a.Log}
}

// contextUntil is a context that ends when stop closes.
func contextUntil(stop <-chan struct{}) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-stop
		cancel()
	}()
	return ctx
}

// sqlitePollInterval bounds how long anonymous pages on SQLite may lag a
// commit (see events.PollSQLite).
const sqlitePollInterval = 50 * time.Millisecond

// shutdownGrace bounds a graceful stop.
const shutdownGrace = 8 * time.Second

// reviewExpiryInterval is how often reviews past their board's deadline
// are closed; a page or a vote on such a review closes it at once anyway.
const reviewExpiryInterval = time.Minute

// Serve runs the HTTP server until ctx ends, then shuts down gracefully:
// requests in flight (a save, say) finish before the process exits.
func (a *App) Serve(ctx context.Context) error {
	stopping := make(chan struct{})
	// The access log goes out in batches (see logBuffer), written last
	// once the requests in flight are answered.
	accessOut := newLogBuffer(os.Stderr, accessLogInterval)
	defer accessOut.Close()
	handler, metrics, err := a.Handler(stopping, newLogger(a.Config, accessOut))
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return fmt.Errorf("app: listen on %s: %w", a.Config.Addr, err)
	}
	a.Log.Info("atlas serving", "addr", ln.Addr().String(), "database", string(a.DB.Dialect), "hash_concurrency", auth.HashConcurrency())
	a.warnUnsetAddresses()
	if a.Config.MetricsAddr != "" {
		stopMetrics, err := a.serveMetrics(a.Config.MetricsAddr, metrics)
		if err != nil {
			_ = ln.Close()
			return err
		}
		defer stopMetrics()
	}
	if a.Ready != nil {
		a.Ready(OpenURL(a.Config, ln.Addr()))
	}

	go a.purgeExpired(ctx)
	mailDone := make(chan struct{})
	go func() { defer close(mailDone); a.Notify.Run(ctx) }()
	go a.Reviews.RunExpiry(ctx, reviewExpiryInterval, a.Log)
	if a.DB.Dialect == db.Postgres {
		// Live events cross instances through LISTEN/NOTIFY.
		a.Events.ListenPostgres(ctx, a.Config.DatabaseURL, func(ctx context.Context, sql string, args ...any) error {
			return a.DB.Conn(ctx).Exec(sql, args...).Error
		})
	} else if sqlDB, err := a.DB.SQL(); err == nil {
		a.Events.PollSQLite(ctx, sqlDB, sqlitePollInterval)
	}

	errc := make(chan error, 1)
	go func() { errc <- handler.Listener(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("atlas shutting down")
	close(stopping)
	// Saves in flight take milliseconds; the deadline is for connections a
	// client opened but never used, which fasthttp waits on otherwise. It
	// stays under the 10 s a container runtime grants before SIGKILL.
	err = handler.ShutdownWithTimeout(shutdownGrace)
	a.waitMailSender(mailDone)
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("app: shutdown: %w", err)
	}
	return nil
}

// warnUnsetAddresses says at start-up what an unset ATLAS_BASE_URL or
// ATLAS_TRUSTED_PROXY means, as both change the links the atlas writes.
func (a *App) warnUnsetAddresses() {
	if a.Config.BaseURL == "" {
		a.Log.Warn("ATLAS_BASE_URL is not set: feeds take their links from each request's Host header, the map's and mails' links are relative; set it to the atlas's public address")
	}
	if a.Config.MetricsAddr == "" && a.Config.MetricsToken == "" {
		a.Log.Info("metrics are not served: set ATLAS_METRICS_ADDR (a listener of their own) or ATLAS_METRICS_TOKEN (GET /metrics with that bearer token)")
	}
	if a.Config.TrustedProxy == "" {
		a.Log.Info("ATLAS_TRUSTED_PROXY is not set: X-Forwarded-For, X-Forwarded-Host and X-Forwarded-Proto are ignored")
	}
}

// mailStopGrace bounds how long a stop waits for the mail sender once the
// HTTP server is down. The sender interrupts a mail in flight at once and
// hands it back to the outbox, which takes one short write.
const mailStopGrace = time.Second

// waitMailSender waits, within mailStopGrace, for the sender to stop.
func (a *App) waitMailSender(done <-chan struct{}) {
	select {
	case <-done:
	case <-time.After(mailStopGrace):
		a.Log.Warn("mail sender still busy at shutdown; its mail stays in the outbox")
	}
}

// sentMailKept is how long a delivered mail stays in the outbox, for an
// admin asking whether it went out.
const sentMailKept = 7 * 24 * time.Hour

// purgeExpired deletes expired sessions, ended login-failure counts and
// old sent mail hourly. Every instance may run it: the deletes are idempotent.
func (a *App) purgeExpired(ctx context.Context) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		if n, err := a.Store.DeleteExpiredSessions(ctx, time.Now().UTC()); err != nil && ctx.Err() == nil {
			a.Log.Warn("purge sessions", "error", err.Error())
		} else if n > 0 {
			a.Log.Info("sessions purged", "count", n)
		}
		if _, err := a.Auth.PurgeLoginFailures(ctx); err != nil && ctx.Err() == nil {
			a.Log.Warn("purge login failures", "error", err.Error())
		}
		if _, err := a.Store.DeleteSentMail(ctx, time.Now().Add(-sentMailKept)); err != nil && ctx.Err() == nil {
			a.Log.Warn("purge sent mail", "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// OpenURL is the address to open in a browser: the public base URL when
// one is set, else the listener's, with localhost standing for "every
// interface" (":8080").
func OpenURL(cfg config.Config, addr net.Addr) string {
	if cfg.BaseURL != "" {
		return cfg.BaseURL
	}
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return addr.String()
	}
	host := "localhost"
	if !tcp.IP.IsUnspecified() {
		host = tcp.IP.String()
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(tcp.Port))
}
