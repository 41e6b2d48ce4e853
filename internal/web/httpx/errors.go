package httpx

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/auth"
	"atlas/internal/i18n"
	"atlas/internal/model"
	"atlas/internal/review"
	"atlas/internal/sheet"
)

// The rendering contract: every handler returns its error; Classify turns
// it into an *Error (status, stable code, message key), and the one error
// handler of the app writes it, as JSON under /api (IsAPI), as a page
// elsewhere, in the reader's language (Error.Message).

// Error is an error with what the client may see: a status, a stable
// code for programs, and the catalogue key (with its arguments) of the
// message for people, translated only when it is shown, into the reader's
// language.
type Error struct {
	Status int
	Code   string
	key    string
	args   []any
}

func (e *Error) Error() string { return e.Code + ": " + e.Message(i18n.Default) }

// Message is the error's text for people, in lang.
func (e *Error) Message(lang string) string {
	args := e.args
	for i, a := range e.args {
		if w, ok := a.(WaitFor); ok { // said in lang; the error keeps the wait
			args = slices.Clone(args)
			args[i] = WaitText(lang, time.Duration(w))
		}
	}
	return i18n.T(lang, e.key, args...)
}

// NewError builds an error shown with the message key, formatted with args.
func NewError(status int, code, key string, args ...any) *Error {
	return &Error{Status: status, Code: code, key: key, args: args}
}

// Classify maps any error to what the client sees. Unknown errors become a
// 500 whose cause is logged once, here, and never shown.
func Classify(err error) (*Error, bool) {
	var he *Error
	var fe *fiber.Error
	var invalidSheet *sheet.InvalidError
	var invalidAccount *auth.InvalidError
	var unknownMembers *review.UnknownMembersError
	var throttled *auth.ThrottledError
	var limited *sheet.RateLimitedError
	switch {
	case errors.As(err, &he):
		return he, false
	case errors.As(err, &invalidSheet):
		return invalidSheetError(invalidSheet), false
	case errors.As(err, &invalidAccount) && strings.HasPrefix(invalidAccount.Key, auth.ControlCharacterKey):
		return NewError(fiber.StatusBadRequest, "control_character", invalidAccount.Key), false
	case errors.As(err, &invalidAccount):
		return NewError(fiber.StatusUnprocessableEntity, "invalid_"+invalidAccount.Field, invalidAccount.Key, invalidAccount.Args...), false
	case errors.As(err, &unknownMembers):
		return NewError(fiber.StatusUnprocessableEntity, "unknown_members", "error.unknown_members", strings.Join(unknownMembers.Names, ", ")), false
	case errors.As(err, &throttled):
		return NewError(fiber.StatusTooManyRequests, "too_many_attempts", "error.too_many_attempts", WaitFor(throttled.RetryAfter)), false
	case errors.As(err, &limited):
		seconds := int((limited.RetryAfter + time.Second - 1) / time.Second)
		return NewError(fiber.StatusTooManyRequests, "too_many_comments", "error.too_many_comments", seconds), false
	case errors.As(err, &fe):
		return NewError(fe.Code, codeFor(fe.Code), messageFor(fe.Code)), false
	}
	if errors.Is(err, model.ErrCorruptRevision) {
		// A stored revision no longer matches its SHA-256: the atlas's
		// fault, logged, and said plainly rather than shown as a wrong text.
		return NewError(fiber.StatusInternalServerError, "revision_corrupt", "error.revision_corrupt"), true
	}
	for _, known := range knownErrors {
		if errors.Is(err, known.err) {
			return NewError(known.status, known.code, "error."+known.code), false
		}
	}
	return NewError(fiber.StatusInternalServerError, "internal", "error.internal"), true
}

// knownErrors are the services' sentinel errors with their status and
// code; each code's message is the catalogue's "error.<code>".
var knownErrors = []struct {
	err    error
	status int
	code   string
}{
	{model.ErrNotFound, fiber.StatusNotFound, "not_found"},
	{auth.ErrBusy, fiber.StatusServiceUnavailable, "busy"},
	{auth.ErrForbidden, fiber.StatusForbidden, "forbidden"},
	{auth.ErrLastAdmin, fiber.StatusConflict, "last_admin"},
	{sheet.ErrBaseRequired, fiber.StatusPreconditionRequired, "base_required"},
	{sheet.ErrUnchanged, fiber.StatusUnprocessableEntity, "unchanged"},
	{review.ErrNoBoard, fiber.StatusUnprocessableEntity, "no_board"},
	{review.ErrAlreadyOpen, fiber.StatusConflict, "review_open"},
	{review.ErrClosed, fiber.StatusConflict, "review_closed"},
	{review.ErrStaleRevision, fiber.StatusConflict, "stale_revision"},
	{review.ErrInvalidChoice, fiber.StatusBadRequest, "invalid_choice"},
	{review.ErrInvalidRule, fiber.StatusUnprocessableEntity, "invalid_rule"},
	{model.ErrConflict, fiber.StatusConflict, "conflict"},
	{auth.ErrLinkDead, fiber.StatusGone, "link_dead"},
	{auth.ErrSetupDone, fiber.StatusConflict, "setup_done"},
	{auth.ErrSignupClosed, fiber.StatusNotFound, "not_found"},
	{auth.ErrNotPending, fiber.StatusConflict, "not_pending"},
}

// invalidSheetError keeps the sheet service's code, except for a body
// over the size limit, which is the protocol's 413, and a control
// character, which is a malformed request (400) rather than a rule of
// the atlas.
func invalidSheetError(e *sheet.InvalidError) *Error {
	switch e.Code {
	case "body_too_large":
		return NewError(fiber.StatusRequestEntityTooLarge, "too_large", e.Key, e.Args...)
	case "control_character":
		return NewError(fiber.StatusBadRequest, e.Code, e.Key, e.Args...)
	case "slug_taken", "already_archived", "not_archived":
		return NewError(fiber.StatusConflict, e.Code, e.Key, e.Args...)
	}
	return NewError(fiber.StatusUnprocessableEntity, e.Code, e.Key, e.Args...)
}

// StatusError is the error of a bare status, with its generic code and
// message.
func StatusError(status int) *Error {
	return NewError(status, codeFor(status), messageFor(status))
}

func codeFor(status int) string {
	switch status {
	case fiber.StatusBadRequest:
		return "bad_request"
	case fiber.StatusUnauthorized:
		return "unauthorized"
	case fiber.StatusForbidden:
		return "forbidden"
	case fiber.StatusNotFound:
		return "not_found"
	case fiber.StatusMethodNotAllowed:
		return "method_not_allowed"
	case fiber.StatusRequestEntityTooLarge:
		return "too_large"
	case fiber.StatusTooManyRequests:
		return "too_many_requests"
	case fiber.StatusUnsupportedMediaType:
		return "unsupported_media_type"
	}
	return "error"
}

// messageFor is the message key of a bare status.
func messageFor(status int) string {
	switch code := codeFor(status); code {
	case "forbidden":
		return "error.forbidden"
	case "error":
		return "error.status.other"
	default:
		return "error.status." + code
	}
}

// IsAPI tells the JSON API's requests, whose errors are JSON.
func IsAPI(c *fiber.Ctx) bool {
	return strings.HasPrefix(c.Path(), "/api/")
}
