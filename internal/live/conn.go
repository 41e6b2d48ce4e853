package live

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasthttp/websocket"

	"atlas/internal/events"
	"atlas/internal/model"
	"atlas/internal/sheet"
)

// Socket is a WebSocket connection (github.com/fasthttp/websocket's Conn).
type Socket interface {
	ReadMessage() (int, []byte, error)
	WriteMessage(messageType int, data []byte) error
	WriteControl(messageType int, data []byte, deadline time.Time) error
	SetReadLimit(limit int64)
	SetReadDeadline(t time.Time) error
	SetWriteDeadline(t time.Time) error
	Close() error
}

const (
	textMessage  = websocket.TextMessage
	closeMessage = websocket.CloseMessage
)

// readLimit bounds one frame: a 1 MiB text, JSON-escaped, with room.
const readLimit = 4 << 20

// idleTimeout: a browser pings every 25 s.
const idleTimeout = 70 * time.Second

const writeTimeout = 10 * time.Second

// RefusedError is a refusal with its close code.
type RefusedError struct {
	Code    int
	Err     string
	Message string
}

func (e *RefusedError) Error() string { return "live: " + e.Err }

// Refusals an authorizer returns.
var (
	ErrNotAllowed = &RefusedError{CloseNotAllowed, "not_allowed", "Vous ne pouvez pas modifier cette fiche."}
	// ErrReviewClosed: the review of an amendment session was decided,
	// withdrawn or closed; the amendment may no longer be written.
	ErrReviewClosed = &RefusedError{CloseNotAllowed, "review_closed", "L'examen est clos : l'amendement ne peut plus être modifié."}
	ErrDisabled     = &RefusedError{CloseDisabled, "account_disabled", "Votre compte est désactivé ou votre session a pris fin."}
	errTooMany      = &RefusedError{CloseTooMany, "too_many_connections", "Trop de connexions ouvertes : fermez un onglet."}
	errTooBig       = &RefusedError{CloseTooBig, "message_too_big", "Message trop grand."}
	errMalformed    = &RefusedError{CloseMalformed, "malformed", "Message illisible."}
	errNotLeader    = &RefusedError{CloseMalformed, "not_leader", "Ce message est réservé au meneur de la session."}
	errRate         = &RefusedError{CloseTooMany, "too_many_messages", "Trop de messages : ralentissez."}
)

// Conn is one participant's connection.
type Conn struct {
	s      *Service
	room   *room
	ws     Socket
	id     string
	user   model.User
	client int64
	// authorizeFn says whether the account may still write the sheet.
	authorizeFn func(ctx context.Context) error
	checkedAt   time.Time

	seen int64 // last seq sent (room.mu)

	out       chan []byte
	done      chan struct{}
	closeOnce sync.Once
	leader    atomic.Bool
	ending    atomic.Bool

	tokens float64
	last   time.Time
}

var connSeq atomic.Int64

// Join is what the web layer knows of a connection.
type Join struct {
	Sheet  *model.Sheet
	User   *model.User
	Client int64
	// Review, when set, is the open review whose amendment is written:
	// the connection joins the review's amendment session, seeded with
	// the reviewed revision, instead of the sheet's own.
	Review *model.Review
	// Authorize says whether the account may still edit the sheet (or
	// amend the review): at
	// join, on every write (at most once a second) and every heartbeat.
	// It returns ErrNotAllowed or ErrDisabled.
	Authorize func(ctx context.Context) error
}

// Serve runs one participant's connection until it ends.
func (s *Service) Serve(ws Socket, j Join) {
	c := &Conn{s: s, ws: ws, user: *j.User, client: j.Client, authorizeFn: j.Authorize,
		id: s.instance + "-" + strconv.FormatInt(connSeq.Add(1), 10), out: make(chan []byte, sendQueue), done: make(chan struct{}),
		tokens: MessageBurst, last: time.Now()}
	ws.SetReadLimit(readLimit)
	go c.writeLoop()
	defer c.finish()
	ctx := context.Background()
	if err := c.authorize(ctx, true); err != nil {
		c.refuse(err)
		return
	}
	if !s.acquire(c.user.ID) {
		c.refuse(errTooMany)
		return
	}
	defer s.release(c.user.ID)
	if err := c.join(ctx, j.Sheet, j.Review); err != nil {
		c.refuse(err)
		return
	}
	defer c.leave()
	c.readLoop(ctx)
}

func (s *Service) acquire(user int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sockets[user] >= MaxSocketsPerAccount {
		return false
	}
	s.sockets[user]++
	return true
}

func (s *Service) release(user int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sockets[user]--; s.sockets[user] <= 0 {
		delete(s.sockets, user)
	}
}

func (c *Conn) authorize(ctx context.Context, now bool) error {
	if !now && time.Since(c.checkedAt) < authorizeCacheSeconds*time.Second {
		return nil
	}
	if err := c.authorizeFn(ctx); err != nil {
		return err
	}
	c.checkedAt = time.Now()
	return nil
}

// join registers the connection in the session (made if need be) and
// sends hello. A review's amendment session starts from the reviewed
// revision, the sheet's own from its head.
func (c *Conn) join(ctx context.Context, sh *model.Sheet, rv *model.Review) error {
	s := c.s
	var reviewID int64
	base := sh.HeadNumber
	if rv != nil {
		reviewID, base = rv.ID, rv.RevisionNumber
	}
	sess, err := s.rows.open(ctx, sh.ID, reviewID, base)
	if err != nil {
		return err
	}
	ps, err := s.rows.participants(ctx, sess.ID)
	if err != nil {
		return err
	}
	if len(ps) >= MaxParticipants {
		return errTooMany
	}
	if err := s.rows.addParticipant(ctx, sess.ID, Participant{Conn: c.id, UserID: c.user.ID, Client: c.client}); err != nil {
		// The session ended between open and here: try once more.
		if sess, err = s.rows.open(ctx, sh.ID, reviewID, base); err != nil {
			return err
		}
		if err := s.rows.addParticipant(ctx, sess.ID, Participant{Conn: c.id, UserID: c.user.ID, Client: c.client}); err != nil {
			return err
		}
	}
	s.mu.Lock()
	r := s.rooms[sess.ID]
	if r == nil {
		r = &room{s: s, id: sess.ID, sheetID: sh.ID, reviewID: sess.ReviewID, conns: map[*Conn]struct{}{}, lastSeq: sess.LastSeq}
		s.rooms[sess.ID] = r
	}
	// The room stays while this connection joins (see leave).
	r.joining++
	defer func() {
		s.mu.Lock()
		r.joining--
		s.mu.Unlock()
	}()
	if t := s.timers[sess.ID]; t != nil {
		t.Stop()
		delete(s.timers, sess.ID)
	}
	s.mu.Unlock()
	c.room = r
	leads, err := s.rows.claimLeader(ctx, sess.ID, c.id, leaderLease)
	if err != nil {
		return err
	}
	c.leader.Store(leads)

	r.mu.Lock()
	log, err := s.rows.updates(ctx, sess.ID, 0)
	if err != nil {
		r.mu.Unlock()
		return err
	}
	updates := make([]msg, len(log))
	for i, u := range log {
		updates[i] = msg{"seq": u.Seq, "u": base64.StdEncoding.EncodeToString(u.Data)}
		c.seen = u.Seq
	}
	var seed any
	if len(log) == 0 {
		rev, err := s.store.Revision(ctx, sh.ID, sess.OriginBase)
		if err != nil {
			r.mu.Unlock()
			return err
		}
		seed = rev.Body
	}
	cur, err := s.rows.sessionByID(ctx, sess.ID)
	if err != nil {
		r.mu.Unlock()
		return err
	}
	part, err := r.participantsMsg(ctx)
	if err != nil {
		r.mu.Unlock()
		return err
	}
	hello := msg{"t": "hello", "session": sess.ID, "origin_base": sess.OriginBase, "base": cur.Base, "seed": seed,
		"updates": updates, "participants": part["list"], "authors": part["authors"],
		"you": msg{"username": c.user.Username, "name": c.user.Name(), "color": Color(c.user.ID)}, "leader": leads}
	c.sendMsg(hello)
	r.conns[c] = struct{}{}
	r.mu.Unlock()
	// A newcomer may find the session behind the sheet: its leader, new
	// or not, is asked to merge the head.
	r.catchUpBase(ctx, nil)
	s.broadcast(ctx, sh.ID, sess.ID, "participants", 0, "")
	return nil
}

// leave unregisters the connection, hands leadership on and, when the
// room empties, starts the grace before the session is saved.
func (c *Conn) leave() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, r := c.s, c.room
	s.mu.Lock()
	r.mu.Lock()
	delete(r.conns, c)
	empty := len(r.conns) == 0 && r.joining == 0
	r.mu.Unlock()
	if empty && s.rooms[r.id] == r {
		delete(s.rooms, r.id)
	}
	s.mu.Unlock()
	if err := s.rows.removeParticipant(ctx, r.id, c.id); err != nil {
		s.log.Warn("live participant not removed", "error", err.Error())
	}
	if c.isLeader() {
		_ = s.rows.releaseLeader(ctx, r.id, c.id)
		if !empty {
			r.checkLeader(ctx)
		}
		s.broadcast(ctx, r.sheetID, r.id, "leader", 0, "")
	}
	s.broadcast(ctx, r.sheetID, r.id, "gone", c.client, "")
	s.broadcast(ctx, r.sheetID, r.id, "participants", 0, "")
	if empty {
		s.leftEmpty(r.id)
	}
}

// inMsg is a browser's message.
type inMsg struct {
	T        string  `json:"t"`
	U        string  `json:"u"`
	Seq      int64   `json:"seq"`
	Text     *string `json:"text"`
	Revision int     `json:"revision"`
}

func (c *Conn) readLoop(ctx context.Context) {
	for {
		_ = c.ws.SetReadDeadline(time.Now().Add(idleTimeout))
		kind, data, err := c.ws.ReadMessage()
		if err != nil {
			if isTooBig(err) {
				c.refuse(errTooBig)
			}
			return
		}
		if kind != textMessage {
			c.refuse(errMalformed)
			return
		}
		if !c.allow() {
			c.refuse(errRate)
			return
		}
		if err := c.handle(ctx, data); err != nil {
			c.refuse(err)
			return
		}
	}
}

func isTooBig(err error) bool { return errors.Is(err, websocket.ErrReadLimit) }

// allow is the connection's rate limit (a token bucket).
func (c *Conn) allow() bool {
	now := time.Now()
	c.tokens = min(MessageBurst, c.tokens+now.Sub(c.last).Seconds()*MessagesPerSecond)
	c.last = now
	if c.tokens < 1 {
		return false
	}
	c.tokens--
	return true
}

func (c *Conn) handle(ctx context.Context, data []byte) error {
	var m inMsg
	if err := json.Unmarshal(data, &m); err != nil {
		return errMalformed
	}
	r := c.room
	switch m.T {
	case "ping":
		c.sendMsg(msg{"t": "pong"})
		return nil
	case "update", "awareness", "state":
		if base64.StdEncoding.DecodedLen(len(m.U)) > MaxUpdateBytes+3 {
			return errTooBig
		}
		u, err := base64.StdEncoding.DecodeString(m.U)
		if err != nil || len(u) == 0 {
			return errMalformed
		}
		if len(u) > MaxUpdateBytes && m.T != "state" {
			return errTooBig
		}
		if err := c.authorize(ctx, false); err != nil {
			return err
		}
		switch m.T {
		case "update":
			return r.appendUpdate(ctx, c, u)
		case "awareness":
			r.relayAwareness(c, m.U)
			if len(m.U) <= maxNotifiedAwareness && c.s.hub != nil {
				c.s.hub.Publish(ctx, eventOf(c, "awareness", 0, m.U))
			}
			return nil
		default:
			if !c.isLeader() {
				return errNotLeader
			}
			if err := c.s.rows.compact(ctx, r.id, m.Seq, u); err != nil {
				if errors.Is(err, errBadSeq) {
					return errMalformed
				}
				return err
			}
			return nil
		}
	case "text":
		if !c.isLeader() {
			return errNotLeader
		}
		if m.Text == nil {
			return errMalformed
		}
		if len(*m.Text) > sheet.MaxBodyBytes {
			return errTooBig
		}
		if err := c.authorize(ctx, false); err != nil {
			return err
		}
		return c.s.rows.setText(ctx, r.id, m.Seq, *m.Text)
	case "merge":
		if !c.isLeader() {
			return errNotLeader
		}
		if m.Text == nil || m.Revision <= 0 {
			return errMalformed
		}
		if len(*m.Text) > sheet.MaxBodyBytes {
			return errTooBig
		}
		if err := c.authorize(ctx, false); err != nil {
			return err
		}
		sess, err := c.s.rows.sessionByID(ctx, r.id)
		if err != nil {
			return err
		}
		base, err := c.s.store.Revision(ctx, r.sheetID, sess.Base)
		if err != nil {
			return err
		}
		theirs, err := c.s.store.Revision(ctx, r.sheetID, m.Revision)
		if err != nil {
			return errMalformed // another sheet's revision, or none
		}
		merged, n := mergeBoth(base.Body, *m.Text, theirs.Body)
		c.sendMsg(msg{"t": "merged", "revision": m.Revision, "text": merged, "conflicts": n})
		return nil
	case "rebased":
		if !c.isLeader() {
			return errNotLeader
		}
		if err := c.authorize(ctx, false); err != nil {
			return err
		}
		if _, err := c.s.store.Revision(ctx, r.sheetID, m.Revision); err != nil {
			return errMalformed
		}
		if err := c.s.rows.setBase(ctx, r.id, m.Revision); err != nil {
			return err
		}
		c.s.broadcast(ctx, r.sheetID, r.id, "base", int64(m.Revision), "")
		return nil
	}
	return errMalformed
}

func eventOf(c *Conn, what string, n int64, data string) events.Event {
	return events.Event{Kind: events.KindLive, SheetID: c.room.sheetID, Session: c.room.id, State: what, Seq: n, Data: data, Name: c.s.instance}
}

func (c *Conn) isLeader() bool   { return c.leader.Load() }
func (c *Conn) setLeader(b bool) { c.leader.Store(b) }
func (c *Conn) closing() bool    { return c.ending.Load() }

func (c *Conn) sendMsg(m msg) {
	data, _ := json.Marshal(m)
	c.send(data)
}

// send queues a frame; a connection too slow to take its frames is closed
// rather than let it hold everyone back.
func (c *Conn) send(data []byte) {
	select {
	case <-c.done:
		return
	default:
	}
	select {
	case c.out <- data:
	default:
		c.s.log.Warn("live connection too slow, closed", "user", c.user.Username)
		c.closeNow()
	}
}

// refuse tells the browser why and closes with the refusal's code.
func (c *Conn) refuse(err error) {
	var re *RefusedError
	if !errors.As(err, &re) {
		c.s.log.Warn("live connection failed", "error", err.Error())
		re = &RefusedError{Code: 1011, Err: "internal", Message: "Erreur du serveur."}
	}
	c.fail(re.Code, re.Err, re.Message)
}

func (c *Conn) fail(code int, errCode, message string) {
	if c.ending.Swap(true) {
		return
	}
	c.sendMsg(msg{"t": "error", "code": errCode, "message": message})
	closing, _ := json.Marshal(msg{"close": code})
	select {
	case c.out <- append([]byte{0}, closing...):
	default:
		c.closeNow()
	}
}

func (c *Conn) closeNow() {
	c.closeOnce.Do(func() {
		close(c.done)
		_ = c.ws.Close()
	})
}

// finish ends the writer once what was queued is written.
func (c *Conn) finish() {
	c.ending.Store(true)
	select {
	case c.out <- nil:
	case <-time.After(time.Second):
		c.closeNow()
	}
	select {
	case <-c.done:
	case <-time.After(2 * time.Second):
		c.closeNow()
	}
}

func (c *Conn) writeLoop() {
	defer c.closeNow()
	for {
		select {
		case <-c.done:
			return
		case data := <-c.out:
			if data == nil {
				return
			}
			_ = c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
			if data[0] == 0 {
				var m struct{ Close int }
				_ = json.Unmarshal(data[1:], &m)
				_ = c.ws.WriteControl(closeMessage, websocket.FormatCloseMessage(m.Close, ""), time.Now().Add(writeTimeout))
				return
			}
			if err := c.ws.WriteMessage(textMessage, data); err != nil {
				return
			}
		}
	}
}
