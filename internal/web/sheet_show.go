package web

import (
	"html/template"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/render"
	"atlas/internal/sheet"
)

type sheetPage struct {
	Base
	Sheet      *model.Sheet
	Revision   *model.Revision
	HTML       template.HTML
	Headings   []render.Heading
	Provenance provenance
	Categories []string
	// Draft: never validated by its board. Pending: the reader sees the
	// validated version while newer ones wait. AheadOfPublished: a
	// contributor sees the head, newer than what readers see.
	Draft            bool
	Pending          bool
	AheadOfPublished bool
	CanEdit          bool
	Tabs             sheetTabs
}

// provenance is computed from history, never typed: who started the sheet
// and when, who touched it last, how many versions it has.
type provenance struct {
	StartedAt    time.Time
	Starters     []string
	MoreStarters int
	UpdatedAt    time.Time
	UpdatedBy    string
	Revisions    int
}

// maxNamedContributors keeps the provenance line short on busy sheets.
const maxNamedContributors = 5

func (h *handler) showSheetPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sh, err := h.store.SheetBySlug(ctx, c.Params("slug"))
	if err != nil {
		return err
	}
	user := userOf(c)
	rev, err := h.store.Revision(ctx, sh.ID, sheet.VisibleNumber(sh, user))
	if err != nil {
		return err
	}
	prov, err := h.provenance(c, sh)
	if err != nil {
		return err
	}
	rendered := h.markdown.Render(rev.SHA256, rev.Body)
	p := sheetPage{
		Base: h.base(c, rev.Title), Sheet: sh, Revision: rev, HTML: rendered.HTML, Headings: rendered.Headings,
		Provenance: prov, Draft: sh.PublishedNumber == nil, CanEdit: user != nil,
		Pending:          user == nil && sheet.Pending(sh),
		AheadOfPublished: user != nil && sheet.Pending(sh),
		Tabs:             newSheetTabs(langOf(c), sh.Slug, tabRead, user != nil),
	}
	for _, slug := range rev.Meta.Categories {
		if cat, ok := sheet.CategoryBySlug(slug); ok {
			p.Categories = append(p.Categories, categoryName(p.Lang, cat))
		}
	}
	return h.views.render(c, fiber.StatusOK, pageSheetShow, p)
}

func categoryName(lang string, c sheet.Category) string {
	if lang == "en" {
		return c.EN
	}
	return c.FR
}

func (h *handler) provenance(c *fiber.Ctx, sh *model.Sheet) (provenance, error) {
	ctx := c.UserContext()
	contributors, err := h.store.Contributors(ctx, sh.ID)
	if err != nil {
		return provenance{}, err
	}
	first, err := h.store.Revision(ctx, sh.ID, 1)
	if err != nil {
		return provenance{}, err
	}
	head, err := h.store.Revision(ctx, sh.ID, sh.HeadNumber)
	if err != nil {
		return provenance{}, err
	}
	ids := []int64{head.AuthorID}
	for _, ctb := range contributors {
		ids = append(ids, ctb.AuthorID)
	}
	users, err := h.store.UsersByIDs(ctx, ids)
	if err != nil {
		return provenance{}, err
	}
	p := provenance{StartedAt: first.CreatedAt, UpdatedAt: head.CreatedAt, Revisions: sh.HeadNumber}
	if u := users[head.AuthorID]; u != nil {
		p.UpdatedBy = u.Name()
	}
	for i, ctb := range contributors {
		if i == maxNamedContributors {
			p.MoreStarters = len(contributors) - i
			break
		}
		if u := users[ctb.AuthorID]; u != nil {
			p.Starters = append(p.Starters, u.Name())
		}
	}
	return p, nil
}
