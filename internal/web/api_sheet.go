package web

import (
	"errors"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/review"
	"atlas/internal/sheet"
	"atlas/internal/store"
)

type apiCreateSheetRequest struct {
	Title   string   `json:"title"`
	Body    string   `json:"body"`
	Summary string   `json:"summary"`
	Meta    *apiMeta `json:"meta"`
	Slug    string   `json:"slug"`
}

func (h *handler) apiCreateSheet(c *fiber.Ctx) error {
	var in apiCreateSheetRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	user := userOf(c)
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

func (h *handler) apiListSheets(c *fiber.Ctx) error {
	limit, err := queryInt(c, "limit", 50, 200)
	if err != nil {
		return err
	}
	f, err := cardFilter(c, limit+1, "cursor")
	if err != nil {
		return err
	}
	list, err := h.store.Cards(c.UserContext(), f)
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

func (h *handler) apiShowSheet(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sh, err := h.store.SheetBySlug(ctx, c.Params("slug"))
	if err != nil {
		return err
	}
	user := userOf(c)
	number := sheet.VisibleNumber(sh, user)
	if c.Query("revision") != "" {
		if number, err = h.readableRevision(c, sh); err != nil {
			return err
		}
	}
	rev, err := h.store.Revision(ctx, sh.ID, number)
	if err != nil {
		return err
	}
	board, err := h.store.BoardOf(ctx, sh.ID)
	if err != nil {
		return err
	}
	members := make([]string, 0, len(board))
	for _, u := range board {
		members = append(members, u.Username)
	}
	var openReview any
	if r, err := h.store.OpenReviewOf(ctx, sh.ID); err == nil {
		openReview = r.ID
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return c.JSON(fiber.Map{
		"slug": sh.Slug, "title": rev.Title, "meta": rev.Meta, "body": rev.Body,
		"revision": rev.Number, "head": sh.HeadNumber, "published": sh.PublishedNumber,
		"pending": sheet.Pending(sh), "board": members, "open_review": openReview,
	})
}

// readableRevision reads ?revision=N. Anonymous programs may read only the
// version readers see; an account may read any.
func (h *handler) readableRevision(c *fiber.Ctx, sh *model.Sheet) (int, error) {
	n, err := queryInt(c, "revision", 0, 0)
	if err != nil {
		return 0, err
	}
	if n > sh.HeadNumber {
		return 0, store.ErrNotFound
	}
	return n, anonymousMayRead(c, sh, n)
}

// anonymousMayRead applies the API's rule for programs without a token:
// they read only the version readers see. Pages, like a wiki's, show all
// history to everyone.
func anonymousMayRead(c *fiber.Ctx, sh *model.Sheet, numbers ...int) error {
	if userOf(c) != nil {
		return nil
	}
	// A number beyond the head names nothing: the lookup's 404 says so,
	// to everyone alike.
	if slices.ContainsFunc(numbers, func(n int) bool { return n > sh.HeadNumber }) {
		return nil
	}
	for _, n := range numbers {
		if n != sheet.VisibleNumber(sh, nil) {
			return newError(fiber.StatusUnauthorized, "unauthorized", "Seule la version publiée se lit sans compte : authentifiez-vous avec un jeton.")
		}
	}
	return nil
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
func (h *handler) apiUpdateSheet(c *fiber.Ctx) error {
	var in apiUpdateSheetRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Base == nil {
		return sheet.ErrBaseRequired
	}
	user := userOf(c)
	res, err := h.sheets.Save(c.UserContext(), user, c.Params("slug"), sheet.SaveInput{
		Base: *in.Base, Title: in.Title, Body: in.Body, Summary: in.Summary, Meta: in.Meta, Minor: in.Minor,
		Draft: in.DraftSavedAt,
	})
	return h.answerSave(c, res, err)
}

type apiRestoreRequest struct {
	Revision int    `json:"revision"`
	Summary  string `json:"summary"`
}

func (h *handler) apiRestore(c *fiber.Ctx) error {
	var in apiRestoreRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if in.Revision < 1 {
		return newError(fiber.StatusUnprocessableEntity, "revision_required", "Indiquez le numéro de la version à restaurer.")
	}
	user := userOf(c)
	rev, err := h.sheets.Restore(c.UserContext(), user, c.Params("slug"), in.Revision, in.Summary)
	h.countChange(err)
	if err != nil {
		return err
	}
	sh, err := h.store.SheetBySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	state, err := h.revisionState(c.UserContext(), sh, rev.Number)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAPIRevision(rev, user, state))
}
