package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"atlas/internal/document"
	"atlas/internal/model"
	"atlas/internal/store"
)

// Errors of the auth layer.
var (
	ErrBadCredentials = errors.New("auth: wrong username or password")
	ErrForbidden      = errors.New("auth: forbidden")
	ErrNoSession      = errors.New("auth: no session")
)

// InvalidError names the field of a refused account, with the catalogue
// key (and arguments) of the message the web layer translates.
type InvalidError struct {
	Field string
	Key   string
	Args  []any
}

func (e *InvalidError) Error() string { return "auth: " + e.Field + ": " + e.Key }

// ControlCharacterKey starts the message key of a field refused for a
// control character (document.OneLine); the web layer answers it 400.
const ControlCharacterKey = "error.control_character."

// Session lifetimes: a signed-in session lasts a month; an anonymous one
// only carries the login form's CSRF token.
const (
	SessionLifetime   = 30 * 24 * time.Hour
	AnonymousLifetime = 2 * time.Hour
	MinPasswordLength = 10
)

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,39}$`)

// ValidUsername reports whether s is a username CreateUser accepts.
func ValidUsername(s string) bool { return usernamePattern.MatchString(s) }

// ValidEmail reports whether s is an address CreateUser accepts.
func ValidEmail(s string) bool { return validEmail(s) }

// Service manages accounts and credentials.
type Service struct {
	store *store.Store
	now   func() time.Time
	// dummyHash makes a login for an unknown user cost what a known one
	// costs, so timing does not tell which usernames exist.
	dummyHash string
	// signupNotice tells admins that an account waits for them (see
	// WithSignupNotice); nil tells nobody.
	signupNotice SignupNotice
}

// SignupNotice tells the admins, inside the sign-up's transaction, that a
// self-registered account waits for their yes or no; the returned func
// runs once that transaction committed (to wake a mail sender, say).
type SignupNotice func(ctx context.Context, waiting *model.User) (committed func(), err error)

// WithSignupNotice sets who is told of sign-ups waiting for approval.
func (s *Service) WithSignupNotice(f SignupNotice) *Service {
	s.signupNotice = f
	return s
}

// NewService builds the service.
func NewService(s *store.Store) *Service {
	dummy, err := HashPassword("not a real password, only for timing")
	if err != nil {
		panic(err)
	}
	return &Service{store: s, now: func() time.Time { return time.Now().UTC() }, dummyHash: dummy}
}

// NewUser is what an admin types to create an account.
type NewUser struct {
	Username    string
	Email       string
	DisplayName string
	Role        string
	Password    string
}

// CreateUser validates and stores an account.
func (s *Service) CreateUser(ctx context.Context, in NewUser) (*model.User, error) {
	u, err := s.prepareUser(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := s.storeUser(ctx, u); err != nil {
		return nil, err
	}
	return u, nil
}

// prepareUser validates an account and hashes its password, the slow part,
// before any transaction is opened.
func (s *Service) prepareUser(ctx context.Context, in NewUser) (*model.User, error) {
	in.Username = strings.TrimSpace(in.Username)
	in.Email = strings.TrimSpace(in.Email)
	switch {
	case !usernamePattern.MatchString(in.Username):
		return nil, &InvalidError{"username", "error.username_format", nil}
	case !validEmail(in.Email):
		return nil, &InvalidError{"email", "error.email_format", nil}
	case in.Role != model.RoleContributor && in.Role != model.RoleAdmin:
		return nil, &InvalidError{"role", "error.role_format", nil}
	case !document.OneLine(in.DisplayName):
		return nil, &InvalidError{"display_name", ControlCharacterKey + "display_name", nil}
	}
	if err := CheckNewPassword(in.Password, in.Username, in.Email); err != nil {
		return nil, err
	}
	hash, err := s.hashPassword(ctx, in.Password)
	if err != nil {
		return nil, err
	}
	now := s.now()
	return &model.User{
		Username: in.Username, Email: in.Email, DisplayName: strings.TrimSpace(in.DisplayName),
		PasswordHash: hash, Role: in.Role, CreatedAt: now, UpdatedAt: now,
	}, nil
}

// storeUser inserts a prepared account; a taken name is the form's error.
func (s *Service) storeUser(ctx context.Context, u *model.User) error {
	if err := s.store.CreateUser(ctx, u); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return &InvalidError{"username", "error.username_taken", nil}
		}
		return err
	}
	return nil
}

func validEmail(s string) bool {
	addr, err := mail.ParseAddress(s)
	return err == nil && addr.Address == s
}

// Authenticate checks a username and password. Unknown users, wrong
// passwords and disabled accounts all get ErrBadCredentials after the same
// amount of hashing work, done within the hashing bound (ErrBusy when no
// slot frees in time).
func (s *Service) Authenticate(ctx context.Context, username, password string) (*model.User, error) {
	leave, err := enterHashing(ctx, hashWait)
	if err != nil {
		return nil, err
	}
	defer leave()
	return s.checkPassword(ctx, username, password)
}

// checkPassword is Authenticate for a caller holding a hashing slot.
func (s *Service) checkPassword(ctx context.Context, username, password string) (*model.User, error) {
	u, err := s.store.UserByLogin(ctx, strings.TrimSpace(username))
	if errors.Is(err, store.ErrNotFound) {
		_, _ = verifyPassword(s.dummyHash, password)
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, err
	}
	ok, err := verifyPassword(u.PasswordHash, password)
	if err != nil {
		return nil, fmt.Errorf("auth: user %q: %w", u.Username, err)
	}
	if !ok || u.Disabled || u.State == model.UserRefused {
		return nil, ErrBadCredentials
	}
	if u.State == model.UserPending {
		// Said only to whoever knows the password.
		return nil, ErrPending
	}
	return u, nil
}

// NewToken returns 256 random bits, URL-safe.
func NewToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // the system's random source failing is not recoverable
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is how a secret token is stored and looked up.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// StartSession creates a session and returns the cookie value. userID nil
// makes an anonymous session. Logging in always goes through here, so the
// session id is renewed and a fixated one is worthless.
func (s *Service) StartSession(ctx context.Context, userID *int64) (string, *model.Session, error) {
	token := NewToken()
	now := s.now()
	lifetime := SessionLifetime
	if userID == nil {
		lifetime = AnonymousLifetime
	}
	sess := &model.Session{
		ID: HashToken(token), UserID: userID, CSRFToken: NewToken(),
		CreatedAt: now, ExpiresAt: now.Add(lifetime),
	}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return "", nil, err
	}
	return token, sess, nil
}

// Login replaces the old session (if any) with a fresh one for u.
func (s *Service) Login(ctx context.Context, u *model.User, oldToken string) (string, *model.Session, error) {
	if oldToken != "" {
		if err := s.store.DeleteSession(ctx, HashToken(oldToken)); err != nil {
			return "", nil, err
		}
	}
	return s.StartSession(ctx, &u.ID)
}

// Logout ends a session.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.store.DeleteSession(ctx, HashToken(token))
}

// Session resolves a cookie value to its session and, when signed in, its
// live account. A disabled account's session is refused.
func (s *Service) Session(ctx context.Context, token string) (*model.Session, *model.User, error) {
	if token == "" {
		return nil, nil, ErrNoSession
	}
	sess, u, err := s.store.SessionWithUser(ctx, HashToken(token), s.now())
	return s.live(store.Visit{Session: sess, User: u}, err)
}

// Visit is what a browser's request reads before its own work (see
// store.Visit), named here for the layers above the store.
type Visit = store.Visit

// Visit is Session for a page: it also brings the account's unread
// notifications (up to maxUnread) and the row of the sheet named slug (""
// for none), read in the same query (see store.Visit). A refused session
// is ErrNoSession, as from Session.
func (s *Service) Visit(ctx context.Context, token, slug string, maxUnread int) (store.Visit, error) {
	if token == "" {
		return store.Visit{}, ErrNoSession
	}
	v, err := s.store.Visit(ctx, HashToken(token), s.now(), slug, maxUnread)
	sess, u, err := s.live(v, err)
	if err != nil {
		return store.Visit{}, err
	}
	v.Session, v.User = sess, u
	return v, nil
}

// live keeps a found session whose account, if any, may sign in.
func (s *Service) live(v store.Visit, err error) (*model.Session, *model.User, error) {
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, ErrNoSession
	}
	if err != nil {
		return nil, nil, err
	}
	if v.Session.UserID == nil {
		return v.Session, nil, nil
	}
	if !v.User.CanSignIn() {
		return nil, nil, ErrNoSession
	}
	return v.Session, v.User, nil
}

// CreateAPIToken makes a bearer token for a user and returns its value,
// which is shown once and never stored.
func (s *Service) CreateAPIToken(ctx context.Context, userID int64, name string) (string, error) {
	if !document.OneLine(name) {
		return "", &InvalidError{"name", ControlCharacterKey + "token_name", nil}
	}
	token := "atl_" + NewToken()
	t := &model.APIToken{UserID: userID, Name: strings.TrimSpace(name), TokenHash: HashToken(token), CreatedAt: s.now()}
	if err := s.store.CreateAPIToken(ctx, t); err != nil {
		return "", err
	}
	return token, nil
}

// UserForToken resolves a bearer token to its live account.
func (s *Service) UserForToken(ctx context.Context, token string) (*model.User, error) {
	u, _, err := s.UserAndSheetForToken(ctx, token, "")
	return u, err
}

// UserAndSheetForToken is UserForToken that also brings the row of the
// sheet named slug, read in the same query (see
// store.APITokenWithUserAndSheet): nil when slug is empty or names no
// sheet.
func (s *Service) UserAndSheetForToken(ctx context.Context, token, slug string) (*model.User, *model.Sheet, error) {
	var t *model.APIToken
	var u *model.User
	var sh *model.Sheet
	var err error
	if slug == "" {
		t, u, err = s.store.APITokenWithUser(ctx, HashToken(token))
	} else {
		t, u, sh, err = s.store.APITokenWithUserAndSheet(ctx, HashToken(token), slug)
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, ErrBadCredentials
	}
	if err != nil {
		return nil, nil, err
	}
	if !u.CanSignIn() {
		return nil, nil, ErrBadCredentials
	}
	// The last use is kept to the minute: a busy program must not turn
	// every read into a write.
	now := s.now()
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= time.Minute {
		if err := s.store.TouchAPIToken(ctx, t.ID, now); err != nil {
			return nil, nil, err
		}
	}
	return u, sh, nil
}

// ChangePassword sets a new password after checking the current one and
// ends every session and every API token of the account: whoever else held
// one, a thief included, must sign in again, and a program must be given a
// new token. The caller starts a fresh session for the person who changed
// it. Wrong current passwords count as failed logins of the account, so a
// borrowed session cannot be used to guess it. It returns how many API
// tokens were ended.
func (s *Service) ChangePassword(ctx context.Context, u *model.User, current, next string) (int64, error) {
	if _, err := s.throttled(ctx, u.Username, current, accountKey(u.Username), changeKey(u.Username)); errors.Is(err, ErrBadCredentials) {
		return 0, &InvalidError{"current_password", "error.wrong_password", nil}
	} else if err != nil {
		return 0, err
	}
	return s.setPassword(ctx, u, &u.ID, next, "account")
}

// ResetPassword gives account u a new password without the current one,
// as an administrator does: from the admin page, or from the command line
// (through which a restored archive's accounts get theirs), where actor is
// nil. Its sessions and API tokens end as in ChangePassword.
func (s *Service) ResetPassword(ctx context.Context, actor, u *model.User, next string) (int64, error) {
	var actorID *int64
	via := "command_line"
	if actor != nil {
		if !actor.IsAdmin() {
			return 0, ErrForbidden
		}
		actorID, via = &actor.ID, "admin"
	}
	return s.setPassword(ctx, u, actorID, next, via)
}

// setPassword checks and stores a new password, then ends the account's
// sessions and API tokens and writes the audit entry, in one transaction:
// a token must not outlive the password that stood behind it.
func (s *Service) setPassword(ctx context.Context, u *model.User, actorID *int64, next, via string) (int64, error) {
	return s.setPasswordClaiming(ctx, u, actorID, next, via, nil)
}

// setPasswordClaiming is setPassword that first runs claim in the same
// transaction (a one-time link being used): when claim fails, nothing
// changes.
func (s *Service) setPasswordClaiming(ctx context.Context, u *model.User, actorID *int64, next, via string, claim func(ctx context.Context) error) (int64, error) {
	if err := CheckNewPassword(next, u.Username, u.Email); err != nil {
		return 0, err
	}
	hash, err := s.hashPassword(ctx, next)
	if err != nil {
		return 0, err
	}
	var ended int64
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		if claim != nil {
			if err := claim(ctx); err != nil {
				return err
			}
		}
		if err := s.store.UpdateUserPassword(ctx, u.ID, hash); err != nil {
			return err
		}
		if err := s.store.DeleteUserSessions(ctx, u.ID); err != nil {
			return err
		}
		if ended, err = s.store.DeleteUserAPITokens(ctx, u.ID); err != nil {
			return err
		}
		return s.store.AppendAudit(ctx, &model.AuditEntry{CreatedAt: s.now(), ActorID: actorID, Action: store.AuditPasswordChange,
			Details: model.JSONMap{"user_id": u.ID, "user": u.Username, "via": via, "tokens_ended": ended}})
	})
	return ended, err
}
