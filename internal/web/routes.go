package web

import (
	"cmp"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"

	"atlas/internal/web/api"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
)

// routes lists every route of the atlas, grouped by feature, each group
// with its middleware.
func (h *handler) routes(app *fiber.App) {
	// Compression of text answers for browsers that ask; brotli or gzip.
	// Event streams are not compressed: compression would hold back the
	// events it buffers.
	app.Use(h.observer.Observe, h.bodies.CloseUnread, h.deadlines.Bound, compress.New(compress.Config{Level: compress.LevelBestSpeed,
		Next: func(c *fiber.Ctx) bool {
			return strings.HasSuffix(c.Path(), "/events") || strings.HasSuffix(c.Path(), "/live/socket")
		}}), h.securityHeaders, httpx.CleanInput, h.forgetRowsAfterWrites)
	app.Get("/static/:hash/*", h.static.serve)
	app.Get("/healthz", h.health.Serve)
	app.Get("/metrics", h.metrics.http.Public(h.cfg.MetricsToken))
	app.Get("/feed.atom", h.loadSession, h.atomFeed)
	app.Get("/map.geojson", h.loadSession, h.mapGeoJSON)

	// The editor's preview, which browsers call with their session and its
	// CSRF token (browserWrite); registered ahead of the API group, whose
	// other writes take only tokens.
	app.Post("/api/v1/preview", h.loadSession, h.bearer, h.browserWrite, h.bodies.Read, request.RequireLogin, h.apiPreview)
	// The editor's picture upload, likewise (the API's own, with a token,
	// is the same route).
	app.Post("/api/v1/sheets/:slug/media", h.loadSession, h.bearer, h.browserWrite, h.bodies.Read, request.RequireLogin, h.apiUploadMedia)
	// Pictures, by their SHA-256: the same bytes for everyone for ever.
	app.Get("/media/:sha", h.serveMedia)

	// JSON API for programs: bearer tokens, or a browser session for reads.
	apiGroup := app.Group("/api/v1", h.loadSession, h.bearer, h.apiWritesNeedToken, h.bodies.Read, h.sheetAddress)
	api.Routes(apiGroup, h.api, api.Web{
		Diff: h.apiDiff, ExportMarkdown: h.exportMarkdown, RecordJSON: h.exportRecordJSON, BoardMinutes: h.apiBoardMinutes,
		Search: h.apiSearch, Map: h.mapGeoJSON, Changes: h.apiChanges, Contributions: h.apiContributions,
		Watch: h.apiWatch, Unwatch: h.apiUnwatch, ResetLink: h.apiCreateResetLink,
	})
	apiGroup.Use(func(c *fiber.Ctx) error { return cmp.Or(h.methods.NotAllowed(c), error(fiber.ErrNotFound)) })

	// Pages for people. A route that reads a body must sit in this group
	// or the API's, or chain h.bodies.Read itself: bodies are read there, up
	// to the route's limit, and nowhere else (see body_limit.go).
	pages := app.Group("", h.loadSession, h.bodies.Read, h.browserText, h.checkCSRF, h.sheetAddress)
	pages.Get("/", h.showHomePage)
	pages.Get("/login", h.showLoginPage)
	pages.Post("/login", h.login)
	pages.Post("/logout", h.logout)
	// One-time links (links.go): the first admin, a forgotten password.
	pages.Get("/setup/:token", h.showSetupPage)
	pages.Post("/setup/:token", h.completeSetup)
	pages.Get("/password/:token", h.showPasswordLinkPage)
	pages.Post("/password/:token", h.usePasswordLink)
	pages.Get("/forgot", h.showForgotPage)
	pages.Post("/forgot", h.sendPasswordMail)
	pages.Get("/signup", h.showSignupPage)
	pages.Post("/signup", h.signUp)
	pages.Get("/lang/:lang", h.switchLanguage)
	pages.Get("/sheets", h.showSheetListPage)
	pages.Get("/sheets/new", request.RequireLogin, h.showNewSheetPage)
	pages.Post("/sheets", request.RequireLogin, h.createSheet)
	pages.Get("/sheets/:slug", h.showSheetPage)
	pages.Get("/sheets/:slug/edit", request.RequireLogin, h.showEditSheetPage)
	pages.Post("/sheets/:slug/media", request.RequireLogin, h.uploadPicture)
	pages.Get("/sheets/:slug/events", request.RequireLogin, h.sheetEvents)
	pages.Get("/sheets/:slug/live/socket", h.liveSocket)
	pages.Post("/sheets/:slug/edit", request.RequireLogin, h.updateSheet)
	pages.Get("/sheets/:slug/history", h.showHistoryPage)
	pages.Get("/sheets/:slug/revisions/:number", h.showRevisionPage)
	pages.Post("/sheets/:slug/revisions/:number/restore", request.RequireLogin, h.restoreRevision)
	pages.Get("/sheets/:slug/revisions/:number/undo", request.RequireLogin, h.showUndoPage)
	pages.Post("/sheets/:slug/revisions/:number/undo", request.RequireLogin, h.undoRevision)
	pages.Get("/sheets/:slug/diff", h.showDiffPage)
	pages.Get("/sheets/:slug/blame", h.showBlamePage)
	pages.Get("/sheets/:slug/feed.atom", h.sheetAtomFeed)
	pages.Get("/sheets/:slug/export.md", h.exportMarkdown)
	pages.Get("/search", h.showSearchPage)
	pages.Get("/changes", h.showChangesPage)
	pages.Get("/people/:username", h.showPersonPage)
	pages.Post("/sheets/:slug/watch", request.RequireLogin, h.watchSheet)
	pages.Post("/sheets/:slug/unwatch", request.RequireLogin, h.unwatchSheet)
	pages.Get("/map", h.showMapPage)
	pages.Get("/sheets/:slug/comments", h.showDiscussionPage)
	pages.Post("/sheets/:slug/comments", request.RequireLogin, h.createComment)
	pages.Post("/sheets/:slug/comments/:id/hide", request.RequireLogin, h.hideComment)

	// Drafts kept by the editor (its script posts the form with its CSRF
	// token) and discarded from its banner.
	pages.Post("/sheets/:slug/draft", request.RequireLogin, h.saveDraft)
	pages.Post("/sheets/:slug/draft/delete", request.RequireLogin, h.discardDraft)
	pages.Post("/drafts/new", request.RequireLogin, h.saveDraft)
	pages.Post("/drafts/new/delete", request.RequireLogin, h.discardDraft)

	// The board: submissions, votes, amendments, decision records.
	pages.Get("/sheets/:slug/reviews", h.showReviewListPage)
	pages.Post("/sheets/:slug/reviews", request.RequireLogin, h.submitReview)
	pages.Get("/sheets/:slug/reviews/:id", h.showReviewPage)
	pages.Get("/sheets/:slug/reviews/:id/record.json", h.exportRecordJSON)
	pages.Get("/sheets/:slug/reviews/:id/record.md", h.exportRecordMarkdown)
	pages.Post("/sheets/:slug/reviews/:id/votes", request.RequireLogin, h.castVote)
	pages.Get("/sheets/:slug/reviews/:id/amend", request.RequireLogin, h.showAmendPage)
	pages.Post("/sheets/:slug/reviews/:id/amend", request.RequireLogin, h.amendReview)
	pages.Get("/sheets/:slug/reviews/:id/live/socket", h.amendLiveSocket)
	pages.Post("/sheets/:slug/reviews/:id/withdraw", request.RequireLogin, h.withdrawReview)
	pages.Get("/sheets/:slug/board", request.RequireAdmin, h.showBoardPage)
	pages.Get("/sheets/:slug/board/meetings", h.showMeetingsPage)
	pages.Get("/sheets/:slug/board/minutes.md", h.exportMinutesMarkdown)
	pages.Get("/sheets/:slug/board/minutes.html", h.showMinutesPage)
	pages.Post("/sheets/:slug/board", request.RequireAdmin, h.updateBoard)

	// Running the atlas: rename, archive, merge (issue 15).
	pages.Get("/sheets/:slug/admin", request.RequireAdmin, h.showSheetAdminPage)
	pages.Post("/sheets/:slug/rename", request.RequireAdmin, h.renameSheet)
	pages.Post("/sheets/:slug/archive", request.RequireAdmin, h.archiveSheet)
	pages.Post("/sheets/:slug/unarchive", request.RequireAdmin, h.unarchiveSheet)
	pages.Post("/sheets/:slug/merge", request.RequireAdmin, h.mergeSheet)
	pages.Get("/inbox", request.RequireLogin, h.showInboxPage)
	pages.Post("/inbox/read", request.RequireLogin, h.markInboxRead)

	account := pages.Group("/account", request.RequireLogin)
	account.Get("", h.showAccountPage)
	account.Post("/password", h.changePassword)
	account.Post("/tokens", h.createToken)
	account.Post("/tokens/:id/delete", h.deleteToken)

	admin := pages.Group("/admin", request.RequireAdmin)
	admin.Get("/users", h.showAdminUsersPage)
	admin.Post("/users", h.createUser)
	admin.Post("/users/:id", h.updateUser)
	admin.Post("/users/:id/password", h.resetUserPassword)
	admin.Post("/users/:id/reset-link", h.createResetLink)
	admin.Post("/users/:id/approve", h.decideSignup(true))
	admin.Post("/users/:id/refuse", h.decideSignup(false))
	admin.Get("/audit", h.showAuditPage)

	h.methods = httpx.NewMethodTable(app)
}
