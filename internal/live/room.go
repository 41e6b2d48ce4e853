package live

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"time"

	"atlas/internal/diff"
	"atlas/internal/events"
)

var errNoRows = sql.ErrNoRows

// Close codes of refusals (the protocol's 4000s).
const (
	CloseNotAllowed = 4001
	CloseDisabled   = 4003
	CloseTooMany    = 4009
	CloseTooBig     = 4013
	CloseMalformed  = 4022
	CloseEnded      = 4010
)

type msg map[string]any

// room is the connections of one session on this instance. mu orders
// appends and deliveries: every connection sees updates in seq order.
type room struct {
	s       *Service
	id      int64
	sheetID int64
	// reviewID is the review an amendment session amends (0: the sheet's
	// own session). Its text follows the review's revision, not the head.
	reviewID int64

	mu      sync.Mutex
	conns   map[*Conn]struct{}
	joining int   // connections joining (Service.mu)
	lastSeq int64 // the last seq delivered here
	asked   int64 // the log size at which a state was last asked

	qmu     sync.Mutex
	queue   []pendingUpdate // updates waiting for the writer
	writing bool            // a writer runs
}

func (r *room) list() []*Conn {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*Conn, 0, len(r.conns))
	for c := range r.conns {
		out = append(out, c)
	}
	return out
}

func (r *room) sendAll(m msg) {
	data, _ := json.Marshal(m)
	for _, c := range r.list() {
		c.send(data)
	}
}

func (r *room) closeAll(code int, errCode, message string) {
	for _, c := range r.list() {
		c.fail(code, errCode, message)
	}
}

// deliverLocked sends update u to every connection that has not had it.
func (r *room) deliverLocked(u Update, by string) {
	data, _ := json.Marshal(msg{"t": "update", "seq": u.Seq, "u": base64.StdEncoding.EncodeToString(u.Data), "by": by})
	for c := range r.conns {
		if u.Seq > c.seen {
			c.seen = u.Seq
			c.send(data)
		}
	}
	if u.Seq > r.lastSeq {
		r.lastSeq = u.Seq
	}
}

// catchUpLocked reads and delivers what other instances stored up to seq.
func (r *room) catchUpLocked(ctx context.Context, upTo int64) {
	if upTo <= r.lastSeq {
		return
	}
	us, err := r.s.rows.updates(ctx, r.id, r.lastSeq)
	if err != nil {
		r.s.log.Warn("live updates not read", "session", r.id, "error", err.Error())
		return
	}
	names := r.s.usernames(ctx, us)
	for _, u := range us {
		by := ""
		if u.User != nil {
			by = names[*u.User]
		}
		r.deliverLocked(u, by)
	}
}

func (r *room) catchUp(ctx context.Context, upTo int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.catchUpLocked(ctx, upTo)
}

// appendUpdate queues c's update; the room's writer stores the queue in
// one transaction and delivers it, sender included (group commit: one
// commit carries every keystroke that came while the last one ran).
func (r *room) appendUpdate(ctx context.Context, c *Conn, data []byte) error {
	r.qmu.Lock()
	r.queue = append(r.queue, pendingUpdate{conn: c, user: c.user.ID, data: data})
	start := !r.writing
	r.writing = true
	r.qmu.Unlock()
	if start {
		go r.writeQueue() //nolint:gosec // G118: the writer outlives the message that started it
	}
	return nil
}

// writeQueue stores and delivers queued updates until the queue is empty.
func (r *room) writeQueue() {
	ctx := context.Background()
	for {
		r.qmu.Lock()
		batch := r.queue
		r.queue = nil
		if len(batch) == 0 {
			r.writing = false
			r.qmu.Unlock()
			return
		}
		r.qmu.Unlock()
		r.mu.Lock()
		last, err := r.s.rows.appendUpdates(ctx, r.id, batch)
		if err != nil {
			r.mu.Unlock()
			r.s.log.Warn("live updates not stored", "session", r.id, "error", err.Error())
			for _, u := range batch {
				u.conn.refuse(err)
			}
			continue
		}
		first := last - int64(len(batch)) + 1
		r.catchUpLocked(ctx, first-1)
		for i, u := range batch {
			r.deliverLocked(Update{Seq: first + int64(i), Data: u.data}, u.conn.user.Username)
		}
		ask := last-r.asked >= r.s.CompactEvery
		if ask {
			r.asked = last
		}
		r.mu.Unlock()
		if r.s.hub != nil {
			r.s.hub.Publish(ctx, events.Event{Kind: events.KindLive, SheetID: r.sheetID, Session: r.id, State: "update", Seq: last, Name: r.s.instance})
		}
		if ask {
			if n, err := r.s.rows.logRows(ctx, r.id); err == nil && n >= r.s.CompactEvery {
				r.toLeader(msg{"t": "compact"})
			}
		}
	}
}

func (r *room) relayAwareness(from *Conn, u string) {
	data, _ := json.Marshal(msg{"t": "awareness", "u": u})
	for _, c := range r.list() {
		if c != from {
			c.send(data)
		}
	}
}

func (r *room) toLeader(m msg) {
	data, _ := json.Marshal(m)
	for _, c := range r.list() {
		if c.isLeader() {
			c.send(data)
		}
	}
}

// external tells the leader (if it is here) of a revision made outside
// the session.
func (r *room) external(rev int) {
	r.toLeader(msg{"t": "external", "revision": rev})
}

// catchUpBase asks the leader to merge the revision the session follows
// when its base is behind it: the sheet's head for the sheet's own
// session, the review's revision for an amendment session (an amendment
// saved outside it, from the form without JavaScript or the API). Those
// versions were made outside the session (a save from it moves the base
// in the same transaction) at a moment no leader heard of them: while
// the session waited without participants, or between two leaders. c is
// a connection that just became the leader; nil asks the leader wherever
// it is.
func (r *room) catchUpBase(ctx context.Context, c *Conn) {
	sess, err := r.s.rows.sessionByID(ctx, r.id)
	if err != nil {
		return
	}
	target, err := r.s.followed(ctx, r.sheetID, r.reviewID)
	if err != nil {
		r.s.log.Warn("live sheet not read", "error", err.Error())
		return
	}
	if sess.Base >= target {
		return
	}
	if c == nil {
		r.s.broadcast(ctx, r.sheetID, r.id, "external", int64(target), "")
	} else if c.isLeader() {
		c.sendMsg(msg{"t": "external", "revision": target})
	}
}

func (r *room) participantsMsg(ctx context.Context) (msg, error) {
	ps, err := r.s.rows.participants(ctx, r.id)
	if err != nil {
		return nil, err
	}
	list := make([]msg, 0, len(ps))
	for _, p := range ps {
		list = append(list, msg{"username": p.Username, "name": p.Name, "color": Color(p.UserID), "client": p.Client})
	}
	cl, err := r.s.rows.clients(ctx, r.id)
	if err != nil {
		return nil, err
	}
	authors := msg{}
	for id, p := range cl {
		authors[strconv.FormatInt(id, 10)] = msg{"username": p.Username, "name": p.Name, "color": Color(p.UserID)}
	}
	return msg{"t": "participants", "list": list, "authors": authors}, nil
}

func (r *room) sendParticipants(ctx context.Context) {
	m, err := r.participantsMsg(ctx)
	if err != nil {
		r.s.log.Warn("live participants not read", "error", err.Error())
		return
	}
	r.sendAll(m)
}

// checkLeader renews the lease of a leader connected here, or makes one
// of this instance's connections the leader when the session has none.
func (r *room) checkLeader(ctx context.Context) {
	conns := r.list()
	for _, c := range conns {
		if c.isLeader() {
			ok, err := r.s.rows.claimLeader(ctx, r.id, c.id, leaderLease)
			if err == nil && !ok {
				c.setLeader(false) // lost it (a long pause): another leads
				return
			}
			// A version made outside the session whose news the leader
			// missed (no leader at that moment, a merge refused on the
			// way) is asked for again until the base reaches it.
			if err == nil {
				r.catchUpBase(ctx, c)
			}
			return
		}
	}
	for _, c := range conns {
		if c.closing() {
			continue
		}
		ok, err := r.s.rows.claimLeader(ctx, r.id, c.id, leaderLease)
		if err != nil || !ok {
			return
		}
		c.setLeader(true)
		c.sendMsg(msg{"t": "leader"})
		r.catchUpBase(ctx, c)
		return
	}
}

// mergeBoth is the three-way merge of the session: both sides of a
// conflicting region are kept, the session's first.
func mergeBoth(base, mine, theirs string) (string, int) {
	m, conflicts := diff.Merge3Both(base, mine, theirs)
	return m, len(conflicts)
}

func (s *Service) usernames(ctx context.Context, us []Update) map[int64]string {
	out := map[int64]string{}
	for _, u := range us {
		if u.User == nil {
			continue
		}
		if _, ok := out[*u.User]; ok {
			continue
		}
		if user, err := s.store.UserByID(ctx, *u.User); err == nil {
			out[*u.User] = user.Username
		}
	}
	return out
}

var errTimeout = errors.New("live: timeout")

var _ = time.Second
var _ = errTimeout
