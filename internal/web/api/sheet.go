package api

import (
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/review"
	"atlas/internal/sheet"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
	"atlas/internal/web/site"
)

type apiCreateSheetRequest struct {
	Title   string   `json:"title"`
	Body    string   `json:"body"`
	Summary string   `json:"summary"`
	Meta    *apiMeta `json:"meta"`
	Slug    string   `json:"slug"`
	// Confirm false asks first whether the sheet exists (see
	// similarAnswer); absent or true creates at once.
	Confirm *bool `json:"confirm"`
}

func (h *Handler) apiCreateSheet(c *fiber.Ctx) error {
	var in apiCreateSheetRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	if in.Confirm != nil && !*in.Confirm {
		if err := sheet.CheckCreate(sheet.CreateInput{Title: in.Title, Body: in.Body, Summary: in.Summary, Meta: in.Meta}); err != nil {
			return err
		}
		if done, err := h.similarAnswer(c, in.Title); done || err != nil {
			return err
		}
	}
	user := request.User(c)
	sh, rev, err := h.sheets.Create(c.UserContext(), user, sheet.CreateInput{
		Title: in.Title, Body: in.Body, Summary: in.Summary, Meta: in.Meta, Slug: in.Slug,
	})
	if err != nil {
		return err
	}
	c.Location("/api/v1/sheets/" + sh.Slug)
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{
		"slug": sh.Slug, "revision": toAPIRevision(rev, user, review.RevisionDraft),
	})
}

type apiSheetListItem struct {
	Slug       string   `json:"slug"`
	Title      string   `json:"title"`
	Head       int      `json:"head"`
	Published  *int     `json:"published"`
	UpdatedAt  string   `json:"updated_at"`
	Categories []string `json:"categories"`
}

func (h *Handler) apiListSheets(c *fiber.Ctx) error {
	limit, err := request.QueryInt(c, "limit", 50, 200)
	if err != nil {
		return err
	}
	f, err := request.CardFilter(c, limit+1, "cursor")
	if err != nil {
		return err
	}
	list, err := h.read.Cards(c.UserContext(), f)
	if err != nil {
		return err
	}
	var next any
	if len(list) > limit {
		list = list[:limit]
		next = list[limit-1].Slug
	}
	items := make([]apiSheetListItem, 0, len(list))
	for _, card := range list {
		items = append(items, apiSheetListItem{
			Slug: card.Slug, Title: card.Title, Head: card.HeadNumber, Published: card.PublishedNumber,
			UpdatedAt: card.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z"), Categories: card.CategoryList(),
		})
	}
	return c.JSON(fiber.Map{"sheets": items, "next": next})
}

func (h *Handler) apiShowSheet(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sh, err := h.sheetForPage(c) // found by sheetAddress
	if err != nil {
		return err
	}
	number, err := request.ReadableRevision(c, sh)
	if err != nil {
		return err
	}
	return h.sendAPIRead(c, sh, "sheet|"+strconv.Itoa(number), func() (any, error) {
		view, err := h.read.Sheet(ctx, sh, number)
		if err != nil {
			return nil, err
		}
		rev := view.Revision
		members := make([]string, 0, len(view.Board))
		for _, u := range view.Board {
			members = append(members, u.Username)
		}
		var openReview any
		if view.OpenReview != nil {
			openReview = view.OpenReview.ID
		}
		return fiber.Map{
			"slug": sh.Slug, "title": rev.Title, "meta": rev.Meta, "body": rev.Body,
			"revision": rev.Number, "head": sh.HeadNumber, "published": sh.PublishedNumber,
			"pending": sheet.Pending(sh), "board": members, "open_review": openReview,
			"archived": archivedOf(sh),
		}, nil
	})
}

type apiUpdateSheetRequest struct {
	Base    *int     `json:"base"`
	Title   string   `json:"title"`
	Body    string   `json:"body"`
	Summary string   `json:"summary"`
	Meta    *apiMeta `json:"meta"`
	Minor   bool     `json:"minor"`
	// DraftSavedAt, optional, names the account's draft the text was
	// written from (its saved_at): the save deletes it, if it is still
	// that one. A save naming none keeps the draft.
	DraftSavedAt *time.Time `json:"draft_saved_at"`
}

// apiUpdateSheet is PUT /sheets/{slug}: the request is the whole content,
// so a meta that omits a field clears it (PATCH merges instead).
func (h *Handler) apiUpdateSheet(c *fiber.Ctx) error {
	var in apiUpdateSheetRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	if in.Base == nil {
		return sheet.ErrBaseRequired
	}
	user := request.User(c)
	res, err := h.sheets.Save(c.UserContext(), user, c.Params("slug"), sheet.SaveInput{
		Base: *in.Base, Title: in.Title, Body: in.Body, Summary: in.Summary, Meta: in.Meta, Minor: in.Minor,
		Draft: in.DraftSavedAt,
	})
	return h.answerSave(c, res, err)
}

// apiRevisionRequest names one earlier revision: the one a restore brings
// back, or the one whose change an undo takes back.
type apiRevisionRequest struct {
	Revision int    `json:"revision"`
	Summary  string `json:"summary"`
}

func (h *Handler) apiRestore(c *fiber.Ctx) error {
	var in apiRevisionRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	if in.Revision < 1 {
		return httpx.NewError(fiber.StatusUnprocessableEntity, "revision_required", "error.restore_revision_required")
	}
	user := request.User(c)
	rev, err := h.sheets.Restore(c.UserContext(), user, c.Params("slug"), in.Revision, in.Summary)
	h.counts.Change(err)
	if err != nil {
		return err
	}
	return h.answerNewRevision(c, user, rev)
}

// apiUndo is POST /sheets/{slug}/undo: the change of one revision taken
// back, merged onto the head (sheet.Service.Undo); 409 with the proposed
// text when later edits overlap it.
func (h *Handler) apiUndo(c *fiber.Ctx) error {
	var in apiRevisionRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	if in.Revision < 1 {
		return httpx.NewError(fiber.StatusUnprocessableEntity, "revision_required", "error.undo_revision_required")
	}
	user := request.User(c)
	rev, err := h.sheets.Undo(c.UserContext(), user, c.Params("slug"), sheet.UndoInput{Revision: in.Revision, Summary: in.Summary})
	h.counts.Change(err)
	if conflict, ok := errors.AsType[*sheet.ConflictError](err); ok {
		return site.SendConflict(c, conflict)
	}
	if err != nil {
		return err
	}
	return h.answerNewRevision(c, user, rev)
}

// answerNewRevision is 201 with the summary of a revision just written
// (by a restore or an undo), in the state readers see it in.
func (h *Handler) answerNewRevision(c *fiber.Ctx, user *model.User, rev *model.Revision) error {
	sh, err := h.read.SheetBySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	state, err := h.read.RevisionState(c.UserContext(), sh, rev.Number)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAPIRevision(rev, user, state))
}
