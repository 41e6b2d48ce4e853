package web

import (
	"cmp"
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/diff"
	"atlas/internal/document"
	"atlas/internal/geo"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
	"atlas/internal/web/site"
)

// draftState is what an editor page knows of its account's draft of the
// sheet: the banner offering it, if any, and when the server's copy was
// saved (zero when there is none), which the script compares with the
// browser's own copy.
type draftState struct {
	Offer   *draftOffer
	SavedAt time.Time
	// Mine is the draft this form was filled from or keeps its text in
	// (zero: none): the form posts it back (draftField).
	Mine time.Time
	// Unsaved marks a page showing text the server refused to save (a
	// conflict, a field to fix): leaving it asks first. Kept says the
	// server holds that text as the account's draft.
	Unsaved, Kept bool
	// Spent names the browser copies this browser's saves have stored
	// (spentCopies): drafts.js drops those.
	Spent []string
}

// draftOffer is the banner of an editor opened while its account holds a
// draft of that sheet: resume it or discard it, after seeing how it
// differs from the version the editor shows. Resumed is set once the
// draft fills the form (?draft=1).
type draftOffer struct {
	SavedAt      time.Time
	ResumeURL    string
	DiscardURL   string
	Resumed      bool
	Sections     []diffSectionView
	New          bool // a sheet not yet created: compared with the template
	TitleChanged bool
	Title        string
	Summary      string
	// Moved is set when the sheet has new versions since the draft's base:
	// resuming keeps that base, so saving merges like any edit.
	Moved bool
	Base  int
	// Back is the editor's address, where discarding returns.
	Back string
}

// draftURLs are the editor's routes for a sheet's draft (slug "": the
// draft of a new sheet).
func draftURLs(slug string) (save, discard string) {
	if slug == "" {
		return "/drafts/new", "/drafts/new/delete"
	}
	return "/sheets/" + slug + "/draft", "/sheets/" + slug + "/draft/delete"
}

// offerDraft prepares an editor page for drafts: the autosave settings,
// and, when the account holds a draft of this sheet, the banner that
// offers it or, with ?draft=1, the form filled from it. current is the
// whole text of the version the editor opened on, head its number (0 for
// a new sheet).
func (h *handler) offerDraft(c *fiber.Ctx, p *editPage, slug string, current *model.Revision) error {
	user := request.User(c)
	if user == nil {
		return nil
	}
	p.Drafts.Spent = spentCopies(c)
	_, discard := draftURLs(slug)
	d, err := h.sheets.Draft(c.UserContext(), user, slug)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	p.Drafts.SavedAt = d.SavedAt
	offer := &draftOffer{SavedAt: d.SavedAt, ResumeURL: c.Path() + "?draft=1", DiscardURL: discard, Back: c.Path(), Base: d.Base}
	if c.Query("draft") == "1" {
		p.Form = formFromDraft(d)
		p.Categories = h.categoryOptions(p.Lang, d.Meta.Categories)
		p.Section, p.SectionHeading = -1, ""
		if slug != "" {
			p.BaseNumber = d.Base
		}
		offer.Resumed = true
		p.Drafts.Mine = d.SavedAt
		offer.Moved = current != nil && d.Base != current.Number
		p.Drafts.Offer = offer
		return nil
	}
	var title, body string
	if current != nil {
		title, body = current.Title, current.Body
		offer.Moved = d.Base != current.Number
	} else {
		title, body, offer.New = p.Form.Title, p.Form.Body, true
	}
	offer.TitleChanged, offer.Title, offer.Summary = d.Title != title, d.Title, d.Summary
	offer.Sections = sectionViews(p.Lang, diff.Compare(body, d.Body, diff.Options{Timeout: diffTimeout}).Sections)
	if !offer.TitleChanged && len(offer.Sections) == 0 && d.Summary == "" && (current == nil || sameMeta(d.Meta, current.Meta)) {
		// Nothing in it differs from what the editor shows: autosaves may
		// write over it.
		p.Drafts.Mine = d.SavedAt
		return nil
	}
	p.Drafts.Offer = offer
	return nil
}

// DraftURL is where the editor's script posts the draft.
func (p editPage) DraftURL() string {
	save, _ := draftURLs(p.draftSlug())
	return save
}

// DraftKey names the browser's own copy of the text: one per account,
// sheet and section edited.
func (p editPage) DraftKey() string {
	if p.User == nil {
		return ""
	}
	section := "all"
	if p.Section >= 0 {
		section = strconv.Itoa(p.Section)
	}
	return "atlas-draft:" + strconv.FormatInt(p.User.ID, 10) + ":" + cmp.Or(p.draftSlug(), "new") + ":" + section
}

func (p editPage) draftSlug() string {
	if p.New || p.Sheet == nil {
		return ""
	}
	return p.Sheet.Slug
}

// sameMeta is the service's own rule: metadata as a revision would store
// them, categories compared as a set.
func sameMeta(a, b model.Meta) bool {
	return sheet.SameMeta(a, b)
}

// formFromDraft fills the editor from a draft. A place kept without
// coordinates (they were half typed) is stored at 0, 0 and shown empty.
func formFromDraft(d *model.Draft) editForm {
	f := formFromRevision(&model.Revision{Title: d.Title, Body: d.Body, Meta: d.Meta})
	f.Summary = d.Summary
	if p := d.Meta.Place; p != nil && p.Lat == 0 && p.Lon == 0 {
		f.Lat, f.Lon = "", ""
	}
	return f
}

// draftFromForm turns an editor's posted fields into a draft of the whole
// sheet: a section's text is put back into the version it started from,
// and metadata are taken as typed (coordinates that do not read as numbers
// are left out, not refused).
func (h *handler) draftFromForm(ctx context.Context, slug string, base, section int, form editForm) (sheet.DraftInput, error) {
	in := sheet.DraftInput{Base: base, Title: form.Title, Body: form.Body, Summary: form.Summary}
	if slug != "" && section >= 0 {
		sh, err := h.read.SheetBySlug(ctx, slug)
		if err != nil {
			return in, err
		}
		baseRev, err := h.read.RevisionAt(ctx, sh.ID, base)
		if err != nil {
			return in, httpx.NewError(fiber.StatusUnprocessableEntity, "unknown_base", "error.unknown_base")
		}
		if in.Body, err = document.ReplaceSection(baseRev.Body, section, form.Body); err != nil {
			return in, httpx.NewError(fiber.StatusUnprocessableEntity, "unknown_section", "error.unknown_section")
		}
		in.Title, in.Meta = baseRev.Title, baseRev.Meta
		return in, nil
	}
	meta, err := form.meta()
	if err != nil {
		meta.Place = nil
		if strings.TrimSpace(form.PlaceName+form.PlaceAddress) != "" {
			meta.Place = &model.Place{Name: form.PlaceName, Address: form.PlaceAddress}
		}
	}
	// A shape being typed is left out too: the draft keeps the rest.
	if p := meta.Place; p != nil && len(p.Geometry) > 0 {
		if _, _, err := geo.Normalize(p.Geometry); err != nil {
			p.Geometry = nil
		}
	}
	in.Meta = meta
	return in, nil
}

// readDraftPost reads the editor's base and section fields.
func readDraftPost(c *fiber.Ctx) (base, section int, err error) {
	section = -1
	if raw := c.FormValue("base"); raw != "" {
		if base, err = request.ParsePositive(raw); err != nil {
			return 0, 0, httpx.NewError(fiber.StatusBadRequest, "bad_request", "error.base_invalid")
		}
	}
	if raw := c.FormValue("section"); raw != "" {
		if section, err = strconv.Atoi(raw); err != nil || section < 0 {
			return 0, 0, httpx.NewError(fiber.StatusBadRequest, "bad_request", "error.section_invalid")
		}
	}
	return base, section, nil
}

// saveDraft keeps the editor's text as the account's draft: the
// editor's script posts the form here every few seconds while it changes
// (the same fields as a save, CSRF token included). The answer is JSON.
func (h *handler) saveDraft(c *fiber.Ctx) error {
	slug := request.DraftSlug(c)
	base, section, err := readDraftPost(c)
	var opt sheet.DraftOptions
	if err == nil {
		// The form names the draft it last saw: another tab's since is
		// not overwritten (409, the browser keeps its copy).
		seen, present, ferr := readDraftField(c)
		if present {
			opt.IfSavedAt = &seen
		}
		err = ferr
	}
	if err == nil {
		var in sheet.DraftInput
		if in, err = h.draftFromForm(c.UserContext(), slug, base, section, readEditForm(c)); err == nil {
			var d *model.Draft
			if d, err = h.sheets.PutDraft(c.UserContext(), request.User(c), slug, in, opt); err == nil {
				c.Set(fiber.HeaderCacheControl, "no-store")
				return c.JSON(fiber.Map{"saved_at": d.SavedAt.UTC()})
			}
		}
	}
	he, internal := httpx.Classify(site.DraftError(err))
	if internal {
		return err
	}
	return c.Status(he.Status).JSON(fiber.Map{"error": he.Code, "message": he.Message(request.Lang(c))})
}

// discardDraft deletes the account's draft of a sheet and goes back to
// the editor, which opens on the current version.
func (h *handler) discardDraft(c *fiber.Ctx) error {
	slug := request.DraftSlug(c)
	err := h.sheets.DeleteDraft(c.UserContext(), request.User(c), slug)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return err
	}
	h.flash(c, "info", "draft_discarded")
	if back := c.FormValue("back"); back != "" {
		return redirect(c, request.SafeNext(back))
	}
	if slug == "" {
		return redirect(c, "/sheets/new")
	}
	return redirect(c, "/sheets/"+slug+"/edit")
}

// draftView is what the editor's draft partials show.
type draftView struct {
	Base
	Offer      *draftOffer
	SavedAt    time.Time
	URL        string
	Key        string
	BaseNumber int
	Mine       time.Time
	Unsaved    bool
	Kept       bool
	Spent      string
}

// DraftView gathers the editor's draft banner and autosave settings.
func (p editPage) DraftView() draftView {
	return draftView{Base: p.Base, Offer: p.Drafts.Offer, SavedAt: p.Drafts.SavedAt, URL: p.DraftURL(), Key: p.DraftKey(), BaseNumber: p.BaseNumber,
		Mine: p.Drafts.Mine, Unsaved: p.Drafts.Unsaved, Kept: p.Drafts.Kept, Spent: strings.Join(p.Drafts.Spent, " ")}
}
