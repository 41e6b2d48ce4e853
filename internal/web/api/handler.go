// Package api is the atlas's JSON API for programs, under /api/v1: its
// handlers, the shapes of its answers and the list of its routes. What it
// shares with the pages comes from site (reviews, counters, conflict
// answers) and request (who asks, guards, parameters); the routes whose
// handlers are still the pages' own (exports, search, the map…) are given
// to Routes by internal/web, which mounts the group. api never imports
// internal/web.
package api

import (
	"github.com/gofiber/fiber/v2"

	"atlas/internal/auth"
	"atlas/internal/cache"
	"atlas/internal/live"
	"atlas/internal/model"
	"atlas/internal/read"
	"atlas/internal/review"
	"atlas/internal/sheet"
	"atlas/internal/web/site"
)

// Deps is what the API's own handlers use.
type Deps struct {
	Read    *read.Reader
	Sheets  *sheet.Service
	Reviews *review.Service
	Auth    *auth.Service
	Live    *live.Service // nil: no live co-writing
	Load    *site.Loader
	Counts  *site.Counters
	// Reads keeps the JSON of API reads (see sendAPIRead); internal/web
	// owns it among its caches, and counts it.
	Reads *cache.LRU[string, []byte]
	// SheetForPage loads the sheet the path names, found once by the
	// middleware or kept for anonymous readers (internal/web's sheet rows).
	SheetForPage func(*fiber.Ctx) (*model.Sheet, error)
}

// Handler holds what the API's actions use; each action is one of its
// methods.
type Handler struct {
	read         *read.Reader
	sheets       *sheet.Service
	reviews      *review.Service
	auth         *auth.Service
	live         *live.Service
	load         *site.Loader
	counts       *site.Counters
	reads        *cache.LRU[string, []byte]
	sheetForPage func(*fiber.Ctx) (*model.Sheet, error)
}

// New makes the API's handler.
func New(d Deps) *Handler {
	return &Handler{
		read: d.Read, sheets: d.Sheets, reviews: d.Reviews, auth: d.Auth, live: d.Live, load: d.Load, counts: d.Counts,
		reads: d.Reads, sheetForPage: d.SheetForPage,
	}
}
