package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/auth"
	"atlas/internal/model"
)

// keptAccounts holds what a request's credentials bring, so that a
// signed-in page or an API read with a token costs no database round trip:
// a browser's session with its account and unread count (auth.Visit,
// without the sheet: rows are kept by slug beside them), and a program's
// token with its account. It lives in sheetRows, under its rules: kept
// only while the change feed is live (on PostgreSQL, migration 0027 names
// the account of every changed session, account, token or notification;
// on SQLite any commit drops everything), dropped for an account when a
// notice names it, dropped whole when the feed starts or stops and after
// every write this instance answers, never trusted longer than the rows'
// trust (5 s). Only signed-in sessions are kept: anonymous ones carry a
// login form's token and are rare.
type keptAccounts struct {
	visits map[string]keptVisit // by the hash of the session cookie
	tokens map[string]keptToken // by the hash of the API token
	// ofUser lists the keys kept for each account, so that a notice drops
	// them without a walk through every entry.
	ofUser map[int64][]accountKey
	stamps uint64
}

type accountKey struct {
	token bool
	hash  string
}

// keptVisit is a kept session. stamp names this load of it: pages kept
// for a reader carry it in their key (see sendReaderPage), so they go when
// it does. A visit just loaded carries stamp 0: nothing is kept under it.
type keptVisit struct {
	visit  auth.Visit
	stamp  uint64
	loaded time.Time
}

type keptToken struct {
	user   *model.User
	sheet  *model.Sheet // nil when kept: rows are kept by slug
	loaded time.Time
}

func newKeptAccounts() keptAccounts {
	return keptAccounts{visits: map[string]keptVisit{}, tokens: map[string]keptToken{}, ofUser: map[int64][]accountKey{}}
}

func (a *keptAccounts) clear() {
	clear(a.visits)
	clear(a.tokens)
	clear(a.ofUser)
}

// index records that key belongs to userID, the first time it is kept.
func (a *keptAccounts) index(userID int64, key accountKey, known bool) {
	if !known {
		a.ofUser[userID] = append(a.ofUser[userID], key)
	}
}

func (a *keptAccounts) full() bool {
	return len(a.visits)+len(a.tokens) >= maxSheetRows
}

// visit returns the session whose cookie hashes to hash, kept or loaded.
// A kept one comes without its sheet (Sheet nil).
func (r *sheetRows) visit(hash, slug string, load func() (auth.Visit, error)) (keptVisit, error) {
	return keptOrLoad(r, "visit "+slug+" "+hash,
		func() (keptVisit, time.Time, bool) {
			k, ok := r.accounts.visits[hash]
			return k, k.loaded, ok && r.now().Before(k.visit.Session.ExpiresAt)
		},
		func() (keptVisit, error) { v, err := load(); return keptVisit{visit: v}, err },
		func(k keptVisit, now time.Time) {
			if k.visit.User == nil {
				return
			}
			if r.accounts.full() {
				r.accounts.clear()
			}
			_, known := r.accounts.visits[hash]
			r.accounts.stamps++
			k.visit.Sheet, k.stamp, k.loaded = nil, r.accounts.stamps, now
			r.accounts.visits[hash] = k
			r.accounts.index(k.visit.User.ID, accountKey{hash: hash}, known)
		})
}

// token returns the account of the API token that hashes to hash, kept or
// loaded. A kept one comes without its sheet.
func (r *sheetRows) token(hash, slug string, load func() (*model.User, *model.Sheet, error)) (keptToken, error) {
	return keptOrLoad(r, "token "+slug+" "+hash,
		func() (keptToken, time.Time, bool) { k, ok := r.accounts.tokens[hash]; return k, k.loaded, ok },
		func() (keptToken, error) { u, sh, err := load(); return keptToken{user: u, sheet: sh}, err },
		func(k keptToken, now time.Time) {
			if r.accounts.full() {
				r.accounts.clear()
			}
			_, known := r.accounts.tokens[hash]
			r.accounts.tokens[hash] = keptToken{user: k.user, loaded: now}
			r.accounts.index(k.user.ID, accountKey{token: true, hash: hash}, known)
		})
}

// AccountChanged implements events.ChangeWatcher: it drops what is kept
// for the account, or for every account when userID is 0.
func (r *sheetRows) AccountChanged(userID int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gen++ // a load under way may have read the account before the change
	if userID == 0 {
		r.accounts.clear()
		return
	}
	for _, k := range r.accounts.ofUser[userID] {
		if k.token {
			delete(r.accounts.tokens, k.hash)
		} else {
			delete(r.accounts.visits, k.hash)
		}
	}
	delete(r.accounts.ofUser, userID)
}

// writeFenceCookie marks a browser that has just written. A write through
// this instance drops what it keeps at once, but another instance hears of
// it only when the change notice arrives, a few milliseconds later: a
// browser sent there by a load balancer right after its save could read
// the sheet, its unread count or its own account as they were. For as long
// as anything is trusted without a notice (the rows' trust, 5 s), a
// browser carrying this cookie is served from the database on every
// instance, as if nothing were kept; past it, no instance holds anything
// loaded before the write, even if its feed failed silently. The cookie
// says nothing secret and gives nothing: a client that keeps sending it
// only makes its own reads slower.
const writeFenceCookie = "atlas_wrote"

// setWriteFence marks the answer to a write (see writeFenceCookie).
func (h *handler) setWriteFence(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{
		Name: writeFenceCookie, Value: "1", Path: "/", MaxAge: int((h.caches.rows.trust + time.Second - 1) / time.Second),
		Secure: h.cfg.SecureCookies(), HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// fenced says whether the request must read nothing kept: its browser
// has just written (see writeFenceCookie).
func fenced(c *fiber.Ctx) bool {
	return c.Cookies(writeFenceCookie) != ""
}

// localVisitStamp holds the stamp of the kept session a request came with
// (see keptVisit), 0 when it was read from the database.
const localVisitStamp = "visit_stamp"

// visit resolves a browser's session cookie as auth.Visit does, from the
// kept sessions when it may (see keptAccounts), and says under which stamp
// pages may be kept for it (0: none). A kept session comes without the
// sheet's row: sheetAddress then takes it from the kept rows.
func (h *handler) visit(c *fiber.Ctx, token, slug string) (auth.Visit, uint64, error) {
	ctx := c.UserContext()
	load := func() (auth.Visit, error) { return h.auth.Visit(ctx, token, slug, maxUnread) }
	if fenced(c) {
		v, err := load()
		return v, 0, err
	}
	k, err := h.caches.rows.visit(auth.HashToken(token), slug, load)
	return k.visit, k.stamp, err
}

// tokenUser resolves an API token as auth.UserAndSheetForToken does, from
// the kept tokens when it may; a kept token comes without the sheet's row.
// A kept token's use is not recorded: its last use, kept to the minute, is
// written at its next load, 5 s later at most.
func (h *handler) tokenUser(c *fiber.Ctx, token, slug string) (*model.User, *model.Sheet, error) {
	ctx := c.UserContext()
	load := func() (*model.User, *model.Sheet, error) { return h.auth.UserAndSheetForToken(ctx, token, slug) }
	if fenced(c) {
		return load()
	}
	k, err := h.caches.rows.token(auth.HashToken(token), slug, load)
	return k.user, k.sheet, err
}
