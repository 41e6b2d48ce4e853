package web

import (
	"cmp"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"

	"atlas/internal/web/httpx"
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
	app.Post("/api/v1/preview", h.loadSession, h.bearer, h.browserWrite, h.bodies.Read, h.requireLogin, h.apiPreview)
	// The editor's picture upload, likewise (the API's own, with a token,
	// is the same route).
	app.Post("/api/v1/sheets/:slug/media", h.loadSession, h.bearer, h.browserWrite, h.bodies.Read, h.requireLogin, h.apiUploadMedia)
	// Pictures, by their SHA-256: the same bytes for everyone for ever.
	app.Get("/media/:sha", h.serveMedia)

	// JSON API for programs: bearer tokens, or a browser session for reads.
	api := app.Group("/api/v1", h.loadSession, h.bearer, h.apiWritesNeedToken, h.bodies.Read, h.sheetAddress)
	api.Get("/sheets", h.apiListSheets)
	api.Post("/sheets", h.requireLogin, h.apiCreateSheet)
	api.Get("/sheets/:slug", h.apiShowSheet)
	api.Put("/sheets/:slug", h.requireLogin, h.apiUpdateSheet)
	api.Patch("/sheets/:slug", h.requireLogin, h.apiPatchSheet)
	api.Get("/sheets/:slug/live", h.requireLogin, h.apiLive)
	api.Get("/sheets/:slug/revisions", h.apiListRevisions)
	api.Get("/sheets/:slug/revisions/:number", h.apiShowRevision)
	api.Get("/sheets/:slug/diff", h.apiDiff)
	api.Get("/sheets/:slug/blame", h.apiShowBlame)
	api.Get("/sheets/:slug/export.md", h.exportMarkdown)
	api.Post("/sheets/:slug/restore", h.requireLogin, h.apiRestore)
	api.Post("/sheets/:slug/undo", h.requireLogin, h.apiUndo)
	api.Post("/sheets/:slug/archive", h.requireAdmin, h.apiArchiveSheet)
	api.Post("/sheets/:slug/unarchive", h.requireAdmin, h.apiUnarchiveSheet)
	api.Post("/sheets/:slug/merge", h.requireAdmin, h.apiMergeSheet)
	api.Get("/sheets/:slug/comments", h.apiComments)
	api.Post("/sheets/:slug/comments", h.requireLogin, h.apiCreateComment)
	api.Delete("/comments/:id", h.requireLogin, h.apiHideComment)
	api.Put("/sheets/:slug/board", h.requireAdmin, h.apiSetBoard)
	api.Get("/sheets/:slug/reviews", h.apiListReviews)
	api.Post("/sheets/:slug/reviews", h.requireLogin, h.apiSubmitReview)
	api.Get("/sheets/:slug/draft", h.requireLogin, h.apiShowDraft)
	api.Put("/sheets/:slug/draft", h.requireLogin, h.apiPutDraft)
	api.Delete("/sheets/:slug/draft", h.requireLogin, h.apiDeleteDraft)
	api.Get("/drafts", h.requireLogin, h.apiListDrafts)
	api.Get("/drafts/new", h.requireLogin, h.apiShowDraft)
	api.Put("/drafts/new", h.requireLogin, h.apiPutDraft)
	api.Delete("/drafts/new", h.requireLogin, h.apiDeleteDraft)
	api.Get("/search", h.apiSearch)
	api.Get("/map.geojson", h.mapGeoJSON)
	api.Get("/changes", h.apiChanges)
	api.Get("/users/:username/contributions", h.apiContributions)
	api.Get("/suggest", h.apiSuggest)
	api.Put("/sheets/:slug/watch", h.requireLogin, h.apiWatch)
	api.Delete("/sheets/:slug/watch", h.requireLogin, h.apiUnwatch)
	api.Get("/reviews/:id", h.apiShowReview)
	api.Get("/reviews/:id/record", h.exportRecordJSON)
	api.Get("/sheets/:slug/board/minutes", h.apiBoardMinutes)
	api.Post("/reviews/:id/votes", h.requireLogin, h.apiVote)
	api.Post("/reviews/:id/amendments", h.requireLogin, h.apiAmend)
	api.Post("/reviews/:id/withdraw", h.requireLogin, h.apiWithdraw)
	api.Post("/users/:username/reset-link", h.requireAdmin, h.apiCreateResetLink)
	api.Post("/users/:username/approve", h.requireAdmin, h.apiDecideSignup(true))
	api.Post("/users/:username/refuse", h.requireAdmin, h.apiDecideSignup(false))
	api.Use(func(c *fiber.Ctx) error { return cmp.Or(h.methods.NotAllowed(c), error(fiber.ErrNotFound)) })

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
	pages.Get("/sheets/new", h.requireLogin, h.showNewSheetPage)
	pages.Post("/sheets", h.requireLogin, h.createSheet)
	pages.Get("/sheets/:slug", h.showSheetPage)
	pages.Get("/sheets/:slug/edit", h.requireLogin, h.showEditSheetPage)
	pages.Post("/sheets/:slug/media", h.requireLogin, h.uploadPicture)
	pages.Get("/sheets/:slug/events", h.requireLogin, h.sheetEvents)
	pages.Get("/sheets/:slug/live/socket", h.liveSocket)
	pages.Post("/sheets/:slug/edit", h.requireLogin, h.updateSheet)
	pages.Get("/sheets/:slug/history", h.showHistoryPage)
	pages.Get("/sheets/:slug/revisions/:number", h.showRevisionPage)
	pages.Post("/sheets/:slug/revisions/:number/restore", h.requireLogin, h.restoreRevision)
	pages.Get("/sheets/:slug/revisions/:number/undo", h.requireLogin, h.showUndoPage)
	pages.Post("/sheets/:slug/revisions/:number/undo", h.requireLogin, h.undoRevision)
	pages.Get("/sheets/:slug/diff", h.showDiffPage)
	pages.Get("/sheets/:slug/blame", h.showBlamePage)
	pages.Get("/sheets/:slug/feed.atom", h.sheetAtomFeed)
	pages.Get("/sheets/:slug/export.md", h.exportMarkdown)
	pages.Get("/search", h.showSearchPage)
	pages.Get("/changes", h.showChangesPage)
	pages.Get("/people/:username", h.showPersonPage)
	pages.Post("/sheets/:slug/watch", h.requireLogin, h.watchSheet)
	pages.Post("/sheets/:slug/unwatch", h.requireLogin, h.unwatchSheet)
	pages.Get("/map", h.showMapPage)
	pages.Get("/sheets/:slug/comments", h.showDiscussionPage)
	pages.Post("/sheets/:slug/comments", h.requireLogin, h.createComment)
	pages.Post("/sheets/:slug/comments/:id/hide", h.requireLogin, h.hideComment)

	// Drafts kept by the editor (its script posts the form with its CSRF
	// token) and discarded from its banner.
	pages.Post("/sheets/:slug/draft", h.requireLogin, h.saveDraft)
	pages.Post("/sheets/:slug/draft/delete", h.requireLogin, h.discardDraft)
	pages.Post("/drafts/new", h.requireLogin, h.saveDraft)
	pages.Post("/drafts/new/delete", h.requireLogin, h.discardDraft)

	// The board: submissions, votes, amendments, decision records.
	pages.Get("/sheets/:slug/reviews", h.showReviewListPage)
	pages.Post("/sheets/:slug/reviews", h.requireLogin, h.submitReview)
	pages.Get("/sheets/:slug/reviews/:id", h.showReviewPage)
	pages.Get("/sheets/:slug/reviews/:id/record.json", h.exportRecordJSON)
	pages.Get("/sheets/:slug/reviews/:id/record.md", h.exportRecordMarkdown)
	pages.Post("/sheets/:slug/reviews/:id/votes", h.requireLogin, h.castVote)
	pages.Get("/sheets/:slug/reviews/:id/amend", h.requireLogin, h.showAmendPage)
	pages.Post("/sheets/:slug/reviews/:id/amend", h.requireLogin, h.amendReview)
	pages.Get("/sheets/:slug/reviews/:id/live/socket", h.amendLiveSocket)
	pages.Post("/sheets/:slug/reviews/:id/withdraw", h.requireLogin, h.withdrawReview)
	pages.Get("/sheets/:slug/board", h.requireAdmin, h.showBoardPage)
	pages.Get("/sheets/:slug/board/meetings", h.showMeetingsPage)
	pages.Get("/sheets/:slug/board/minutes.md", h.exportMinutesMarkdown)
	pages.Get("/sheets/:slug/board/minutes.html", h.showMinutesPage)
	pages.Post("/sheets/:slug/board", h.requireAdmin, h.updateBoard)

	// Running the atlas: rename, archive, merge (issue 15).
	pages.Get("/sheets/:slug/admin", h.requireAdmin, h.showSheetAdminPage)
	pages.Post("/sheets/:slug/rename", h.requireAdmin, h.renameSheet)
	pages.Post("/sheets/:slug/archive", h.requireAdmin, h.archiveSheet)
	pages.Post("/sheets/:slug/unarchive", h.requireAdmin, h.unarchiveSheet)
	pages.Post("/sheets/:slug/merge", h.requireAdmin, h.mergeSheet)
	pages.Get("/inbox", h.requireLogin, h.showInboxPage)
	pages.Post("/inbox/read", h.requireLogin, h.markInboxRead)

	account := pages.Group("/account", h.requireLogin)
	account.Get("", h.showAccountPage)
	account.Post("/password", h.changePassword)
	account.Post("/tokens", h.createToken)
	account.Post("/tokens/:id/delete", h.deleteToken)

	admin := pages.Group("/admin", h.requireAdmin)
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
