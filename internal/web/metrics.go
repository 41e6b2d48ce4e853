package web

import (
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/valyala/fasthttp"

	"atlas/internal/cache"
	"atlas/internal/sheet"
)

// metrics are what /metrics exposes, in the Prometheus text format: request
// counts and latencies by route (the pattern, so the label set stays
// small), the outcomes of saves and votes, and the database pool.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	saves    *prometheus.CounterVec
	votes    prometheus.Counter
	// series holds each requestKey's requestSeries; routes, methods and
	// statuses are few, so it stays small.
	series sync.Map
}

func newMetrics(h *handler) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "atlas_http_requests_total", Help: "HTTP requests by route, method and status."},
			[]string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "atlas_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}}, []string{"route", "method"}),
		saves: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "atlas_saves_total", Help: "Sheet saves by outcome: saved, merged, unchanged, conflict, refused."},
			[]string{"outcome"}),
		votes: prometheus.NewCounter(prometheus.CounterOpts{Name: "atlas_votes_total", Help: "Board votes recorded."}),
	}
	m.registry.MustRegister(m.requests, m.latency, m.saves, m.votes,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.registry.MustRegister(newCacheCollector(func() map[string]cache.Stats {
		all := h.caches.stats()
		all["revision_bodies"] = h.read.BodyCacheStats()
		return all
	}))
	if sqlDB, err := h.db.SQL(); err == nil {
		m.registry.MustRegister(collectors.NewDBStatsCollector(sqlDB, "atlas"))
	}
	return m
}

// observe records every request once it is answered, errors included.
func (h *handler) observe(c *fiber.Ctx) error {
	// The server read the clock just before calling the handler.
	start := c.Context().Time()
	if start.IsZero() { // a handler called directly, as in benchmarks
		start = time.Now()
	}
	if err := c.Next(); err != nil {
		// Answered here rather than by Fiber after the chain, so what is
		// counted and logged below is the error page as sent.
		if err := h.handleError(c, err); err != nil {
			return err
		}
	}
	status := c.Response().StatusCode()
	elapsed := time.Since(start)
	route, method := c.Route().Path, c.Method()
	count, latency := h.metrics.requestMetrics(route, method, status)
	count.Inc()
	latency.Observe(elapsed.Seconds())
	if h.cfg.AccessLog && h.access.Enabled(c.UserContext(), slog.LevelInfo) {
		// A record handed to the handler as it is: Logger.Info would also
		// capture the caller's stack and box each value, a third of the
		// line's cost, for a line written at every request.
		r := slog.NewRecord(start.Add(elapsed), slog.LevelInfo, "request", 0)
		r.AddAttrs(slog.String("method", method), slog.String("path", c.Path()), slog.String("route", route), slog.Int("status", status),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000), slog.Int("bytes", bodySize(c.Response())))
		_ = h.access.Handler().Handle(c.UserContext(), r)
	}
	return nil
}

// requestKey names one series of the request metrics.
type requestKey struct {
	route, method string
	status        int
}

type requestSeries struct {
	count   prometheus.Counter
	latency prometheus.Observer
}

// requestMetrics returns the series of a route, method and status, looked
// up once: label hashing would otherwise cost every request.
func (m *metrics) requestMetrics(route, method string, status int) (prometheus.Counter, prometheus.Observer) {
	if s, ok := m.series.Load(requestKey{route, method, status}); ok {
		s := s.(requestSeries)
		return s.count, s.latency
	}
	// Fiber's strings may live in buffers the next request reuses: what
	// is kept gets copies.
	route, method = strings.Clone(route), strings.Clone(method)
	s := requestSeries{
		count:   m.requests.WithLabelValues(route, method, strconv.Itoa(status)),
		latency: m.latency.WithLabelValues(route, method),
	}
	m.series.Store(requestKey{route, method, status}, s)
	return s.count, s.latency
}

// countChange records the outcome of an amendment or a restore, which
// merge nothing.
func (h *handler) countChange(err error) {
	if errors.Is(err, sheet.ErrUnchanged) {
		h.countSave(sheet.SaveResult{Unchanged: true}, nil)
		return
	}
	h.countSave(sheet.SaveResult{}, err)
}

// countSave records the outcome of a save.
func (h *handler) countSave(res sheet.SaveResult, err error) {
	var conflict *sheet.ConflictError
	switch {
	case errors.As(err, &conflict):
		h.metrics.saves.WithLabelValues("conflict").Inc()
	case err != nil:
		h.metrics.saves.WithLabelValues("refused").Inc()
	case res.Unchanged:
		h.metrics.saves.WithLabelValues("unchanged").Inc()
	case res.Merged:
		h.metrics.saves.WithLabelValues("merged").Inc()
	default:
		h.metrics.saves.WithLabelValues("saved").Inc()
	}
}

// metricsHTTP serves the metrics in the Prometheus text format.
func (h *handler) metricsHTTP() http.Handler {
	return promhttp.HandlerFor(h.metrics.registry, promhttp.HandlerOpts{})
}

// publicMetrics serves /metrics on the public listener only to a request
// carrying ATLAS_METRICS_TOKEN as its bearer token; with no token set, the
// route is not there (metrics are then served on ATLAS_METRICS_ADDR, or
// not at all).
func (h *handler) publicMetrics() fiber.Handler {
	serve := adaptor.HTTPHandler(h.metricsHTTP())
	token := []byte(h.cfg.MetricsToken)
	return func(c *fiber.Ctx) error {
		if len(token) == 0 {
			return fiber.ErrNotFound
		}
		given, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(given)), token) != 1 {
			c.Set(fiber.HeaderWWWAuthenticate, "Bearer")
			return newError(fiber.StatusUnauthorized, "unauthorized", "error.metrics_token")
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		return serve(c)
	}
}

// bodySize is the size of an answer's body as sent (compressed if it is,
// none for HEAD), or -1 for a stream, whose size is not known yet (reading Body() would
// drain it).
func bodySize(r *fasthttp.Response) int {
	if r.SkipBody { // a HEAD answer
		return 0
	}
	if r.IsBodyStream() {
		return -1
	}
	return len(r.Body())
}
