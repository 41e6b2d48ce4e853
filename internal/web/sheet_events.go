package web

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/events"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
)

// presenceInterval is how often an open editor says it is still there.
// A stream ends after h.stream; browsers reconnect by themselves (retry).
const presenceInterval = 20 * time.Second

// streamWriteTimeout bounds one write of an event stream: a browser that
// stops reading is let go.
const streamWriteTimeout = 30 * time.Second

// streamsPerAccount bounds the event streams one account holds open at
// once (in each instance): a page or two per tab is plenty, thousands are
// an attack. streamRetryAfter is when to try again once refused: by then
// a stream whose browser went away has noticed at its next ping.
const (
	streamsPerAccount = 5
	streamRetryAfter  = "20" // seconds, presenceInterval
)

// sheetEvents streams a sheet's live news as Server-Sent Events: new
// revisions, board decisions, and (with ?editing=1) who else has the
// editor open, announced on connection and every 20 s while it stays.
func (h *handler) sheetEvents(c *fiber.Ctx) error {
	if h.events == nil {
		return fiber.ErrNotFound
	}
	sh, err := h.read.SheetBySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	user := request.User(c)
	release, ok := h.streams.Acquire(user.ID)
	if !ok {
		c.Set(fiber.HeaderRetryAfter, streamRetryAfter)
		return httpx.NewError(fiber.StatusTooManyRequests, "too_many_streams", "error.too_many_streams")
	}
	// Copies: the stream outlives this handler and Fiber reuses its values.
	self, name, editing, sheetID := user.ID, strings.Clone(user.Name()), c.Query("editing") == "1", sh.ID
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set("X-Accel-Buffering", "no") // tell nginx not to hold the stream
	feed, stop := h.events.Subscribe(sheetID)
	hub, lifetime, stopping := h.events, h.stream, h.stopping
	// The server's write timeout is set once per answer; a stream lives
	// longer, so each write pushes the deadline back instead.
	conn := c.Context().Conn()
	// send writes one message and pushes it out; an error means the
	// browser went away.
	send := func(w *bufio.Writer, format string, args ...any) error {
		if _, err := fmt.Fprintf(w, format, args...); err != nil {
			return err
		}
		if err := conn.SetWriteDeadline(time.Now().Add(streamWriteTimeout)); err != nil {
			return err
		}
		return w.Flush()
	}
	// The stream runs after this handler returns, when Fiber has recycled
	// c: nothing below may touch it, its context included.
	presence := func() {
		if editing {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			hub.Publish(ctx, events.Event{Kind: events.KindPresence, SheetID: sheetID, UserID: self, Name: name})
		}
	}
	presence()
	// The writer always runs (fasthttp starts it at once, and it ends when
	// the stream does), so the slot is given back exactly when the stream
	// ends, whoever ends it.
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer release()
		defer stop()
		end := time.After(lifetime)
		tick := time.NewTicker(presenceInterval)
		defer tick.Stop()
		if send(w, "retry: 5000\n\n") != nil {
			return
		}
		for {
			var err error
			select {
			case e := <-feed:
				if e.UserID == self {
					continue // one's own saves are no news
				}
				data, _ := json.Marshal(e)
				err = send(w, "event: %s\ndata: %s\n\n", e.Kind, data)
			case <-tick.C:
				presence()
				err = send(w, ": ping\n\n")
			case <-end:
				return
			case <-stopping:
				return
			}
			if err != nil {
				return // the browser went away
			}
		}
	})
	return nil
}
