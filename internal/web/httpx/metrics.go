package httpx

import (
	"crypto/subtle"
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

	"atlas/internal/db"
)

// Metrics are what /metrics exposes, in the Prometheus text format: request
// counts and latencies by route (the pattern, so the label set stays
// small), the process and the database pool. The web registers its own
// counters (saves, votes, caches) on Registry.
type Metrics struct {
	Registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	// series holds each requestKey's requestSeries; routes, methods and
	// statuses are few, so it stays small.
	series sync.Map
}

// NewMetrics registers the request, process and pool metrics of d.
func NewMetrics(d *db.DB) *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "atlas_http_requests_total", Help: "HTTP requests by route, method and status."},
			[]string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "atlas_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}}, []string{"route", "method"}),
	}
	m.Registry.MustRegister(m.requests, m.latency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if sqlDB, err := d.SQL(); err == nil {
		m.Registry.MustRegister(collectors.NewDBStatsCollector(sqlDB, "atlas"))
	}
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

// Public serves /metrics on the public listener only to a request
// carrying token as its bearer token; with no token, the route is not
// there (metrics are then served on ATLAS_METRICS_ADDR, or not at all).
func (m *Metrics) Public(token string) fiber.Handler {
	serve := adaptor.HTTPHandler(m.Handler())
	want := []byte(token)
	return func(c *fiber.Ctx) error {
		if len(want) == 0 {
			return fiber.ErrNotFound
		}
		given, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(given)), want) != 1 {
			c.Set(fiber.HeaderWWWAuthenticate, "Bearer")
			return NewError(fiber.StatusUnauthorized, "unauthorized", "error.metrics_token")
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		return serve(c)
	}
}

// Observer is the first middleware: it answers the chain's error with
// HandleError, then counts the request and writes its access-log line.
type Observer struct {
	Metrics     *Metrics
	HandleError fiber.ErrorHandler
	// Access receives a line per request; nil: none.
	Access *slog.Logger
}

// Observe records every request once it is answered, errors included.
func (o *Observer) Observe(c *fiber.Ctx) error {
	// The server read the clock just before calling the handler.
	start := c.Context().Time()
	if start.IsZero() { // a handler called directly, as in benchmarks
		start = time.Now()
	}
	if err := c.Next(); err != nil {
		// Answered here rather than by Fiber after the chain, so what is
		// counted and logged below is the error page as sent.
		if err := o.HandleError(c, err); err != nil {
			return err
		}
	}
	status := c.Response().StatusCode()
	elapsed := time.Since(start)
	route, method := c.Route().Path, c.Method()
	count, latency := o.Metrics.requestMetrics(route, method, status)
	count.Inc()
	latency.Observe(elapsed.Seconds())
	if o.Access != nil && o.Access.Enabled(c.UserContext(), slog.LevelInfo) {
		// A record handed to the handler as it is: Logger.Info would also
		// capture the caller's stack and box each value, a third of the
		// line's cost, for a line written at every request.
		r := slog.NewRecord(start.Add(elapsed), slog.LevelInfo, "request", 0)
		r.AddAttrs(slog.String("method", method), slog.String("path", c.Path()), slog.String("route", route), slog.Int("status", status),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000), slog.Int("bytes", bodySize(c.Response())))
		_ = o.Access.Handler().Handle(c.UserContext(), r)
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
func (m *Metrics) requestMetrics(route, method string, status int) (prometheus.Counter, prometheus.Observer) {
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

// bodySize is the size of an answer's body as sent (compressed if it is,
// none for HEAD), or -1 for a stream, whose size is not known yet (reading
// Body() would drain it).
func bodySize(r *fasthttp.Response) int {
	if r.SkipBody { // a HEAD answer
		return 0
	}
	if r.IsBodyStream() {
		return -1
	}
	return len(r.Body())
}
