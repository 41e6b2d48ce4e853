// The API's part of running the atlas: a rename through PATCH, archive,
// unarchive and merge, the archive as the API shows it, and the question
// before creating a sheet whose title is close to others'.

package api

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
)

// archivedOf is what the API says of an archive, which only admins see:
// null, or the reason and date.
func archivedOf(sh *model.Sheet) any {
	if !sh.Archived() {
		return nil
	}
	return fiber.Map{"reason": sh.ArchiveReason, "at": sh.ArchivedAt.UTC().Format(time.RFC3339)}
}

// apiRenameRequest is the body of a rename: PATCH /sheets/{slug} with no
// base and only these fields.
type apiRenameRequest struct {
	Title *string `json:"title"`
	Slug  *string `json:"slug"`
}

// apiRename answers PATCH /sheets/{slug} for a rename (admins only).
func (h *Handler) apiRename(c *fiber.Ctx, in apiRenameRequest) error {
	u := request.User(c)
	if !u.IsAdmin() {
		return httpx.NewError(fiber.StatusForbidden, "forbidden", "error.rename_admin_only")
	}
	sh, err := h.sheets.Rename(c.UserContext(), u, c.Params("slug"), sheet.RenameInput{Title: in.Title, Slug: in.Slug})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"slug": sh.Slug, "title": sh.Title, "head": sh.HeadNumber})
}

// similarAnswer answers 409 similar_exists, naming the candidates, when a
// new sheet's title is close to existing ones'; done is false otherwise.
func (h *Handler) similarAnswer(c *fiber.Ctx, title string) (done bool, err error) {
	similar, err := h.sheets.Similar(c.UserContext(), title)
	if err != nil || len(similar) == 0 {
		return false, err
	}
	list := make([]fiber.Map, len(similar))
	names := make([]string, len(similar))
	for i, sh := range similar {
		list[i] = fiber.Map{"slug": sh.Slug, "title": sh.Title}
		names[i] = sh.Title
	}
	msg := httpx.NewError(fiber.StatusConflict, "similar_exists", "sheet.similar_question", strings.Join(names, ", ")).Message(request.Lang(c))
	return true, c.Status(fiber.StatusConflict).JSON(fiber.Map{"error": "similar_exists", "message": msg, "candidates": list})
}

type apiArchiveRequest struct {
	Reason string `json:"reason"`
}

type apiMergeRequest struct {
	Into   string `json:"into"`
	Reason string `json:"reason"`
}

// apiArchiveSheet is POST /sheets/{slug}/archive (admins).
func (h *Handler) apiArchiveSheet(c *fiber.Ctx) error {
	var in apiArchiveRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.sheets.Archive(c.UserContext(), request.User(c), c.Params("slug"), in.Reason); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"slug": c.Params("slug"), "archived": true, "reason": strings.TrimSpace(in.Reason)})
}

// apiUnarchiveSheet is POST /sheets/{slug}/unarchive (admins).
func (h *Handler) apiUnarchiveSheet(c *fiber.Ctx) error {
	if err := h.sheets.Unarchive(c.UserContext(), request.User(c), c.Params("slug")); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"slug": c.Params("slug"), "archived": false})
}

// apiMergeSheet is POST /sheets/{slug}/merge (admins).
func (h *Handler) apiMergeSheet(c *fiber.Ctx) error {
	var in apiMergeRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	target, err := h.sheets.Merge(c.UserContext(), request.User(c), c.Params("slug"), in.Into, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"slug": c.Params("slug"), "merged_into": target.Slug})
}
