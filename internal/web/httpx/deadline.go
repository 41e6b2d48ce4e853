package httpx

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/db"
)

// Request deadlines when Deps leaves them zero. A stalled database (a lock
// held, a pool exhausted) then fails a request with a 503 after this long
// instead of holding it and its connection for ever.
const (
	DefaultRequestTimeout = 15 * time.Second
	// Exports write a whole revision or decision record; they get longer.
	DefaultExportTimeout = 2 * time.Minute
)

// Deadlines bound requests: Request each one, Export the downloads
// (zero: the defaults above). Log receives a line per request cut short.
type Deadlines struct {
	Request, Export time.Duration
	Log             *slog.Logger
}

// Bound gives the request a context with a deadline, which every handler
// passes down through c.UserContext() to services and store, so queries,
// pool waits and transaction retries stop when it passes.
//
// fasthttp runs a handler without watching its connection, so a client
// that leaves is not noticed before the answer is written: the deadline is
// what bounds the work it left behind. An event stream outlives its
// handler and never reads this context (it ends on its own lifetime): the
// deadline bounds only its opening lookup. A wait for a lock ends with the
// deadline too, or earlier with the database's own lock timeout (see
// db.IsBusy).
func (d *Deadlines) Bound(c *fiber.Ctx) error {
	ctx := newRequestContext(time.Now().Add(d.timeoutFor(c.Path())))
	defer ctx.end()
	c.SetUserContext(ctx)
	err := c.Next()
	if err != nil && (ctx.expired() || db.IsBusy(err)) {
		// Whatever the driver made of the cancellation ("interrupted",
		// "timeout: context deadline exceeded"), the cause is the
		// deadline; a lock wait that gave up first (SQLite's busy timeout)
		// is the same stall. Logged here, as the error handler logs the 500s.
		d.Log.Warn("request deadline exceeded", "method", c.Method(), "path", c.Path(), "error", err.Error())
		return DeadlineError(c)
	}
	return err
}

func (d *Deadlines) timeoutFor(path string) time.Duration {
	if isExport(path) {
		return cmp.Or(d.Export, DefaultExportTimeout)
	}
	return cmp.Or(d.Request, DefaultRequestTimeout)
}

// isExport names the download routes: a sheet as Markdown, a decision
// record as JSON or Markdown.
func isExport(path string) bool {
	return strings.HasSuffix(path, "/export.md") || strings.HasSuffix(path, "/record.json") || strings.HasSuffix(path, "/record.md")
}

// DeadlineError is what the client sees: a 503, as nothing was saved (a
// transaction cut short rolls back) and the request may be tried again.
func DeadlineError(c *fiber.Ctx) *Error {
	c.Set(fiber.HeaderRetryAfter, "5")
	return NewError(fiber.StatusServiceUnavailable, "timeout", "error.timeout")
}

// requestContext is a request's deadline that starts its timer only when
// something waits on it (Done, Err): a page served from the caches never
// does, and a timer's cost is a tenth of such a request's. Its values are
// those of the context it starts, from Background, so a request's context
// carries none of a previous one's (a RequestCtx reused without fasthttp's
// reset, as in benchmarks, would hand its last context back).
type requestContext struct {
	deadline time.Time
	mu       sync.Mutex
	inner    context.Context // nil until started
	cancel   context.CancelFunc
}

func newRequestContext(deadline time.Time) *requestContext {
	return &requestContext{deadline: deadline}
}

func (r *requestContext) Deadline() (time.Time, bool) { return r.deadline, true }
func (r *requestContext) Done() <-chan struct{}       { return r.started().Done() }
func (r *requestContext) Err() error                  { return r.started().Err() }

// Value answers from the started context, where context.WithCancel and
// the like find the parent to attach to (they call Done first).
func (r *requestContext) Value(key any) any {
	r.mu.Lock()
	inner := r.inner
	r.mu.Unlock()
	if inner == nil {
		return nil
	}
	return inner.Value(key)
}

func (r *requestContext) started() context.Context {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.inner == nil {
		r.inner, r.cancel = context.WithDeadline(context.Background(), r.deadline)
	}
	return r.inner
}

// expired reports whether something waited on the deadline and it passed.
// A context never started is not started here: an error answer (a 404 to a
// crawler) need not pay for a timer.
func (r *requestContext) expired() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.inner != nil && errors.Is(r.inner.Err(), context.DeadlineExceeded)
}

// end cancels the context when its request is answered; one never
// started becomes one already ended, for whatever still holds it.
func (r *requestContext) end() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.inner == nil {
		r.inner = endedContext
		return
	}
	r.cancel()
}

// endedContext is a context already canceled.
var endedContext = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()
