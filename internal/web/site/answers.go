package site

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/i18n"
	"atlas/internal/sheet"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
)

// SendConflict answers a save (or an amendment) that overlaps others'
// edits: 409, the user's text handed back and the conflicting passages.
// The API and the editor's JSON save both answer so.
func SendConflict(c *fiber.Ctx, conflict *sheet.ConflictError) error {
	return c.Status(fiber.StatusConflict).JSON(apiConflict{
		Error: "conflict", Message: i18n.T(request.Lang(c), "error.edit_conflict"),
		Head: conflict.Head, Mine: conflict.Mine, Conflicts: conflict.Conflicts,
	})
}

// apiConflict is the 409 answer of a save that overlaps others' edits.
type apiConflict struct {
	Error     string        `json:"error"`
	Message   string        `json:"message"`
	Head      int           `json:"head"`
	Mine      sheet.Content `json:"mine"`
	Conflicts any           `json:"conflicts"`
}

// DraftError names the one refusal of drafts the error handler does not
// know: an account already at its limit (the API and the editor's draft
// posts both answer so).
func DraftError(err error) error {
	if errors.Is(err, sheet.ErrDraftChanged) {
		return httpx.NewError(fiber.StatusConflict, "draft_changed", "error.draft_changed")
	}
	if errors.Is(err, sheet.ErrTooManyDrafts) {
		return httpx.NewError(fiber.StatusConflict, "too_many_drafts", "error.too_many_drafts", sheet.MaxDrafts)
	}
	return err
}
