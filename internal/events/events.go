// Package events carries live news about a sheet (a new revision, a board
// decision, someone editing) to the browsers that watch it. Within one
// process a hub fans events out to subscribers; across instances on
// PostgreSQL every event goes through NOTIFY and each instance's listener
// hands it to its own hub, so a save on one instance reaches an editor
// connected to another. Events are news, not records: one lost in a
// restart costs nothing, the history has it.
package events

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// Event kinds.
const (
	KindRevision = "revision" // someone saved a new version
	KindDecision = "decision" // the board decided on a submission
	KindPresence = "presence" // someone has the editor open
	// KindChanged is sent by the database itself (migration 0006) when a
	// sheet row changes. It goes to change watchers, not to browsers.
	KindChanged = "changed"
	// KindAccount is sent by the database itself (migration 0027) when
	// what a request's credentials bring changes: a session, an account
	// (role, disabled, name), an API token, a notification (the unread
	// count). UserID names the account, 0 any account. It goes to change
	// watchers, not to browsers.
	KindAccount = "account"
	// KindLive carries a live co-writing session's news between instances
	// (a stored update's seq, a participant come or gone, a moved base).
	// It goes to the live handler (OnLive), not to browsers.
	KindLive = "live"
)

// Event is one piece of news about a sheet.
type Event struct {
	Kind     string    `json:"kind"`
	SheetID  int64     `json:"sheet_id"`
	Revision int       `json:"revision,omitempty"`
	UserID   int64     `json:"user_id,omitempty"`
	Name     string    `json:"name,omitempty"`
	State    string    `json:"state,omitempty"`
	At       time.Time `json:"at"`
	// Session names the live session an event comes from: a revision
	// saved from a session carries it (the session knows it already), and
	// KindLive events are about it. Seq is a stored update's number or a
	// Yjs client; Data a small payload (an awareness update).
	Session int64  `json:"session,omitempty"`
	Seq     int64  `json:"seq,omitempty"`
	Data    string `json:"data,omitempty"`
}

// Hub fans events out to the subscribers of each sheet.
type Hub struct {
	mu   sync.Mutex
	subs map[int64]map[chan Event]struct{}
	// watchers hear of every changed sheet and of the feed's state.
	watchers []ChangeWatcher
	// notify sends an event to every instance; nil publishes locally.
	notify func(ctx context.Context, payload string) error
	log    *slog.Logger
	// live hears every KindLive event and every revision (see OnLive).
	live []func(Event)
}

// OnLive registers f to hear every KindLive and KindRevision event of every
// sheet, from every instance. f is called with the hub's lock held: it
// must not block nor publish.
func (h *Hub) OnLive(f func(Event)) {
	h.mu.Lock()
	h.live = append(h.live, f)
	h.mu.Unlock()
}

// ChangeWatcher is told when a sheet row changed anywhere, and whether the
// feed of such news is on: while it is off (the listener reconnecting, a
// database without a feed), news may be missed and nothing may be trusted
// to be told. FeedLive is also how a feed that cannot name the sheet says
// that anything may have changed: whatever it is told, a watcher drops
// what it holds.
type ChangeWatcher interface {
	SheetChanged(sheetID int64)
	// AccountChanged tells that the sessions, tokens, account or unread
	// notifications of user userID changed; 0 means any account's.
	AccountChanged(userID int64)
	FeedLive(live bool)
}

// WatchChanges registers w. Call before ListenPostgres.
func (h *Hub) WatchChanges(w ChangeWatcher) {
	h.mu.Lock()
	h.watchers = append(h.watchers, w)
	h.mu.Unlock()
}

func (h *Hub) feedLive(live bool) {
	h.mu.Lock()
	watchers := h.watchers
	h.mu.Unlock()
	for _, w := range watchers {
		w.FeedLive(live)
	}
}

// NewHub makes a hub for a single process.
func NewHub(log *slog.Logger) *Hub {
	return &Hub{subs: map[int64]map[chan Event]struct{}{}, log: log}
}

// Subscribe returns a channel of the sheet's events and a function that
// ends the subscription. A subscriber too slow to read loses events rather
// than stalling everyone.
func (h *Hub) Subscribe(sheetID int64) (<-chan Event, func()) {
	ch := make(chan Event, 16)
	h.mu.Lock()
	if h.subs[sheetID] == nil {
		h.subs[sheetID] = map[chan Event]struct{}{}
	}
	h.subs[sheetID][ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs[sheetID], ch)
		if len(h.subs[sheetID]) == 0 {
			delete(h.subs, sheetID)
		}
		h.mu.Unlock()
	}
}

// Publish sends an event to every instance's subscribers. Failing to tell
// is logged, never returned: the action the event reports has happened.
func (h *Hub) Publish(ctx context.Context, e Event) {
	if e.At.IsZero() {
		e.At = time.Now().UTC()
	}
	if h.notify == nil {
		h.deliver(e)
		return
	}
	payload, _ := json.Marshal(e)
	if err := h.notify(ctx, string(payload)); err != nil && h.log != nil {
		h.log.Warn("event not sent", "kind", e.Kind, "error", err.Error())
	}
}

func (h *Hub) deliver(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch e.Kind {
	case KindChanged:
		for _, w := range h.watchers {
			w.SheetChanged(e.SheetID)
		}
		return
	case KindAccount:
		for _, w := range h.watchers {
			w.AccountChanged(e.UserID)
		}
		return
	}
	if e.Kind == KindLive || e.Kind == KindRevision {
		for _, f := range h.live {
			f(e)
		}
		if e.Kind == KindLive {
			return
		}
	}
	for ch := range h.subs[e.SheetID] {
		select {
		case ch <- e:
		default: // a stalled reader misses news, nobody waits for it
		}
	}
}

// ListenPostgres makes the hub cross-instance: events are sent with
// pg_notify and a dedicated connection LISTENs and delivers what every
// instance sent, this one included. The channel is the database's
// atlas_channel() (migration 0006), one per schema, so atlases sharing a
// database in separate schemas (as tests do) never hear each other. It
// returns at once, stops when ctx ends and reconnects after failures.
func (h *Hub) ListenPostgres(ctx context.Context, dsn string, exec func(ctx context.Context, sql string, args ...any) error) {
	h.notify = func(ctx context.Context, payload string) error {
		return exec(ctx, "SELECT pg_notify(atlas_channel(), ?)", payload)
	}
	go h.keepRunning(ctx, "postgres change feed", func(ctx context.Context) error { return h.listen(ctx, dsn) })
}

// keepRunning runs a feed until ctx ends, again after each failure with a
// growing pause. Whatever was sent while it was down is lost, so the
// watchers hear the feed is off each time it stops.
func (h *Hub) keepRunning(ctx context.Context, name string, run func(context.Context) error) {
	backoff := time.Second
	for ctx.Err() == nil {
		err := run(ctx)
		h.feedLive(false)
		if ctx.Err() != nil {
			return
		}
		if h.log != nil {
			h.log.Warn(name+" restarting", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 30*time.Second)
	}
}

// PollSQLite is SQLite's change feed. A connection that never writes
// reads PRAGMA data_version, which moves whenever any other connection,
// of this process or another (the command line), commits; each move tells
// the watchers that anything may have changed. Rows held by watchers thus
// follow every commit within one interval. It returns at once, stops
// when ctx ends and starts again after failures.
func (h *Hub) PollSQLite(ctx context.Context, sqlDB *sql.DB, every time.Duration) {
	go h.keepRunning(ctx, "sqlite change feed", func(ctx context.Context) error { return h.pollSQLite(ctx, sqlDB, every) })
}

func (h *Hub) pollSQLite(ctx context.Context, sqlDB *sql.DB, every time.Duration) (err error) {
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, conn.Close()) }()
	var last int64
	if err := conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&last); err != nil {
		return err
	}
	h.feedLive(true)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		var v int64
		if err := conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err != nil {
			return err
		}
		if v != last {
			last = v
			h.feedLive(true) // "live, and forget what you hold"
		}
	}
}

func (h *Hub) listen(ctx context.Context, dsn string) (err error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, conn.Close(context.Background())) }()
	var name string
	if err := conn.QueryRow(ctx, "SELECT atlas_channel()").Scan(&name); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{name}.Sanitize()); err != nil {
		return err
	}
	h.feedLive(true)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var e Event
		if json.Unmarshal([]byte(n.Payload), &e) == nil {
			h.deliver(e)
		}
	}
}
