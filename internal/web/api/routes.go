package api

import (
	"github.com/gofiber/fiber/v2"

	"atlas/internal/web/request"
)

// Web names the API routes whose handlers internal/web keeps, because they
// share their loading with a page: the downloads both serve (a sheet's
// Markdown, a decision record, the map), the diff, search, changes,
// contributions, the board's minutes, watching and reset links. Routes
// lists them in their place, so the API's routes read as one list in one
// order.
type Web struct {
	Diff, ExportMarkdown, RecordJSON, BoardMinutes fiber.Handler
	Search, Map, Changes, Contributions            fiber.Handler
	Watch, Unwatch, ResetLink                      fiber.Handler
}

// Routes registers every /api/v1 route on api, the group internal/web
// mounts with its middleware (session or token, bodies, the addressed
// sheet).
func Routes(api fiber.Router, h *Handler, w Web) {
	api.Get("/sheets", h.apiListSheets)
	api.Post("/sheets", request.RequireLogin, h.apiCreateSheet)
	api.Get("/sheets/:slug", h.apiShowSheet)
	api.Put("/sheets/:slug", request.RequireLogin, h.apiUpdateSheet)
	api.Patch("/sheets/:slug", request.RequireLogin, h.apiPatchSheet)
	api.Get("/sheets/:slug/live", request.RequireLogin, h.apiLive)
	api.Get("/sheets/:slug/revisions", h.apiListRevisions)
	api.Get("/sheets/:slug/revisions/:number", h.apiShowRevision)
	api.Get("/sheets/:slug/diff", w.Diff)
	api.Get("/sheets/:slug/blame", h.apiShowBlame)
	api.Get("/sheets/:slug/export.md", w.ExportMarkdown)
	api.Post("/sheets/:slug/restore", request.RequireLogin, h.apiRestore)
	api.Post("/sheets/:slug/undo", request.RequireLogin, h.apiUndo)
	api.Post("/sheets/:slug/archive", request.RequireAdmin, h.apiArchiveSheet)
	api.Post("/sheets/:slug/unarchive", request.RequireAdmin, h.apiUnarchiveSheet)
	api.Post("/sheets/:slug/merge", request.RequireAdmin, h.apiMergeSheet)
	api.Get("/sheets/:slug/comments", h.apiComments)
	api.Post("/sheets/:slug/comments", request.RequireLogin, h.apiCreateComment)
	api.Delete("/comments/:id", request.RequireLogin, h.apiHideComment)
	api.Put("/sheets/:slug/board", request.RequireAdmin, h.apiSetBoard)
	api.Get("/sheets/:slug/reviews", h.apiListReviews)
	api.Post("/sheets/:slug/reviews", request.RequireLogin, h.apiSubmitReview)
	api.Get("/sheets/:slug/draft", request.RequireLogin, h.apiShowDraft)
	api.Put("/sheets/:slug/draft", request.RequireLogin, h.apiPutDraft)
	api.Delete("/sheets/:slug/draft", request.RequireLogin, h.apiDeleteDraft)
	api.Get("/drafts", request.RequireLogin, h.apiListDrafts)
	api.Get("/drafts/new", request.RequireLogin, h.apiShowDraft)
	api.Put("/drafts/new", request.RequireLogin, h.apiPutDraft)
	api.Delete("/drafts/new", request.RequireLogin, h.apiDeleteDraft)
	api.Get("/search", w.Search)
	api.Get("/map.geojson", w.Map)
	api.Get("/changes", w.Changes)
	api.Get("/users/:username/contributions", w.Contributions)
	api.Get("/suggest", h.apiSuggest)
	api.Put("/sheets/:slug/watch", request.RequireLogin, w.Watch)
	api.Delete("/sheets/:slug/watch", request.RequireLogin, w.Unwatch)
	api.Get("/reviews/:id", h.apiShowReview)
	api.Get("/reviews/:id/record", w.RecordJSON)
	api.Get("/sheets/:slug/board/minutes", w.BoardMinutes)
	api.Post("/reviews/:id/votes", request.RequireLogin, h.apiVote)
	api.Post("/reviews/:id/amendments", request.RequireLogin, h.apiAmend)
	api.Post("/reviews/:id/withdraw", request.RequireLogin, h.apiWithdraw)
	api.Post("/users/:username/reset-link", request.RequireAdmin, w.ResetLink)
	api.Post("/users/:username/approve", request.RequireAdmin, h.apiDecideSignup(true))
	api.Post("/users/:username/refuse", request.RequireAdmin, h.apiDecideSignup(false))
}
