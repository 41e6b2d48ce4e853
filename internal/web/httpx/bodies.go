package httpx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/sync/semaphore"
)

// maxFormFields bounds the fields of one request: the largest form (the
// sheet editor, every category ticked) has about forty.
const maxFormFields = 200

// CleanInput refuses a request whose path or query holds a NUL character
// or invalid UTF-8: no database stores them faithfully and PostgreSQL
// refuses them outright, so they would otherwise surface as a 500 from
// whatever lookup they reached. Form values get the same check once read
// (Bodies.Read, checkForm).
func CleanInput(c *fiber.Ctx) error {
	bad := false
	check := func(b []byte) {
		if !bad && (!utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0) {
			bad = true
		}
	}
	check([]byte(c.Path()))
	c.Request().URI().QueryArgs().VisitAll(func(k, v []byte) { check(k); check(v) })
	if c.Request().URI().QueryArgs().Len() > maxFormFields {
		return NewError(fiber.StatusRequestEntityTooLarge, "too_many_fields", "error.too_many_fields")
	}
	if bad {
		return NewError(fiber.StatusBadRequest, "bad_request", "error.invalid_characters")
	}
	return c.Next()
}

// Bodies above bigBodyBytes draw on a shared budget while they are held,
// one for anonymous posts (an editor's text kept through login) and one
// for signed-in people, so that a crowd of large posts waits or is turned
// away instead of filling memory, and anonymous ones cannot crowd out
// saves.
const (
	bigBodyBytes         = 64 << 10
	anonymousBudgetBytes = 16 << 20
	signedInBudgetBytes  = 96 << 20
	bodyBudgetWait       = 3 * time.Second
	// BusyRetryAfter is the Retry-After of an answer refused as busy.
	BusyRetryAfter        = "5"
	contentLengthChunked  = -1
	contentLengthIdentity = -2
)

// Bodies reads request bodies once their route and sender are known, each
// up to its route's limit, and deals with those no route read.
type Bodies struct {
	// Limit is the most a request to path may send.
	Limit func(method, path string, signedIn bool) int
	// Largest is the most any route takes; more is refused before routing.
	Largest int
	// SignedIn tells whether the request's sender is known.
	SignedIn func(c *fiber.Ctx) bool
	// The two shared budgets of large bodies.
	anonymous, signedIn *semaphore.Weighted
}

// NewBodies returns a reader of bodies with the limits given.
func NewBodies(limit func(method, path string, signedIn bool) int, largest int, signedIn func(c *fiber.Ctx) bool) *Bodies {
	return &Bodies{Limit: limit, Largest: largest, SignedIn: signedIn,
		anonymous: semaphore.NewWeighted(anonymousBudgetBytes), signedIn: semaphore.NewWeighted(signedInBudgetBytes)}
}

// Read reads the request's body, at most Limit bytes: refused
// from its Content-Length before a byte is read, else while reading (a
// chunked body says nothing beforehand). Forms are then checked like the
// query (see CleanInput). It runs after the session or token is known and
// before anything reads a field.
func (b *Bodies) Read(c *fiber.Ctx) error {
	req := c.Request()
	if !req.IsBodyStream() {
		// Nothing streamed: a request without a body, the common case, or
		// one built in memory (benchmarks calling the handler directly).
		if len(req.Body()) == 0 {
			return c.Next()
		}
		if len(req.Body()) > b.Limit(c.Method(), c.Path(), b.SignedIn(c)) {
			return bodyTooLarge()
		}
		if err := checkForm(c); err != nil {
			return err
		}
		return c.Next()
	}
	size := req.Header.ContentLength()
	if size == 0 || size == contentLengthIdentity {
		return c.Next()
	}
	if enc := c.Get(fiber.HeaderContentEncoding); enc != "" && !strings.EqualFold(enc, "identity") {
		// Browsers never compress what they post; a compressed body would
		// be decompressed whole, whatever its limit.
		return NewError(fiber.StatusUnsupportedMediaType, "compressed_body", "error.compressed_body")
	}
	signedIn := b.SignedIn(c)
	limit := b.Limit(c.Method(), c.Path(), signedIn)
	if size > limit {
		return bodyTooLarge()
	}
	reserve := size
	if size == contentLengthChunked {
		reserve = limit
	}
	if reserve > bigBodyBytes {
		budget := b.anonymous
		if signedIn {
			budget = b.signedIn
		}
		ctx, cancel := context.WithTimeout(c.UserContext(), bodyBudgetWait)
		err := budget.Acquire(ctx, int64(reserve))
		cancel()
		if err != nil {
			c.Set(fiber.HeaderRetryAfter, BusyRetryAfter)
			return NewError(fiber.StatusServiceUnavailable, "busy", "error.busy_posts")
		}
		defer budget.Release(int64(reserve))
	}
	body, err := readLimited(req.BodyStream(), size, limit)
	if errors.Is(err, errBodyTooLarge) {
		return bodyTooLarge()
	}
	if err != nil {
		return NewError(fiber.StatusBadRequest, "bad_request", "error.form_unreadable")
	}
	// Handlers read the body as before (FormValue, Body, BodyParser); the
	// connection is back at the next request's first byte.
	req.SetBodyRaw(body)
	req.Header.SetContentLength(len(body))
	if err := checkForm(c); err != nil {
		return err
	}
	return c.Next()
}

func bodyTooLarge() error {
	return NewError(fiber.StatusRequestEntityTooLarge, "request_too_large", "error.request_too_large")
}

var errBodyTooLarge = errors.New("request body too large")

// readLimited reads a body of size bytes (or, chunked, of any size up to
// limit) from r.
func readLimited(r io.Reader, size, limit int) ([]byte, error) {
	if size >= 0 {
		body := make([]byte, size)
		if _, err := io.ReadFull(r, body); err != nil {
			return nil, fmt.Errorf("read body: %w", err)
		}
		return body, nil
	}
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if n > int64(limit) {
		return nil, errBodyTooLarge
	}
	return buf.Bytes(), nil
}

// checkForm refuses a form with too many fields, or whose names or values
// hold a NUL character or invalid UTF-8 (see CleanInput).
func checkForm(c *fiber.Ctx) error {
	bad := false
	check := func(b []byte) {
		if !bad && (!utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0) {
			bad = true
		}
	}
	switch ct := string(c.Request().Header.ContentType()); {
	case strings.HasPrefix(ct, fiber.MIMEApplicationForm):
		args := c.Request().PostArgs()
		if c.Request().URI().QueryArgs().Len()+args.Len() > maxFormFields {
			return NewError(fiber.StatusRequestEntityTooLarge, "too_many_fields", "error.too_many_fields")
		}
		args.VisitAll(func(k, v []byte) { check(k); check(v) })
	case strings.HasPrefix(ct, fiber.MIMEMultipartForm):
		form, err := c.MultipartForm()
		if err != nil {
			return NewError(fiber.StatusBadRequest, "bad_request", "error.form_unreadable")
		}
		for k, values := range form.Value {
			check([]byte(k))
			for _, v := range values {
				check([]byte(v))
			}
		}
	}
	if bad {
		return NewError(fiber.StatusBadRequest, "bad_request", "error.invalid_characters")
	}
	return nil
}

// unreadDrainBytes is how much of a body no route read is skipped to keep
// the connection: a small refused post (a 401, a 405) then leaves it as
// usable as before, and its sender gets the answer rather than a reset.
const unreadDrainBytes = 64 << 10

// CloseUnread deals with a request whose body was never read
// (refused before Read, or sent to a route that takes none): what is
// left of it must not be taken for the next request. A small rest is
// skipped; past that, the connection is closed after the answer.
//
// It also refuses, before routing, a body longer than any route takes:
// the one bound on a route that would read its body without Read.
func (b *Bodies) CloseUnread(c *fiber.Ctx) error {
	req := c.Request()
	if req.IsBodyStream() && req.Header.ContentLength() > b.Largest {
		c.Context().SetConnectionClose()
		return bodyTooLarge()
	}
	err := c.Next()
	size := req.Header.ContentLength()
	if !req.IsBodyStream() || size == 0 {
		return err
	}
	// A larger or chunked body is not waited for: its sender may be
	// waiting for this very answer before sending the rest.
	if size < 0 || size > unreadDrainBytes {
		c.Context().SetConnectionClose()
		return err
	}
	if _, drainErr := io.Copy(io.Discard, req.BodyStream()); drainErr != nil {
		c.Context().SetConnectionClose()
	}
	return err
}
