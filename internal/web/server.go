// Package web is the atlas's HTTP face: server-rendered pages for people
// and the JSON API for programs, both calling the same services.
package web

import (
	"cmp"
	"log/slog"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/auth"
	"atlas/internal/cache"
	"atlas/internal/config"
	"atlas/internal/db"
	"atlas/internal/events"
	"atlas/internal/live"
	"atlas/internal/media"
	"atlas/internal/notify"
	"atlas/internal/read"
	"atlas/internal/render"
	"atlas/internal/review"
	"atlas/internal/search"
	"atlas/internal/sheet"
	"atlas/internal/web/api"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
	"atlas/internal/web/site"
	"atlas/internal/web/view"
)

// Deps is what the web layer needs from the rest of the atlas.
type Deps struct {
	Config config.Config
	// DB is pinged by /healthz and its pool counted by /metrics.
	DB *db.DB
	// Read is the read side every page and API answer shows.
	Read    *read.Reader
	Search  search.Searcher
	Media   *media.Service
	Auth    *auth.Service
	Sheets  *sheet.Service
	Reviews *review.Service
	Notify  *notify.Service
	Events  *events.Hub // nil: no live events
	// Live runs the live co-writing sessions; whoever builds it runs its
	// loop (see app.Handler).
	Live *live.Service
	Log  *slog.Logger
	// AccessLog receives a line per request when Config.AccessLog is on;
	// nil: Log does.
	AccessLog *slog.Logger
	// StreamLifetime bounds one event stream (browsers reconnect); zero
	// means ten minutes.
	StreamLifetime time.Duration
	// WriteTimeout bounds writing one answer; zero means a minute. Event
	// streams push it back at each write.
	WriteTimeout time.Duration
	// RequestTimeout bounds one request (see httpx.Deadlines); zero means 15 s.
	// ExportTimeout bounds a download; zero means two minutes.
	RequestTimeout, ExportTimeout time.Duration
	// Stopping closes when the server starts shutting down: event streams
	// end then, so a graceful stop need not wait for open editors.
	Stopping <-chan struct{}
	// KeptFor bounds how long a sheet row, a session or a token is kept
	// in memory while the change feed is live; zero means 5 s. Tests
	// lengthen it to show that change notices, not age, drop what they
	// name.
	KeptFor time.Duration
	// DiskFree tells the free bytes of the file system holding a
	// directory, for /healthz; nil: the system's own count.
	DiskFree func(dir string) (uint64, error)
}

// handler holds the dependencies every action uses; each action is one of
// its methods, one per file.
type handler struct {
	cfg      config.Config
	db       *db.DB
	read     *read.Reader // what pages and the API show
	auth     *auth.Service
	sheets   *sheet.Service
	reviews  *review.Service
	notify   *notify.Service
	events   *events.Hub
	streams  *events.StreamLimit // event streams open per account
	searcher search.Searcher
	log      *slog.Logger
	observer *httpx.Observer // counts and logs each request
	views    *view.Engine
	assets   *view.Assets
	static   *staticFiles
	maps     *view.MapSettings
	markdown *renderCache  // the renderer, its output kept in caches
	headers  httpx.Headers // on every answer: httpx.SecurityHeaders
	caches   *caches
	// build fingerprints the release (httpx.ReleaseID), templates and static
	// files, so a page cached by a browser or a proxy does not outlive it.
	build   string
	metrics *metrics
	stream  time.Duration
	// stopping: see Deps.Stopping.
	stopping     <-chan struct{}
	methods      *httpx.MethodTable // see MethodTable.NotAllowed
	deadlines    *httpx.Deadlines   // see Deps.RequestTimeout
	client       httpx.Client       // who asks, and at which address
	bodies       *httpx.Bodies      // see bodyLimit
	health       *httpx.Health
	media        *media.Service
	mediaFiles   *cache.LRU[mediaKey, mediaFile] // see serveMedia
	pictureSizes *pictureSizes
	live         *live.Service
	// load loads what pages and the API show alike (reviews).
	load *site.Loader
	// api answers the JSON API's own routes (see api.Routes).
	api *api.Handler
}

// writeBufferBytes is a connection's write buffer: the size of a long
// sheet's page.
const writeBufferBytes = 64 << 10

// maxRequestBytes bounds any request. A 1 MiB sheet body can grow up to six
// times once JSON-escaped, so the transport allows more and handlers check
// the sheet's own limit. Each route reads only what it needs (httpx.Bodies).
const maxRequestBytes = 8 << 20

// New builds the Fiber app with every route.
func New(d Deps) (*fiber.App, error) {
	app, _, err := NewWithMetrics(d)
	return app, err
}

// NewWithMetrics builds the Fiber app and the handler of its metrics, for
// a listener of their own (config.Config.MetricsAddr).
func NewWithMetrics(d Deps) (*fiber.App, http.Handler, error) {
	a, err := view.NewAssets(d.Config.Dev)
	if err != nil {
		return nil, nil, err
	}
	files, err := newStaticFiles(a)
	if err != nil {
		return nil, nil, err
	}
	v, err := view.New(d.Config.Dev, a, pageNames)
	if err != nil {
		return nil, nil, err
	}
	h := &handler{
		cfg: d.Config, auth: d.Auth, sheets: d.Sheets, reviews: d.Reviews, notify: d.Notify, events: d.Events, log: d.Log, db: d.DB, searcher: d.Search,
		views: v, assets: a, static: files, headers: httpx.SecurityHeaders(httpx.BuildCSP(d.Config.TileOrigin(), d.Config.GeocoderOrigin()), d.Config.SecureCookies()), build: httpx.ReleaseID() + v.Fingerprint() + a.Fingerprint(),
	}
	h.maps = newMapSettings(d.Config, a)
	h.caches = newCaches(h.build)
	if d.KeptFor > 0 {
		h.caches.rows.trust = d.KeptFor
	}
	h.markdown = h.caches.markdown
	h.metrics = newMetrics(h)
	h.observer = &httpx.Observer{Metrics: h.metrics.http, HandleError: h.handleError}
	if d.Config.AccessLog {
		h.observer.Access = cmp.Or(d.AccessLog, d.Log)
	}
	h.bodies = httpx.NewBodies(bodyLimit, largestBodyBytes, func(c *fiber.Ctx) bool { return request.User(c) != nil })
	h.media = d.Media
	h.mediaFiles = newMediaCache()
	h.read = d.Read
	h.pictureSizes = newPictureSizes(d.Read)
	h.markdown.renderer = render.NewWithPictures(h.pictureSizes.get)
	h.health = &httpx.Health{DB: d.DB, DataDir: d.Config.DataDir, DiskFree: d.DiskFree, Log: d.Log}
	h.live = d.Live
	h.load = &site.Loader{Read: d.Read, Reviews: d.Reviews}
	h.api = api.New(api.Deps{
		Read: d.Read, Sheets: d.Sheets, Reviews: d.Reviews, Auth: d.Auth, Live: d.Live, Load: h.load, Counts: h.metrics.counts,
		Reads: h.caches.apiReads, SheetForPage: h.sheetForPage,
	})
	// An amendment session left by everyone is saved as its review's
	// amendment. Set before the service's loop runs (app.Handler starts
	// it after New): idle sessions are saved at start-up.
	if h.live != nil && h.reviews != nil {
		h.live.SetAmend(h.liveAmend)
	}
	if d.Events != nil {
		d.Events.WatchChanges(h.caches)
	}
	h.stream, h.stopping = d.StreamLifetime, d.Stopping
	h.streams = events.NewStreamLimit(streamsPerAccount)
	h.deadlines = &httpx.Deadlines{Request: d.RequestTimeout, Export: d.ExportTimeout, Log: d.Log}
	h.client = httpx.Client{TrustedProxy: d.Config.TrustedProxy, BaseURL: d.Config.BaseURL}
	if h.stream == 0 {
		h.stream = 10 * time.Minute
	}
	app := fiber.New(fiber.Config{
		AppName:      "atlas",
		ErrorHandler: h.handleError,
		BodyLimit:    largestBodyBytes,
		// Bodies are read by the route that takes them, up to its own
		// limit, once the person is known (httpx.Bodies); the server only
		// buffers their first 8 KB. Multipart forms likewise wait for
		// httpx.Bodies rather than being parsed whole on arrival.
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
		// Fiber's own Protocol, Hostname and IP believe X-Forwarded-*
		// headers from the trusted proxy only (see httpx.Client).
		EnableTrustedProxyCheck: true,
		TrustedProxies:          httpx.TrustedProxies(d.Config.TrustedProxy),
		ReadTimeout:             30 * time.Second,
		WriteTimeout:            cmp.Or(d.WriteTimeout, time.Minute),
		IdleTimeout:             120 * time.Second,
		// A page up to this size leaves in one write: the default 4 KB
		// buffer split every sheet page in two, and each extra segment
		// costs the kernel more than the copy into the buffer (the bare
		// send of a 26 KB page measured a quarter faster). 50 connections
		// hold 3 MB.
		WriteBufferSize:       writeBufferBytes,
		DisableStartupMessage: true,
		// Fiber reuses request buffers, so values kept beyond a handler
		// are copied where they are kept (the store's body cache, search's
		// stems, the metrics' labels). Immutable would copy every string
		// of every request instead: six more allocations on a cached page,
		// which measured about 15 % more CPU per read.
		Immutable: false,
	})
	h.routes(app)
	return app, h.metrics.http.Handler(), nil
}
