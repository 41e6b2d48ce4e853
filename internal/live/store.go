package live

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"gorm.io/gorm"

	"atlas/internal/db"
)

// Session is a live session's row.
type Session struct {
	ID          int64
	SheetID     int64
	ReviewID    int64 // the review an amendment session amends; 0 for the sheet's own session
	OriginBase  int
	Base        int
	LastSeq     int64
	Text        *string
	TextSeq     int64
	Leader      string
	LeaderUntil int64
}

// Update is one stored entry of a session's log: a Yjs update, or a
// compacted state standing for every seq up to its own.
type Update struct {
	Seq   int64
	User  *int64
	State bool
	Data  []byte
}

// Contributor is an account that wrote since the last saved version.
type Contributor struct {
	UserID   int64
	Username string
	Name     string
	Updates  int64
}

// Participant is an open connection, on any instance.
type Participant struct {
	Conn     string
	UserID   int64
	Username string
	Name     string
	Client   int64
}

// staleAfter: a participant row not seen for this long belongs to a
// connection that died with its instance.
const staleAfter = time.Minute

type rows struct{ d *db.DB }

func millis(t time.Time) int64 { return t.UnixMilli() }

func (r rows) conn(ctx context.Context) *gorm.DB { return r.d.Conn(ctx) }

const sessionColumns = `id, sheet_id, review_id, origin_base, base, last_seq, text, text_seq, leader, leader_until`

func scanSession(row interface{ Scan(...any) error }) (*Session, error) {
	var s Session
	var text sql.NullString
	var review sql.NullInt64
	if err := row.Scan(&s.ID, &s.SheetID, &review, &s.OriginBase, &s.Base, &s.LastSeq, &text, &s.TextSeq, &s.Leader, &s.LeaderUntil); err != nil {
		return nil, err
	}
	if text.Valid {
		s.Text = &text.String
	}
	s.ReviewID = review.Int64
	return &s, nil
}

// session reads a sheet's ordinary session (reviewID 0) or a review's
// amendment session; sql.ErrNoRows when there is none.
func (r rows) session(ctx context.Context, sheetID, reviewID int64) (*Session, error) {
	if reviewID > 0 {
		return scanSession(r.conn(ctx).Raw(`SELECT `+sessionColumns+` FROM live_sessions WHERE review_id = ? AND sheet_id = ?`, reviewID, sheetID).Row())
	}
	return scanSession(r.conn(ctx).Raw(`SELECT `+sessionColumns+` FROM live_sessions WHERE sheet_id = ? AND review_id IS NULL`, sheetID).Row())
}

func (r rows) sessionByID(ctx context.Context, id int64) (*Session, error) {
	return scanSession(r.conn(ctx).Raw(`SELECT `+sessionColumns+` FROM live_sessions WHERE id = ?`, id).Row())
}

// lockSession reads a session for the rest of the transaction: on
// PostgreSQL the row is locked, SQLite has one writer anyway.
func (r rows) lockSession(ctx context.Context, id int64) (*Session, error) {
	q := `SELECT ` + sessionColumns + ` FROM live_sessions WHERE id = ?`
	if r.d.Dialect == db.Postgres {
		q += " FOR UPDATE"
	}
	return scanSession(r.conn(ctx).Raw(q, id).Row())
}

// open returns the sheet's ordinary session (reviewID 0) or the review's
// amendment session, making one based on base if there is none (two
// instances racing make one). Each is its own row, keyed apart by the
// two partial unique indexes of migration 0026.
func (r rows) open(ctx context.Context, sheetID, reviewID int64, base int) (*Session, error) {
	s, err := r.session(ctx, sheetID, reviewID)
	if err == nil || !errors.Is(err, sql.ErrNoRows) {
		return s, err
	}
	now := millis(time.Now())
	if reviewID > 0 {
		err = r.conn(ctx).Exec(`INSERT INTO live_sessions (sheet_id, review_id, origin_base, base, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (review_id) WHERE review_id IS NOT NULL DO NOTHING`, sheetID, reviewID, base, base, now, now).Error
	} else {
		err = r.conn(ctx).Exec(`INSERT INTO live_sessions (sheet_id, origin_base, base, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (sheet_id) WHERE review_id IS NULL DO NOTHING`, sheetID, base, base, now, now).Error
	}
	if err != nil {
		return nil, err
	}
	return r.session(ctx, sheetID, reviewID)
}

// pendingUpdate is an update waiting to be stored.
type pendingUpdate struct {
	conn *Conn
	user int64
	data []byte
}

// appendUpdates stores updates as the session's next seqs, in one
// transaction, and returns the seq of the last. The session row's update
// serializes writers on every instance, so seqs are contiguous and a seq
// handed out means every lower one is committed.
func (r rows) appendUpdates(ctx context.Context, session int64, batch []pendingUpdate) (int64, error) {
	var last int64
	err := r.d.WithTx(ctx, func(ctx context.Context) error {
		now := millis(time.Now())
		if err := r.conn(ctx).Raw(`UPDATE live_sessions SET last_seq = last_seq + ?, updated_at = ? WHERE id = ? RETURNING last_seq`,
			len(batch), now, session).Row().Scan(&last); err != nil {
			return err
		}
		counts := map[int64]int{}
		for i, u := range batch {
			seq := last - int64(len(batch)-1-i)
			if err := r.conn(ctx).Exec(`INSERT INTO live_updates (session_id, seq, user_id, state, data, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
				session, seq, u.user, false, u.data, now).Error; err != nil {
				return err
			}
			counts[u.user]++
		}
		for user, n := range counts {
			if err := r.conn(ctx).Exec(`INSERT INTO live_contributors (session_id, user_id, updates) VALUES (?, ?, ?)
				ON CONFLICT (session_id, user_id) DO UPDATE SET updates = live_contributors.updates + ?`, session, user, n, n).Error; err != nil {
				return err
			}
		}
		return nil
	})
	return last, err
}

// updates returns the log after seq, in order.
func (r rows) updates(ctx context.Context, session, after int64) ([]Update, error) {
	rs, err := r.conn(ctx).Raw(`SELECT seq, user_id, state, data FROM live_updates WHERE session_id = ? AND seq > ? ORDER BY seq`, session, after).Rows()
	if err != nil {
		return nil, err
	}
	defer func() { _ = rs.Close() }()
	var out []Update
	for rs.Next() {
		var u Update
		var user sql.NullInt64
		if err := rs.Scan(&u.Seq, &user, &u.State, &u.Data); err != nil {
			return nil, err
		}
		if user.Valid {
			u.User = &user.Int64
		}
		out = append(out, u)
	}
	return out, rs.Err()
}

// compact replaces the log up to seq by one state.
func (r rows) compact(ctx context.Context, session, seq int64, state []byte) error {
	return r.d.WithTx(ctx, func(ctx context.Context) error {
		s, err := r.lockSession(ctx, session)
		if err != nil {
			return err
		}
		if seq > s.LastSeq {
			return errBadSeq
		}
		if err := r.conn(ctx).Exec(`DELETE FROM live_updates WHERE session_id = ? AND seq <= ?`, session, seq).Error; err != nil {
			return err
		}
		return r.conn(ctx).Exec(`INSERT INTO live_updates (session_id, seq, user_id, state, data, created_at) VALUES (?, ?, NULL, ?, ?, ?)`,
			session, seq, true, state, millis(time.Now())).Error
	})
}

// logRows counts the stored rows of a session's log.
func (r rows) logRows(ctx context.Context, session int64) (int64, error) {
	var n int64
	err := r.conn(ctx).Raw(`SELECT count(*) FROM live_updates WHERE session_id = ?`, session).Row().Scan(&n)
	return n, err
}

// setText keeps the leader's text if it is at least as recent as the one
// kept.
func (r rows) setText(ctx context.Context, session, seq int64, text string) error {
	return r.conn(ctx).Exec(`UPDATE live_sessions SET text = ?, text_seq = ?, updated_at = ? WHERE id = ? AND text_seq <= ? AND last_seq >= ?`,
		text, seq, millis(time.Now()), session, seq, seq).Error
}

func (r rows) setBase(ctx context.Context, session int64, base int) error {
	return r.conn(ctx).Exec(`UPDATE live_sessions SET base = ?, updated_at = ? WHERE id = ? AND base < ?`, base, millis(time.Now()), session, base).Error
}

func (r rows) clearContributors(ctx context.Context, session int64) error {
	return r.conn(ctx).Exec(`DELETE FROM live_contributors WHERE session_id = ?`, session).Error
}

func (r rows) contributors(ctx context.Context, session int64) ([]Contributor, error) {
	rs, err := r.conn(ctx).Raw(`SELECT c.user_id, u.username, u.display_name, c.updates FROM live_contributors c JOIN users u ON u.id = c.user_id
		WHERE c.session_id = ? ORDER BY c.updates DESC, u.username`, session).Rows()
	if err != nil {
		return nil, err
	}
	defer func() { _ = rs.Close() }()
	var out []Contributor
	for rs.Next() {
		var c Contributor
		if err := rs.Scan(&c.UserID, &c.Username, &c.Name, &c.Updates); err != nil {
			return nil, err
		}
		if c.Name == "" {
			c.Name = c.Username
		}
		out = append(out, c)
	}
	return out, rs.Err()
}

func (r rows) addParticipant(ctx context.Context, session int64, p Participant) error {
	if err := r.conn(ctx).Exec(`INSERT INTO live_participants (session_id, conn, user_id, client, seen_at) VALUES (?, ?, ?, ?, ?)`,
		session, p.Conn, p.UserID, p.Client, millis(time.Now())).Error; err != nil {
		return err
	}
	return r.conn(ctx).Exec(`INSERT INTO live_clients (session_id, client, user_id) VALUES (?, ?, ?) ON CONFLICT (session_id, client) DO NOTHING`,
		session, p.Client, p.UserID).Error
}

func (r rows) removeParticipant(ctx context.Context, session int64, conn string) error {
	return r.conn(ctx).Exec(`DELETE FROM live_participants WHERE session_id = ? AND conn = ?`, session, conn).Error
}

// touch keeps this instance's participants alive and forgets the dead.
func (r rows) touch(ctx context.Context, conns []string) error {
	now := millis(time.Now())
	if len(conns) > 0 {
		if err := r.conn(ctx).Exec(`UPDATE live_participants SET seen_at = ? WHERE conn IN ?`, now, conns).Error; err != nil {
			return err
		}
	}
	return r.conn(ctx).Exec(`DELETE FROM live_participants WHERE seen_at < ?`, now-staleAfter.Milliseconds()).Error
}

func (r rows) participants(ctx context.Context, session int64) ([]Participant, error) {
	rs, err := r.conn(ctx).Raw(`SELECT p.conn, p.user_id, u.username, u.display_name, p.client FROM live_participants p JOIN users u ON u.id = p.user_id
		WHERE p.session_id = ? AND p.seen_at >= ? ORDER BY p.seen_at, p.conn`, session, millis(time.Now())-staleAfter.Milliseconds()).Rows()
	if err != nil {
		return nil, err
	}
	defer func() { _ = rs.Close() }()
	var out []Participant
	for rs.Next() {
		var p Participant
		if err := rs.Scan(&p.Conn, &p.UserID, &p.Username, &p.Name, &p.Client); err != nil {
			return nil, err
		}
		if p.Name == "" {
			p.Name = p.Username
		}
		out = append(out, p)
	}
	return out, rs.Err()
}

// clients maps every Yjs client that joined the session to its account.
func (r rows) clients(ctx context.Context, session int64) (map[int64]Participant, error) {
	rs, err := r.conn(ctx).Raw(`SELECT c.client, c.user_id, u.username, u.display_name FROM live_clients c JOIN users u ON u.id = c.user_id
		WHERE c.session_id = ?`, session).Rows()
	if err != nil {
		return nil, err
	}
	defer func() { _ = rs.Close() }()
	out := map[int64]Participant{}
	for rs.Next() {
		var p Participant
		if err := rs.Scan(&p.Client, &p.UserID, &p.Username, &p.Name); err != nil {
			return nil, err
		}
		if p.Name == "" {
			p.Name = p.Username
		}
		out[p.Client] = p
	}
	return out, rs.Err()
}

// claimLeader makes conn the leader if there is none or the last one's
// lease ran out; it tells whether conn leads now.
func (r rows) claimLeader(ctx context.Context, session int64, conn string, lease time.Duration) (bool, error) {
	now := time.Now()
	res := r.conn(ctx).Exec(`UPDATE live_sessions SET leader = ?, leader_until = ? WHERE id = ? AND (leader = ? OR leader = '' OR leader_until < ?)`,
		conn, millis(now.Add(lease)), session, conn, millis(now))
	return res.RowsAffected == 1, res.Error
}

func (r rows) releaseLeader(ctx context.Context, session int64, conn string) error {
	return r.conn(ctx).Exec(`UPDATE live_sessions SET leader = '', leader_until = 0 WHERE id = ? AND leader = ?`, session, conn).Error
}

// end deletes a session and everything it holds.
func (r rows) end(ctx context.Context, session int64) error {
	return r.d.WithTx(ctx, func(ctx context.Context) error {
		for _, table := range []string{"live_updates", "live_contributors", "live_clients", "live_participants"} {
			if err := r.conn(ctx).Exec(`DELETE FROM `+table+` WHERE session_id = ?`, session).Error; err != nil {
				return err
			}
		}
		return r.conn(ctx).Exec(`DELETE FROM live_sessions WHERE id = ?`, session).Error
	})
}

// idle lists sessions without a live participant.
func (r rows) idle(ctx context.Context) ([]int64, error) {
	rs, err := r.conn(ctx).Raw(`SELECT s.id FROM live_sessions s WHERE NOT EXISTS (SELECT 1 FROM live_participants p
		WHERE p.session_id = s.id AND p.seen_at >= ?)`, millis(time.Now())-staleAfter.Milliseconds()).Rows()
	if err != nil {
		return nil, err
	}
	defer func() { _ = rs.Close() }()
	var out []int64
	for rs.Next() {
		var id int64
		if err := rs.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rs.Err()
}
