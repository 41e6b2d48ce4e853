// Package live runs the live co-writing sessions of sheets (issue 16):
// browsers exchange Yjs updates through the server, which relays them to
// every participant, stores them in order, replays them to joiners and
// compacts them with a state the leader browser sends, without ever
// reading them. The leader (one browser per session, across instances)
// also sends the shared text, kept as the session's draft and saved as a
// revision when the last participant leaves. The protocol is described in
// docs/LIVE.md.
package live

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"atlas/internal/db"
	"atlas/internal/events"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/store"
)

// Limits of the protocol.
const (
	MaxUpdateBytes        = 256 << 10 // one update or awareness, decoded
	MaxParticipants       = 30        // per session, all instances
	MaxSocketsPerAccount  = 5         // per instance
	MessagesPerSecond     = 50
	MessageBurst          = 200
	compactEvery          = 500 // log rows before the leader is asked for a state
	leaderLease           = 30 * time.Second
	maxNotifiedAwareness  = 6000 // base64 bytes an awareness may weigh to cross instances
	defaultGrace          = 30 * time.Second
	defaultHeartbeat      = 5 * time.Second
	sendQueue             = 1024
	authorizeCacheSeconds = 1
)

var errBadSeq = errors.New("live: seq beyond the log")

// Palette is the participants' colors, each readable as text on white
// (contrast 4.5:1 or more). An account always gets the same one.
var Palette = []string{
	"#b91c1c", "#c2410c", "#a16207", "#15803d", "#0f766e", "#0369a1",
	"#1d4ed8", "#6d28d9", "#a21caf", "#be123c", "#4d7c0f", "#475569",
}

// Color is an account's color.
func Color(userID int64) string {
	h := fnv.New32a()
	_, _ = fmt.Fprintf(h, "%d", userID)
	return Palette[h.Sum32()%uint32(len(Palette))] //nolint:gosec // G115: the palette has 12 entries
}

// Service holds the sessions this instance serves.
type Service struct {
	rows     rows
	store    *store.Store
	sheets   *sheet.Service
	hub      *events.Hub
	log      *slog.Logger
	instance string
	// Grace is how long a session without participants waits before it
	// is saved and ended (a reload comes back well within it).
	Grace time.Duration
	// Heartbeat is how often leaders' leases, participants' rows and
	// accounts' rights are checked.
	Heartbeat time.Duration
	// CompactEvery is how many rows a session's log holds before its
	// leader is asked for a state that replaces them.
	CompactEvery int64

	mu       sync.Mutex
	amend    AmendFunc       // see SetAmend
	rooms    map[int64]*room // by session id
	sockets  map[int64]int   // open sockets by account
	inbox    chan events.Event
	timers   map[int64]*time.Timer
	stopped  chan struct{}
	stopOnce sync.Once
}

// New builds the service. hub may be nil (one instance, no events).
func New(st *store.Store, sheets *sheet.Service, hub *events.Hub, log *slog.Logger) *Service {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{
		rows: rows{d: st.DB()}, store: st, sheets: sheets, hub: hub, log: log, instance: hex.EncodeToString(b),
		Grace: defaultGrace, Heartbeat: defaultHeartbeat, CompactEvery: compactEvery,
		rooms: map[int64]*room{}, sockets: map[int64]int{}, inbox: make(chan events.Event, 4096), timers: map[int64]*time.Timer{},
		stopped: make(chan struct{}),
	}
	if hub != nil {
		hub.OnLive(func(e events.Event) {
			if e.Kind == events.KindLive && e.Name == s.instance {
				return // this instance did it already
			}
			select {
			case s.inbox <- e:
			default:
				s.log.Warn("live event dropped", "sheet", e.SheetID)
			}
		})
	}
	return s
}

// Run serves the cross-instance news and the heartbeat until ctx ends.
// It first saves the sessions left without participants (a restart).
func (s *Service) Run(ctx context.Context) {
	go func() {
		<-ctx.Done()
		s.stopOnce.Do(func() { close(s.stopped) })
	}()
	s.saveIdle(ctx, true)
	tick := time.NewTicker(s.Heartbeat)
	defer tick.Stop()
	n := 0
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-s.inbox:
			s.handleEvent(ctx, e)
		case <-tick.C:
			s.heartbeat(ctx)
			if n++; n%12 == 0 {
				s.saveIdle(ctx, false)
			}
		}
	}
}

// Info is what GET /api/v1/sheets/{slug}/live tells.
type Info struct {
	Base         int           `json:"base"`
	Participants []PersonColor `json:"participants"`
	Dirty        bool          `json:"dirty"`
}

// PersonColor is a participant as the API shows one.
type PersonColor struct {
	Username string `json:"username"`
	Name     string `json:"name"`
	Color    string `json:"color"`
}

// Info describes a sheet's own session (not its amendment sessions); with none, base is the head and
// nobody is there.
func (s *Service) Info(ctx context.Context, sh *model.Sheet) (Info, error) {
	out := Info{Base: sh.HeadNumber, Participants: []PersonColor{}}
	sess, err := s.rows.session(ctx, sh.ID, 0)
	if err != nil {
		if isNoRows(err) {
			return out, nil
		}
		return out, err
	}
	out.Base = sess.Base
	ps, err := s.rows.participants(ctx, sess.ID)
	if err != nil {
		return out, err
	}
	seen := map[int64]bool{}
	for _, p := range ps {
		if !seen[p.UserID] {
			seen[p.UserID] = true
			out.Participants = append(out.Participants, PersonColor{Username: p.Username, Name: p.Name, Color: Color(p.UserID)})
		}
	}
	out.Dirty, err = s.dirty(ctx, sess)
	return out, err
}

// dirty tells whether the shared text differs from the base's body.
func (s *Service) dirty(ctx context.Context, sess *Session) (bool, error) {
	if sess.Text == nil {
		// No text yet: dirty if anything was typed.
		return sess.LastSeq > 0 && sess.TextSeq < sess.LastSeq, nil
	}
	base, err := s.store.Revision(ctx, sess.SheetID, sess.Base)
	if err != nil {
		return false, err
	}
	return *sess.Text != base.Body, nil
}

// Coauthors is the list credited by a version saved from the session
// now: every contributor since the last version when there are two or
// more, else none.
func Coauthors(cs []Contributor) []int64 {
	if len(cs) < 2 {
		return nil
	}
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = c.UserID
	}
	return out
}

// SaveFrom wraps a save made from a session (the edit form's
// live_session, reviewID 0, or the amendment form's, reviewID the
// review's): it credits the session's contributors and, once saved,
// moves the session's base and tells its participants. It returns the
// co-authors' usernames. A session of another sheet, or of another review
// (the sheet's own session on an amendment form, or the reverse), is
// ErrNoSession.
func (s *Service) SaveFrom(ctx context.Context, sheetID, reviewID, session int64, in *sheet.SaveInput) ([]string, error) {
	sess, err := s.rows.sessionByID(ctx, session)
	if err != nil || sess.SheetID != sheetID || sess.ReviewID != reviewID {
		return nil, ErrNoSession
	}
	cs, err := s.rows.contributors(ctx, session)
	if err != nil {
		return nil, err
	}
	in.Coauthors = Coauthors(cs)
	in.Session = session
	base := in.Base
	in.Saved = func(ctx context.Context, rev *model.Revision) error {
		if err := s.rows.clearContributors(ctx, session); err != nil {
			return err
		}
		// A save merged with versions the session had not taken in moves
		// the base only once the leader merged them (see "external").
		if rev.Parent != nil && *rev.Parent == base {
			return s.rows.setBase(ctx, session, rev.Number)
		}
		return nil
	}
	names := []string{}
	if len(in.Coauthors) > 0 {
		for _, c := range cs {
			names = append(names, c.Username)
		}
		slices.Sort(names)
	}
	return names, nil
}

// Saved tells the session's participants about a version saved from it
// (after SaveFrom's save committed).
func (s *Service) Saved(ctx context.Context, sheetID, session int64, rev *model.Revision, by string) {
	sess, err := s.rows.sessionByID(ctx, session)
	if err != nil {
		return
	}
	if sess.Base == rev.Number {
		s.broadcast(ctx, sheetID, session, "base", int64(rev.Number), by+"\x00saved")
		return
	}
	s.broadcast(ctx, sheetID, session, "external", int64(rev.Number), "")
}

// ErrNoSession is a live_session that names no session of the sheet.
var ErrNoSession = errors.New("live: no such session")

// AmendFunc saves an amendment session's text as an amendment of its
// review (the review moves onto it), as the board's "Enregistrer
// l'amendement" would. It returns ErrReviewGone when author may no longer
// amend the review (decided, withdrawn, expired, or author off the
// board).
type AmendFunc func(ctx context.Context, author *model.User, reviewID int64, in sheet.SaveInput) (*model.Revision, error)

// SetAmend gives the service the way to save amendments (the web layer
// holds the review service, which this package does not know). Without
// it, an amendment session left by everyone is saved as a plain version
// of the sheet, as when its review closed. Set it before Run.
func (s *Service) SetAmend(f AmendFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.amend = f
}

func (s *Service) amender() AmendFunc {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.amend
}

// ErrReviewGone is what an AmendFunc returns when the review may no longer be
// amended by the session's writers.
var ErrReviewGone = errors.New("live: the review may no longer be amended")

// followed is the revision a session's text follows: the sheet's head,
// or for an amendment session the review's revision.
func (s *Service) followed(ctx context.Context, sheetID, reviewID int64) (int, error) {
	if reviewID > 0 {
		rv, err := s.store.ReviewByID(ctx, reviewID)
		if err != nil {
			return 0, err
		}
		return rv.RevisionNumber, nil
	}
	sh, err := s.store.SheetByID(ctx, sheetID)
	if err != nil {
		return 0, err
	}
	return sh.HeadNumber, nil
}

// broadcast delivers a control message to the session's participants on
// every instance.
func (s *Service) broadcast(ctx context.Context, sheetID, session int64, what string, n int64, data string) {
	e := events.Event{Kind: events.KindLive, SheetID: sheetID, Session: session, State: what, Seq: n, Data: data, Name: s.instance}
	s.handleEvent(ctx, e)
	if s.hub != nil {
		s.hub.Publish(ctx, e)
	}
}

func (s *Service) room(session int64) *room {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rooms[session]
}

// handleEvent acts on news from any instance.
func (s *Service) handleEvent(ctx context.Context, e events.Event) {
	if e.Kind == events.KindRevision {
		s.mu.Lock()
		var rs []*room
		for _, r := range s.rooms {
			if r.sheetID == e.SheetID && r.id != e.Session {
				rs = append(rs, r)
			}
		}
		s.mu.Unlock()
		for _, r := range rs {
			// An amendment session takes in only its review's new
			// revision (an amendment saved outside it), never the
			// sheet's ordinary versions: those reach the amendment
			// when it is saved, merged onto the head.
			if r.reviewID > 0 {
				if n, err := s.followed(ctx, r.sheetID, r.reviewID); err != nil || n != e.Revision {
					continue
				}
			}
			r.external(e.Revision)
		}
		return
	}
	r := s.room(e.Session)
	if r == nil {
		return
	}
	switch e.State {
	case "update":
		r.catchUp(ctx, e.Seq)
	case "awareness":
		r.relayAwareness(nil, e.Data)
	case "participants":
		r.sendParticipants(ctx)
	case "gone":
		r.sendAll(msg{"t": "gone", "client": e.Seq})
	case "base":
		by, saved, _ := strings.Cut(e.Data, "\x00")
		var who any
		if by != "" {
			who = by
		}
		r.sendAll(msg{"t": "base", "revision": e.Seq, "by": who, "saved": saved == "saved"})
	case "external":
		r.external(int(e.Seq))
	case "leader":
		r.checkLeader(ctx)
	case "ended":
		r.closeAll(CloseEnded, "ended", "La session de co-écriture est terminée.")
	}
}

// heartbeat renews leases and participants, checks rights, and claims
// leadership of sessions whose leader went away.
func (s *Service) heartbeat(ctx context.Context) {
	s.mu.Lock()
	rooms := make([]*room, 0, len(s.rooms))
	for _, r := range s.rooms {
		rooms = append(rooms, r)
	}
	s.mu.Unlock()
	var conns []string
	for _, r := range rooms {
		for _, c := range r.list() {
			conns = append(conns, c.id)
			if err := c.authorizeFn(ctx); err != nil {
				c.refuse(err)
			}
		}
		r.checkLeader(ctx)
	}
	if err := s.rows.touch(ctx, conns); err != nil {
		s.log.Warn("live heartbeat", "error", err.Error())
	}
}

// leftEmpty is called when a session has no participant left on this
// instance: after the grace, if nobody is there on any instance, the
// session is saved and ended.
func (s *Service) leftEmpty(session int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.timers[session]; t != nil {
		t.Stop()
	}
	s.timers[session] = time.AfterFunc(s.Grace, func() {
		s.mu.Lock()
		delete(s.timers, session)
		s.mu.Unlock()
		select {
		case <-s.stopped:
			return // the next start saves it
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.finish(ctx, session, false); err != nil {
			s.log.Warn("live session not saved", "session", session, "error", err.Error())
		}
	})
}

// saveIdle finishes every session without participants; at start-up
// (all) even those whose participants' rows are still fresh from the
// instance that stopped are left to the periodic pass.
func (s *Service) saveIdle(ctx context.Context, _ bool) {
	ids, err := s.rows.idle(ctx)
	if err != nil {
		s.log.Warn("live sessions not listed", "error", err.Error())
		return
	}
	for _, id := range ids {
		if s.room(id) != nil {
			continue
		}
		s.mu.Lock()
		waiting := s.timers[id] != nil
		s.mu.Unlock()
		if waiting {
			continue
		}
		if err := s.finish(ctx, id, true); err != nil {
			s.log.Warn("live session not saved", "session", id, "error", err.Error())
		}
	}
}

var errNotIdle = errors.New("live: session has participants")

// finish saves a session without participants as a revision if its text
// differs from its base, and ends it.
func (s *Service) finish(ctx context.Context, session int64, _ bool) error {
	if r := s.room(session); r != nil && len(r.list()) > 0 {
		return nil
	}
	sess, err := s.rows.sessionByID(ctx, session)
	if isNoRows(err) {
		return nil
	}
	if err != nil {
		return err
	}
	ps, err := s.rows.participants(ctx, session)
	if err != nil || len(ps) > 0 {
		return err
	}
	dirty, err := s.dirty(ctx, sess)
	if err != nil {
		return err
	}
	if !dirty {
		return s.endIfIdle(ctx, session)
	}
	if sess.Text == nil {
		// Typed but never sent as text: keep the log for the next joiner.
		return nil
	}
	cs, err := s.rows.contributors(ctx, session)
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		return s.endIfIdle(ctx, session)
	}
	sh, err := s.store.SheetByID(ctx, sess.SheetID)
	if err != nil {
		return err
	}
	author, err := s.store.UserByID(ctx, cs[0].UserID)
	if err != nil {
		return err
	}
	baseRev, err := s.store.Revision(ctx, sh.ID, sess.Base)
	if err != nil {
		return err
	}
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	in := sheet.SaveInput{Base: sess.Base, Title: baseRev.Title, Body: *sess.Text, Meta: nil, Origin: model.OriginLive,
		Summary: AutoSummary(names), Coauthors: Coauthors(cs), Session: session}
	in.Saved = func(ctx context.Context, _ *model.Revision) error { return s.endLocked(ctx, session) }
	// An amendment session is saved as its review's amendment, by the
	// first of its writers (most updates first) who may still amend it;
	// when none may (the review was decided or closed meanwhile), as a
	// plain version of the sheet, so that nothing typed is lost.
	save := func(in sheet.SaveInput) error {
		_, err := s.sheets.Save(ctx, author, sh.Slug, in)
		return err
	}
	if sess.ReviewID > 0 {
		in.Summary = AmendSummary(sess.ReviewID, names, false)
		plain := in
		plain.Summary = AmendSummary(sess.ReviewID, names, true)
		save = func(in sheet.SaveInput) error {
			if amendFn := s.amender(); amendFn != nil {
				amend := in
				amend.Origin = model.OriginAmendment
				for _, c := range cs {
					u, err := s.store.UserByID(ctx, c.UserID)
					if err != nil {
						return err
					}
					_, err = amendFn(ctx, u, sess.ReviewID, amend)
					if errors.Is(err, sheet.ErrUnchanged) {
						return s.endIfIdle(ctx, session)
					}
					if !errors.Is(err, ErrReviewGone) {
						return err
					}
				}
			}
			in.Summary = plain.Summary
			_, err := s.sheets.Save(ctx, author, sh.Slug, in)
			return err
		}
	}
	err = save(in)
	var conflict *sheet.ConflictError
	if errors.As(err, &conflict) {
		// Versions saved meanwhile overlap the session's text: save the
		// merge that keeps both, from the head.
		head, herr := s.store.Revision(ctx, sh.ID, conflict.Head)
		if herr != nil {
			return herr
		}
		in.Base = conflict.Head
		in.Body, _ = mergeBoth(baseRev.Body, *sess.Text, head.Body)
		err = save(in)
	}
	if errors.Is(err, errNotIdle) {
		return nil
	}
	if err != nil {
		return err
	}
	// Unchanged saves end nothing in Saved: end it now.
	return s.endIfIdle(ctx, session)
}

func (s *Service) endIfIdle(ctx context.Context, session int64) error {
	err := s.rows.d.WithTx(ctx, func(ctx context.Context) error { return s.endLocked(ctx, session) })
	if errors.Is(err, errNotIdle) || isNoRows(err) {
		return nil
	}
	return err
}

// endLocked ends a session inside a transaction, unless someone joined.
func (s *Service) endLocked(ctx context.Context, session int64) error {
	if _, err := s.rows.lockSession(ctx, session); err != nil {
		return err
	}
	ps, err := s.rows.participants(ctx, session)
	if err != nil {
		return err
	}
	if len(ps) > 0 {
		return errNotIdle
	}
	return s.rows.end(ctx, session)
}

// AutoSummary is the summary of a version a session saved by itself:
// "co-écriture : A, B et C".
func AutoSummary(names []string) string {
	list := ""
	switch n := len(names); n {
	case 0:
	case 1:
		list = names[0]
	default:
		list = strings.Join(names[:n-1], ", ") + " et " + names[n-1]
	}
	return "co-écriture : " + list
}

// AmendSummary is the summary of an amendment a session saved by itself,
// "amendement co-écrit (examen n° 4) : A et B", or, when the review could
// no longer be amended (plain), of the plain version that keeps its text.
func AmendSummary(reviewID int64, names []string, plain bool) string {
	list := strings.TrimPrefix(AutoSummary(names), "co-écriture : ")
	if plain {
		return fmt.Sprintf("amendement co-écrit, examen n° %d clos entre-temps : %s", reviewID, list)
	}
	return fmt.Sprintf("amendement co-écrit (examen n° %d) : %s", reviewID, list)
}

func isNoRows(err error) bool {
	return err != nil && (errors.Is(err, errNoRows) || errors.Is(err, store.ErrNotFound))
}

// InstanceID names this instance in leaders' and participants' rows.
func (s *Service) InstanceID() string { return s.instance }

var _ = db.Postgres
