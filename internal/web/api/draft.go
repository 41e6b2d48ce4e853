package api

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/web/request"
	"atlas/internal/web/site"
)

// apiDraft is a draft as the API shows it to its owner.
type apiDraft struct {
	Base    int        `json:"base"`
	Title   string     `json:"title"`
	Body    string     `json:"body"`
	Meta    model.Meta `json:"meta"`
	Summary string     `json:"summary"`
	SavedAt time.Time  `json:"saved_at"`
}

// apiDraftRequest is what PUT accepts: the draft's fields. saved_at is
// accepted so that a program may send back what it read, and ignored: the
// server sets it. if_saved_at, optional, makes the write a compare-and-set:
// refused with 409 draft_changed unless the draft is still the one saved
// at that instant.
type apiDraftRequest struct {
	Base    int         `json:"base"`
	Title   string      `json:"title"`
	Body    string      `json:"body"`
	Meta    *model.Meta `json:"meta"`
	Summary string      `json:"summary"`
	SavedAt *time.Time  `json:"saved_at"`
	IfSaved *time.Time  `json:"if_saved_at"`
}

// apiDraftListItem is one line of GET /drafts; slug is null for the draft
// of a sheet not yet created.
type apiDraftListItem struct {
	Slug    *string   `json:"slug"`
	Title   string    `json:"title"`
	Base    int       `json:"base"`
	SavedAt time.Time `json:"saved_at"`
}

func toAPIDraft(d *model.Draft) apiDraft {
	return apiDraft{Base: d.Base, Title: d.Title, Body: d.Body, Meta: d.Meta, Summary: d.Summary, SavedAt: d.SavedAt.UTC()}
}

func (h *Handler) apiShowDraft(c *fiber.Ctx) error {
	d, err := h.sheets.Draft(c.UserContext(), request.User(c), request.DraftSlug(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.JSON(toAPIDraft(d))
}

func (h *Handler) apiPutDraft(c *fiber.Ctx) error {
	var in apiDraftRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	draft := sheet.DraftInput{Base: in.Base, Title: in.Title, Body: in.Body, Summary: in.Summary}
	if in.Meta != nil {
		draft.Meta = *in.Meta
	}
	d, err := h.sheets.PutDraft(c.UserContext(), request.User(c), request.DraftSlug(c), draft, sheet.DraftOptions{IfSavedAt: in.IfSaved})
	if err != nil {
		return site.DraftError(err)
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.JSON(toAPIDraft(d))
}

func (h *Handler) apiDeleteDraft(c *fiber.Ctx) error {
	if err := h.sheets.DeleteDraft(c.UserContext(), request.User(c), request.DraftSlug(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handler) apiListDrafts(c *fiber.Ctx) error {
	list, err := h.sheets.Drafts(c.UserContext(), request.User(c))
	if err != nil {
		return err
	}
	items := make([]apiDraftListItem, 0, len(list))
	for _, d := range list {
		item := apiDraftListItem{Title: d.Title, Base: d.Base, SavedAt: d.SavedAt.UTC()}
		if d.SheetID != nil {
			slug := d.Slug
			item.Slug = &slug
		}
		items = append(items, item)
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.JSON(fiber.Map{"drafts": items})
}
