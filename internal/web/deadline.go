package web

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/db"
)

// Request deadlines when Deps leaves them zero. A stalled database (a lock
// held, a pool exhausted) then fails a request with a 503 after this long
// instead of holding it and its connection for ever.
const (
	defaultRequestTimeout = 15 * time.Second
	// Exports write a whole revision or decision record; they get longer.
	defaultExportTimeout = 2 * time.Minute
)

// bound gives the request a context with a deadline, which every handler
// passes down through c.UserContext() to services and store, so queries,
// pool waits and transaction retries stop when it passes.
//
// fasthttp runs a handler without watching its connection, so a client
// that leaves is not noticed before the answer is written: the deadline is
// what bounds the work it left behind. An event stream outlives its
// handler and never reads this context (it ends on its own lifetime): the
// deadline bounds only its opening lookup. On SQLite a wait for the write
// lock is bounded by the busy timeout instead (see db.IsBusy).
func (h *handler) bound(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), h.timeoutFor(c.Path()))
	defer cancel()
	c.SetUserContext(ctx)
	err := c.Next()
	if err != nil && (errors.Is(ctx.Err(), context.DeadlineExceeded) || db.IsBusy(err)) {
		// Whatever the driver made of the cancellation ("interrupted",
		// "timeout: context deadline exceeded"), the cause is the
		// deadline; a lock wait that gave up first (SQLite's busy timeout)
		// is the same stall. Logged here, as classify logs the 500s.
		h.log.Warn("request deadline exceeded", "method", c.Method(), "path", c.Path(), "error", err.Error())
		return deadlineError(c)
	}
	return err
}

func (h *handler) timeoutFor(path string) time.Duration {
	if isExport(path) {
		return h.exportTimeout
	}
	return h.requestTimeout
}

// isExport names the download routes: a sheet as Markdown, a decision
// record as JSON or Markdown.
func isExport(path string) bool {
	return strings.HasSuffix(path, "/export.md") || strings.HasSuffix(path, "/record.json") || strings.HasSuffix(path, "/record.md")
}

// deadlineError is what the client sees: a 503, as nothing was saved (a
// transaction cut short rolls back) and the request may be tried again.
func deadlineError(c *fiber.Ctx) *httpError {
	c.Set(fiber.HeaderRetryAfter, "5")
	return newError(fiber.StatusServiceUnavailable, "timeout", "La base de données n'a pas répondu à temps ; rien n'a été enregistré. Réessayez dans un instant.")
}
