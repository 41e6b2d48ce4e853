package web

import (
	"errors"
	"html/template"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/render"
	"atlas/internal/review"
	"atlas/internal/sheet"
	"atlas/internal/store"
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
	Board            []string
	OpenReview       *model.Review
	CanSubmit        bool
	IsAdmin          bool
	CommentsBlock    commentsBlock
}

// provenance is computed from history, never typed: who started the sheet
// and when, who touched it last, how many versions it has.
type provenance struct {
	// ValidatedAt and the votes are those of the decision that published
	// the version readers see; AwaitingSince is the open submission's date.
	ValidatedAt   *time.Time
	ValidVotes    int
	ValidSeats    int
	AwaitingSince *time.Time
	StartedAt     time.Time
	Starters      []string
	MoreStarters  int
	UpdatedAt     time.Time
	UpdatedBy     string
	Revisions     int
}

// maxNamedContributors keeps the provenance line short on busy sheets.
const maxNamedContributors = 5

func (h *handler) showSheetPage(c *fiber.Ctx) error {
	sh, err := h.sheetForPage(c)
	if err != nil {
		return err
	}
	return h.maybeCached(c, pageSheetShow, sh, "", func() (any, error) { return h.sheetPageData(c, sh) })
}

// sheetPageData gathers everything the sheet page shows.
func (h *handler) sheetPageData(c *fiber.Ctx, sh *model.Sheet) (sheetPage, error) {
	ctx := c.UserContext()
	user := userOf(c)
	rev, err := h.store.Revision(ctx, sh.ID, sheet.VisibleNumber(sh, user))
	if err != nil {
		return sheetPage{}, err
	}
	prov, err := h.provenance(c, sh)
	if err != nil {
		return sheetPage{}, err
	}
	rendered := h.markdown.Render(rev.SHA256, rev.Body)
	p := sheetPage{
		Base: h.base(c, rev.Title), Sheet: sh, Revision: rev, HTML: rendered.HTML, Headings: rendered.Headings,
		Provenance: prov, Draft: sh.PublishedNumber == nil, CanEdit: user != nil,
		Pending:          user == nil && sheet.Pending(sh),
		AheadOfPublished: user != nil && sheet.Pending(sh),
		Tabs:             newSheetTabs(langOf(c), sh.Slug, tabRead, user != nil),
	}
	board, err := h.store.BoardOf(ctx, sh.ID)
	if err != nil {
		return sheetPage{}, err
	}
	for _, u := range board {
		p.Board = append(p.Board, u.Name())
	}
	if r, err := h.store.OpenReviewOf(ctx, sh.ID); err == nil {
		p.OpenReview = r
		p.Provenance.AwaitingSince = &r.SubmittedAt
	} else if !errors.Is(err, store.ErrNotFound) {
		return sheetPage{}, err
	}
	p.IsAdmin = user.IsAdmin()
	p.CanSubmit = user != nil && len(board) > 0 && p.OpenReview == nil
	comments, err := h.commentViews(c, sh.ID, nil)
	if err != nil {
		return sheetPage{}, err
	}
	p.CommentsBlock = newCommentsBlock(p.Base, sh.Slug, 0, rev.Number, comments)
	for _, slug := range rev.Meta.Categories {
		if cat, ok := sheet.CategoryBySlug(slug); ok {
			p.Categories = append(p.Categories, categoryName(p.Lang, cat))
		}
	}
	return p, nil
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
	if err := h.validation(c, sh, &p); err != nil {
		return provenance{}, err
	}
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

// validation fills in the decision that published the sheet's current
// validated version: when, and by how many of how many seats.
func (h *handler) validation(c *fiber.Ctx, sh *model.Sheet, p *provenance) error {
	if sh.PublishedNumber == nil {
		return nil
	}
	ctx := c.UserContext()
	reviews, err := h.store.ReviewsOf(ctx, sh.ID)
	if err != nil {
		return err
	}
	for _, r := range reviews {
		if r.State != review.StateValidated || r.RevisionNumber != *sh.PublishedNumber {
			continue
		}
		entries, err := h.store.AuditOfReview(ctx, r.ID)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if e.Action == store.AuditValidate {
				p.ValidatedAt = &e.CreatedAt
				p.ValidVotes = jsonInt(e.Details["approve"])
				p.ValidSeats = jsonInt(e.Details["seats"])
			}
		}
		return nil
	}
	return nil
}

func jsonInt(v any) int {
	if f, ok := v.(float64); ok {
		return int(f)
	}
	return 0
}
