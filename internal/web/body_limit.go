package web

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

	"atlas/internal/geo"
	"atlas/internal/sheet"
)

// Request bodies are not read by the server before routing: fasthttp
// streams them (Config.StreamRequestBody) and hands the handler chain the
// first 8 KB at most. readBody reads the rest once the route and the
// person are known, up to what that route needs. Before this, any URL read
// 8 MiB before its route or its CSRF check ran, and a hundred anonymous
// posts held 1.5 GB.

// Body limits by what a route receives.
const (
	// anonymousBodyBytes is what an anonymous post may send where no
	// sheet travels: a login's name, password and token, a language.
	anonymousBodyBytes = 8 << 10
	// formBodyBytes is any other form of a signed-in person: the longest
	// is a comment (sheet.MaxCommentRunes, four bytes a rune at most,
	// three once form-encoded).
	formBodyBytes = 256 << 10
	// sheetFormBytes is an editor's form: a body at the sheet limit and
	// its fields, form-encoded. A byte becomes up to three (%XX), and a
	// line break six: browsers send each as CRLF (%0D%0A), which the
	// sheet's limit does not count (see browserText). A place's shape
	// (geo.MaxBytes of JSON) travels beside it, three bytes a byte.
	sheetFormBytes = 6*sheet.MaxBodyBytes + 3*geo.MaxBytes + 512<<10
	// keptFormBytes is an editor's form from someone not signed in (a
	// session that ended: the text is kept through the login page, see
	// csrfRefused): the text and its fields, not a shape's room, so that
	// an anonymous post stays under the 8 MiB every other route refuses.
	keptFormBytes = 6*sheet.MaxBodyBytes + 512<<10
	// loginKeptBytes is a login form carrying an editor's refused
	// submission (see keptEdit), form-encoded.
	loginKeptBytes = 3*maxKeptBytes + 16<<10
	// sheetJSONBytes is an API write carrying a sheet: JSON escapes a
	// control character in six bytes.
	sheetJSONBytes = maxRequestBytes
	// largestBodyBytes is the most any route takes: a picture's upload.
	largestBodyBytes = max(maxRequestBytes, mediaFormBytes, sheetFormBytes)
)

// Bodies above bigBodyBytes draw on a shared budget while they are held,
// one for anonymous posts (an editor's text kept through login) and one
// for signed-in people, so that a crowd of large posts waits or is turned
// away instead of filling memory, and anonymous ones cannot crowd out
// saves.
const (
	bigBodyBytes          = 64 << 10
	anonymousBudgetBytes  = 16 << 20
	signedInBudgetBytes   = 96 << 20
	bodyBudgetWait        = 3 * time.Second
	bodyBudgetRetryAfter  = "5"
	contentLengthChunked  = -1
	contentLengthIdentity = -2
)

// bodyBudgets are the two shared budgets of large bodies.
type bodyBudgets struct {
	anonymous, signedIn *semaphore.Weighted
}

func newBodyBudgets() *bodyBudgets {
	return &bodyBudgets{anonymous: semaphore.NewWeighted(anonymousBudgetBytes), signedIn: semaphore.NewWeighted(signedInBudgetBytes)}
}

// bodyLimit is the most a request to path may send: a sheet's worth where
// a sheet travels (the editor's posts, drafts, the API's sheet writes, a
// login carrying a kept edit), a few KB elsewhere for anonymous posts.
func bodyLimit(method, path string, signedIn bool) int {
	if isMediaPost(method, path) {
		if signedIn {
			return mediaFormBytes
		}
		return anonymousBodyBytes
	}
	if rest, ok := strings.CutPrefix(path, "/api/v1/"); ok {
		if signedIn && apiCarriesSheet(method, rest) {
			return sheetJSONBytes
		}
		if signedIn {
			return formBodyBytes
		}
		return anonymousBodyBytes
	}
	if method != fiber.MethodPost {
		return anonymousBodyBytes
	}
	if path == "/login" {
		return loginKeptBytes
	}
	// An editor's post is read whoever sends it: one whose session ended
	// keeps its text through the login page (csrfRefused).
	if _, editor := editorPost(path); editor {
		if signedIn {
			return sheetFormBytes
		}
		return keptFormBytes
	}
	if !signedIn {
		return anonymousBodyBytes
	}
	if isDraftPost(path) {
		return sheetFormBytes
	}
	return formBodyBytes
}

// apiCarriesSheet names the API writes whose body holds a sheet's text;
// path is under /api/v1/.
func apiCarriesSheet(method, path string) bool {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case method == fiber.MethodPost && len(parts) == 1:
		return parts[0] == "sheets" || parts[0] == "preview"
	case len(parts) == 2 && parts[0] == "sheets":
		return method == fiber.MethodPut || method == fiber.MethodPatch
	case len(parts) == 3 && parts[0] == "sheets" && parts[2] == "draft":
		return method == fiber.MethodPut
	case len(parts) == 2 && parts[0] == "drafts" && parts[1] == "new":
		return method == fiber.MethodPut
	case len(parts) == 3 && parts[0] == "reviews" && parts[2] == "amendments":
		return method == fiber.MethodPost
	}
	return false
}

// isDraftPost names the editor's draft saves (its script posts the form).
func isDraftPost(path string) bool {
	return path == "/drafts/new" || (strings.HasPrefix(path, "/sheets/") && strings.HasSuffix(path, "/draft"))
}

// readBody reads the request's body, at most bodyLimit bytes: refused
// from its Content-Length before a byte is read, else while reading (a
// chunked body says nothing beforehand). Forms are then checked like the
// query (see cleanInput). It runs after the session or token is known and
// before anything reads a field.
func (h *handler) readBody(c *fiber.Ctx) error {
	req := c.Request()
	if !req.IsBodyStream() {
		// Nothing streamed: a request without a body, the common case, or
		// one built in memory (benchmarks calling the handler directly).
		if len(req.Body()) == 0 {
			return c.Next()
		}
		if len(req.Body()) > bodyLimit(c.Method(), c.Path(), userOf(c) != nil) {
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
		return newError(fiber.StatusUnsupportedMediaType, "compressed_body", "error.compressed_body")
	}
	signedIn := userOf(c) != nil
	limit := bodyLimit(c.Method(), c.Path(), signedIn)
	if size > limit {
		return bodyTooLarge()
	}
	reserve := size
	if size == contentLengthChunked {
		reserve = limit
	}
	if reserve > bigBodyBytes {
		budget := h.bodies.anonymous
		if signedIn {
			budget = h.bodies.signedIn
		}
		ctx, cancel := context.WithTimeout(c.UserContext(), bodyBudgetWait)
		err := budget.Acquire(ctx, int64(reserve))
		cancel()
		if err != nil {
			c.Set(fiber.HeaderRetryAfter, bodyBudgetRetryAfter)
			return newError(fiber.StatusServiceUnavailable, "busy", "error.busy_posts")
		}
		defer budget.Release(int64(reserve))
	}
	body, err := readLimited(req.BodyStream(), size, limit)
	if errors.Is(err, errBodyTooLarge) {
		return bodyTooLarge()
	}
	if err != nil {
		return newError(fiber.StatusBadRequest, "bad_request", "error.form_unreadable")
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
	return newError(fiber.StatusRequestEntityTooLarge, "request_too_large", "error.request_too_large")
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
// hold a NUL character or invalid UTF-8 (see cleanInput).
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
			return newError(fiber.StatusRequestEntityTooLarge, "too_many_fields", "error.too_many_fields")
		}
		args.VisitAll(func(k, v []byte) { check(k); check(v) })
	case strings.HasPrefix(ct, fiber.MIMEMultipartForm):
		form, err := c.MultipartForm()
		if err != nil {
			return newError(fiber.StatusBadRequest, "bad_request", "error.form_unreadable")
		}
		for k, values := range form.Value {
			check([]byte(k))
			for _, v := range values {
				check([]byte(v))
			}
		}
	}
	if bad {
		return newError(fiber.StatusBadRequest, "bad_request", "error.invalid_characters")
	}
	return nil
}

// unreadDrainBytes is how much of a body no route read is skipped to keep
// the connection: a small refused post (a 401, a 405) then leaves it as
// usable as before, and its sender gets the answer rather than a reset.
const unreadDrainBytes = 64 << 10

// closeUnreadBodies deals with a request whose body was never read
// (refused before readBody, or sent to a route that takes none): what is
// left of it must not be taken for the next request. A small rest is
// skipped; past that, the connection is closed after the answer.
//
// It also refuses, before routing, a body longer than any route takes:
// the one bound on a route that would read its body without readBody.
func (h *handler) closeUnreadBodies(c *fiber.Ctx) error {
	req := c.Request()
	if req.IsBodyStream() && req.Header.ContentLength() > largestBodyBytes {
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
