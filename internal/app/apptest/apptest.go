// Package apptest builds, for tests, the atlas's services over a test
// database, wired as `atlas serve` wires them (app.Wire), so that no test
// assembles store, auth, sheets, reviews, notifications and events by hand.
package apptest

import (
	"context"
	"log/slog"
	"testing"

	"atlas/internal/app"
	"atlas/internal/config"
	"atlas/internal/db"
	"atlas/internal/notify"
)

type options struct {
	cfg    config.Config
	mailer notify.Mailer
}

// Option adjusts the wiring of one test atlas.
type Option func(*options)

// WithConfig replaces the default configuration (config.Defaults).
func WithConfig(cfg config.Config) Option { return func(o *options) { o.cfg = cfg } }

// WithMailer sends the atlas's mail to m (default: no mail at all).
func WithMailer(m notify.Mailer) Option { return func(o *options) { o.mailer = m } }

// New wires an atlas over d, which the caller opened (testutil.NewSQLite,
// testutil.Dialects…) and which closes with the test. Mail still queued
// With a mailer, the outbox sender runs until the test ends, as in serve.
func New(t testing.TB, d *db.DB, opts ...Option) *app.App {
	t.Helper()
	o := options{cfg: config.Defaults}
	for _, opt := range opts {
		opt(&o)
	}
	a := app.Wire(o.cfg, d, o.mailer, slog.New(slog.DiscardHandler))
	if o.mailer != nil {
		ctx, stop := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); a.Notify.Run(ctx) }()
		t.Cleanup(func() { stop(); <-done })
	}
	return a
}
