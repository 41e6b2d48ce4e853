package web

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/auth"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
	"atlas/internal/web/site"
)

// localAddressed holds the sheet sheetAddress found for the request, which
// sheetForPage then reuses.
const localAddressed = "addressed_sheet"

// sheetAddress stands before every route under /sheets/{slug} and
// /api/v1/sheets/{slug}:
//
//   - an address a sheet left by a rename answers 301 (GET, HEAD) or 308
//     (any other method, which keeps the method and the body) to the same
//     path under its present address, query included, for ever;
//   - a duplicate merged into another does the same towards the sheet it
//     was merged into, except for its history (history, revisions, diff),
//     which stays readable at its own address;
//   - an archived sheet answers 410 with the reason to everyone but admins.
func (h *handler) sheetAddress(c *fiber.Ctx) error {
	prefix, slug, rest := addressedSlug(c)
	if slug == "" {
		return c.Next()
	}
	ctx := c.UserContext()
	var sh *model.Sheet
	var err error
	// The row read with the session or token, else the kept one (see
	// sheetRows), else the database's for a browser that has just written.
	if sh, _ = c.Locals(localBroughtSheet).(*model.Sheet); sh == nil || sh.Slug != slug {
		if fenced(c) {
			sh, err = h.read.SheetBySlug(ctx, slug)
		} else {
			sh, err = h.caches.sheet(ctx, slug, h.read.SheetBySlug)
		}
	}
	if errors.Is(err, model.ErrNotFound) {
		id, ok, err := h.read.RedirectOf(ctx, slug)
		if err != nil || !ok {
			return cmpErr(err, c.Next)
		}
		to, err := h.read.SheetByID(ctx, id)
		if err != nil {
			return err
		}
		return movedTo(c, prefix+to.Slug+restAsSent(c, prefix, rest))
	}
	if err != nil {
		return err
	}
	// An admin may still reach a merged duplicate's admin page and undo
	// the merge.
	undoing := request.User(c).IsAdmin() && adminPath(rest)
	if sh.MergedInto != nil && !mergedHistoryPath(rest) && !undoing {
		to, err := h.read.SheetByID(ctx, *sh.MergedInto)
		if err != nil {
			return err
		}
		return movedTo(c, prefix+to.Slug+restAsSent(c, prefix, rest))
	}
	if sh.Archived() && sh.MergedInto == nil && !request.User(c).IsAdmin() {
		// Who may not write is told so first, as on a live sheet: nobody
		// signed in is asked to, and only admins manage a sheet.
		if m := c.Method(); m != fiber.MethodGet && m != fiber.MethodHead && request.User(c) == nil {
			return request.RequireLogin(c)
		}
		if adminPath(rest) {
			return auth.ErrForbidden
		}
		// An archive is undone: browsers must ask again, not keep the 410.
		c.Set(fiber.HeaderCacheControl, "no-cache")
		return httpx.NewError(fiber.StatusGone, "archived", "error.sheet_archived", sh.ArchiveReason)
	}
	c.Locals(localAddressed, sh)
	return c.Next()
}

// localBroughtSheet holds the row of the addressed sheet that the
// session's or token's lookup read in the same query (see loadSession).
const localBroughtSheet = "brought_sheet"

// addressedSlug reads the path as sheetAddress does: the sheet's name
// under /sheets/ or /api/v1/sheets/ and what follows it, or an empty slug
// when the path names no sheet.
func addressedSlug(c *fiber.Ctx) (prefix, slug, rest string) {
	prefix = "/sheets/"
	if httpx.IsAPI(c) {
		prefix = "/api/v1/sheets/"
	}
	path := c.Path()
	if !strings.HasPrefix(path, prefix) {
		return prefix, "", ""
	}
	slug, rest, _ = strings.Cut(path[len(prefix):], "/")
	if slug == "" || sheet.ReservedSlug(slug) {
		return prefix, "", ""
	}
	if rest != "" {
		rest = "/" + rest
	}
	return prefix, slug, rest
}

// cmpErr returns err when there is one, and next's answer otherwise.
func cmpErr(err error, next func() error) error {
	if err != nil {
		return err
	}
	return next()
}

// restAsSent is the part of the path after the slug as the client sent
// it, still percent-encoded, so that a redirect repeats it byte for byte
// and never decodes, say, a line break into the Location header.
func restAsSent(c *fiber.Ctx, prefix, decoded string) string {
	orig := string(c.Request().URI().PathOriginal())
	if !strings.HasPrefix(orig, prefix) {
		return decoded
	}
	if _, rest, ok := strings.Cut(orig[len(prefix):], "/"); ok {
		return "/" + rest
	}
	return ""
}

// movedTo answers a request to a sheet's former address: 301 for reads,
// 308 for writes, so that a client repeating a write repeats it whole.
func movedTo(c *fiber.Ctx, path string) error {
	if q := c.Request().URI().QueryString(); len(q) > 0 {
		path += "?" + string(q)
	}
	status := fiber.StatusMovedPermanently
	if m := c.Method(); m != fiber.MethodGet && m != fiber.MethodHead {
		status = fiber.StatusPermanentRedirect
	}
	// Permanent, yet a sheet renamed back takes its old address again:
	// browsers revalidate rather than keep the redirect.
	c.Set(fiber.HeaderCacheControl, "no-cache")
	return c.Redirect(path, status)
}

// mergedHistoryPath reports whether rest is a part of a merged duplicate
// that stays at its own address: its history, revisions, diffs and
// attribution.
func mergedHistoryPath(rest string) bool {
	for _, p := range []string{"/history", "/revisions", "/diff", "/blame"} {
		if rest == p || strings.HasPrefix(rest, p+"/") {
			return true
		}
	}
	return false
}

// adminPath reports whether rest is where an admin manages a sheet.
func adminPath(rest string) bool {
	switch rest {
	case "/admin", "/rename", "/archive", "/unarchive", "/merge":
		return true
	}
	return false
}

// sheetAdminPage is where an admin renames, archives or merges a sheet.
type sheetAdminPage struct {
	Base
	Sheet  *model.Sheet
	Tabs   sheetTabs
	Error  string
	Into   string // the merge target, kept through a refusal
	Reason string
}

func (h *handler) renderSheetAdmin(c *fiber.Ctx, status int, message string) error {
	sh, err := h.read.SheetBySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	p := sheetAdminPage{Base: h.base(c, sh.Title), Sheet: sh, Tabs: newSheetTabs(request.Lang(c), sh.Slug, tabRead, true), Error: message,
		Into: c.FormValue("into"), Reason: c.FormValue("reason")}
	return h.views.Render(c, status, pageSheetAdmin, p)
}

func (h *handler) showSheetAdminPage(c *fiber.Ctx) error {
	return h.renderSheetAdmin(c, fiber.StatusOK, "")
}

// adminFormDone answers a form of the admin page: the refusal on the page,
// kept input included, or a flash and the sheet's page.
func (h *handler) adminFormDone(c *fiber.Ctx, err error, flash, to string) error {
	if err != nil {
		he, internal := httpx.Classify(err)
		if internal {
			return err
		}
		return h.renderSheetAdmin(c, he.Status, he.Message(request.Lang(c)))
	}
	h.flash(c, "success", flash)
	return redirect(c, to)
}

func (h *handler) renameSheet(c *fiber.Ctx) error {
	title, slug := c.FormValue("title"), c.FormValue("slug")
	in := sheet.RenameInput{Title: &title, Slug: &slug}
	sh, err := h.sheets.Rename(c.UserContext(), request.User(c), c.Params("slug"), in)
	if errors.Is(err, sheet.ErrUnchanged) {
		return redirect(c, "/sheets/"+c.Params("slug"))
	}
	to := ""
	if sh != nil {
		to = "/sheets/" + sh.Slug
	}
	return h.adminFormDone(c, err, "sheet_renamed", to)
}

func (h *handler) archiveSheet(c *fiber.Ctx) error {
	err := h.sheets.Archive(c.UserContext(), request.User(c), c.Params("slug"), c.FormValue("reason"))
	return h.adminFormDone(c, err, "sheet_archived", "/sheets/"+c.Params("slug"))
}

func (h *handler) unarchiveSheet(c *fiber.Ctx) error {
	err := h.sheets.Unarchive(c.UserContext(), request.User(c), c.Params("slug"))
	return h.adminFormDone(c, err, "sheet_unarchived", "/sheets/"+c.Params("slug"))
}

func (h *handler) mergeSheet(c *fiber.Ctx) error {
	into, err := h.mergeTarget(c, c.FormValue("into"))
	if err != nil {
		return err
	}
	target, err := h.sheets.Merge(c.UserContext(), request.User(c), c.Params("slug"), into, c.FormValue("reason"))
	to := ""
	if target != nil {
		to = "/sheets/" + target.Slug
	}
	return h.adminFormDone(c, err, "sheet_merged", to)
}

// mergeTarget reads the merge form's field as a person fills it, with or
// without the suggestions: a sheet's address (its slug, or the link to it
// pasted whole), else the exact title of one sheet. Anything else is
// passed on as typed, for the service to refuse by name; a part of a title
// is never guessed into a merge.
func (h *handler) mergeTarget(c *fiber.Ctx, typed string) (string, error) {
	typed = strings.TrimSpace(typed)
	if _, rest, ok := strings.Cut(typed, "/sheets/"); ok {
		slug, _, _ := strings.Cut(rest, "/")
		slug, _, _ = strings.Cut(slug, "?")
		slug, _, _ = strings.Cut(slug, "#")
		return slug, nil
	}
	if typed == "" {
		return typed, nil
	}
	if _, err := h.read.SheetBySlug(c.UserContext(), typed); err == nil {
		return typed, nil
	} else if !errors.Is(err, model.ErrNotFound) {
		return "", err
	}
	matches, err := h.read.SheetsMatching(c.UserContext(), typed, site.MaxChoices)
	if err != nil {
		return "", err
	}
	found := ""
	for _, m := range matches {
		if strings.EqualFold(m.Label, typed) {
			if found != "" {
				return typed, nil // two sheets of that title: the address decides
			}
			found = m.Key
		}
	}
	if found == "" {
		return typed, nil
	}
	return found, nil
}
