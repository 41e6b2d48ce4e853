package web

import (
	"errors"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/document"
	"atlas/internal/live"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
	"atlas/internal/web/site"
)

type editPage struct {
	Base
	New        bool
	Sheet      *model.Sheet
	BaseNumber int
	// Section is the edited section's index, or -1 for the whole sheet.
	Section        int
	SectionHeading string
	Form           editForm
	Categories     []categoryOption
	Error          string
	ErrorField     string
	Conflict       *conflictView
	Tabs           sheetTabs
	// Amend is set when the editor amends a review's submitted version.
	Amend *model.Review
	// Undo is the revision whose change the editor takes back, after an
	// undo that later edits overlap (undo_pages.go); 0 otherwise.
	Undo int
	// Previewed: the form was sent to preview the text, rendered in Preview.
	Previewed bool
	Preview   template.HTML
	// Drafts is the account's unsaved draft of this sheet, if any.
	Drafts draftState
	// Similar are the sheets whose title is close to a new sheet's: the
	// page asks whether it exists already.
	Similar []model.Sheet
	// Pictures: the sheet's, and the form to upload one.
	Pictures pictureList
}

func (h *handler) showNewSheetPage(c *fiber.Ctx) error {
	b := h.base(c, "")
	b.Title = b.T("sheet.new")
	form := editForm{Body: document.Template(), Licence: model.DefaultLicence, Title: c.Query("title")}
	p := editPage{Base: b, New: true, Section: -1, Form: form, Categories: h.categoryOptions(b.Lang, nil)}
	if err := h.offerDraft(c, &p, "", nil); err != nil {
		return err
	}
	return h.views.Render(c, fiber.StatusOK, pageSheetEdit, p)
}

func (h *handler) createSheet(c *fiber.Ctx) error {
	form := readEditForm(c)
	if previewAsked(c) {
		b := h.base(c, "")
		b.Title = b.T("sheet.new")
		return h.renderPreview(c, editPage{Base: b, New: true, Section: -1, Form: form, Categories: h.categoryOptions(b.Lang, form.Categories)})
	}
	meta, err := form.meta()
	var from *time.Time
	if err == nil {
		from, err = savedFrom(c)
	}
	if err == nil {
		err = sheet.CheckCreate(sheet.CreateInput{Title: form.Title, Body: form.Body, Summary: form.Summary, Meta: &meta})
	}
	if err == nil && c.FormValue("confirm") != "1" {
		// A title close to an existing sheet's asks first, keeping what
		// was typed, with a button to create anyway.
		var similar []model.Sheet
		if similar, err = h.sheets.Similar(c.UserContext(), form.Title); err == nil && len(similar) > 0 {
			b := h.base(c, "")
			b.Title = b.T("sheet.new")
			p := editPage{Base: b, New: true, Section: -1, Form: form, Categories: h.categoryOptions(b.Lang, form.Categories), Similar: similar}
			return h.views.Render(c, fiber.StatusConflict, pageSheetEdit, p)
		}
	}
	if err == nil {
		var sh *model.Sheet
		sh, _, err = h.sheets.Create(c.UserContext(), request.User(c), sheet.CreateInput{
			Title: form.Title, Body: form.Body, Summary: form.Summary, Meta: &meta, Draft: from,
		})
		if err == nil {
			h.markSpent(c)
			h.flash(c, "success", "created")
			return redirect(c, "/sheets/"+sh.Slug)
		}
	}
	b := h.base(c, "")
	b.Title = b.T("sheet.new")
	p := editPage{Base: b, New: true, Section: -1, Form: form, Categories: h.categoryOptions(b.Lang, form.Categories)}
	if _, internal := httpx.Classify(err); !internal {
		h.keepRefused(c, &p, "", 0, -1, form)
	}
	return h.renderEditError(c, p, err)
}

func (h *handler) showEditSheetPage(c *fiber.Ctx) error {
	return h.renderEditSheet(c, fiber.StatusOK, c.Params("slug"), pictureRefusal{})
}

// pictureRefusal is why an upload from the editor's plain form was
// refused, shown beside that form, with the description typed.
type pictureRefusal struct {
	Message, Alt string
}

// renderEditSheet is the editor of a sheet at its head revision, with a
// refused picture's message when the plain upload form was refused.
func (h *handler) renderEditSheet(c *fiber.Ctx, status int, slug string, refused pictureRefusal) error {
	ctx := c.UserContext()
	sh, err := h.read.SheetBySlug(ctx, slug)
	if err != nil {
		return err
	}
	head, err := h.read.RevisionAt(ctx, sh.ID, sh.HeadNumber)
	if err != nil {
		return err
	}
	p := editPage{
		Base: h.base(c, head.Title), Sheet: sh, BaseNumber: head.Number, Section: -1,
		Form: formFromRevision(head), Categories: h.categoryOptions(request.Lang(c), head.Meta.Categories),
		Tabs: newSheetTabs(request.Lang(c), sh.Slug, tabEdit, true),
	}
	if raw := c.Query("section"); raw != "" {
		k, err := strconv.Atoi(raw)
		if err != nil {
			return fiber.ErrNotFound
		}
		text, err := document.SectionText(head.Body, k)
		if err != nil {
			return fiber.ErrNotFound
		}
		p.Section, p.Form.Body = k, text
		p.SectionHeading = document.Sections(head.Body)[k].Heading
	}
	if err := h.offerDraft(c, &p, sh.Slug, head); err != nil {
		return err
	}
	if p.Pictures, err = h.sheetPictures(ctx, p.Base, sh.Slug, sh.ID, true); err != nil {
		return err
	}
	p.Pictures.Error, p.Pictures.Alt = refused.Message, refused.Alt
	return h.views.Render(c, status, pageSheetEdit, p)
}

func (h *handler) updateSheet(c *fiber.Ctx) error {
	ctx := c.UserContext()
	slug := c.Params("slug")
	sh, err := h.read.SheetBySlug(ctx, slug)
	if err != nil {
		return err
	}
	form := readEditForm(c)
	base, _ := strconv.Atoi(c.FormValue("base"))
	section := -1
	if raw := c.FormValue("section"); raw != "" {
		if section, err = strconv.Atoi(raw); err != nil {
			return httpx.NewError(fiber.StatusBadRequest, "bad_request", "error.section_invalid")
		}
	}
	p := editPage{Base: h.base(c, form.Title), Sheet: sh, BaseNumber: base, Section: section, Form: form,
		Tabs: newSheetTabs(request.Lang(c), sh.Slug, tabEdit, true)}
	p.Categories = h.categoryOptions(p.Lang, form.Categories)
	if previewAsked(c) {
		return h.renderPreview(c, p)
	}

	in := sheet.SaveInput{Base: base, Title: form.Title, Body: form.Body, Summary: form.Summary, Minor: form.Minor}
	if in.Draft, err = savedFrom(c); err != nil {
		return err
	}
	if section >= 0 {
		// A section edit changes only the body: the rest of the sheet is
		// that of the revision the editor started from.
		baseRev, err := h.read.RevisionAt(ctx, sh.ID, base)
		if err != nil {
			return httpx.NewError(fiber.StatusUnprocessableEntity, "unknown_base", "error.unknown_base")
		}
		if in.Body, err = document.ReplaceSection(baseRev.Body, section, form.Body); err != nil {
			return httpx.NewError(fiber.StatusUnprocessableEntity, "unknown_section", "error.unknown_section")
		}
		in.Body = keepEndings(baseRev.Body, in.Body)
		in.Title = baseRev.Title
		p.Form.Title = baseRev.Title
	} else {
		meta, err := form.meta()
		if err != nil {
			h.keepRefused(c, &p, slug, base, section, form)
			return h.renderEditError(c, p, err)
		}
		in.Meta = &meta
		in.Body = h.bodyOnBase(ctx, sh.ID, base, in.Body)
	}

	// A version saved from a live session credits its co-writers and
	// moves the session's base; its script asks for JSON to stay in the
	// editor.
	var session int64
	var coauthors []string
	if raw := c.FormValue("live_session"); raw != "" {
		if session, err = strconv.ParseInt(raw, 10, 64); err != nil || session <= 0 {
			return httpx.NewError(fiber.StatusBadRequest, "bad_request", "error.live_session_invalid")
		}
		if coauthors, err = h.live.SaveFrom(ctx, sh.ID, 0, session, &in); err != nil {
			if errors.Is(err, live.ErrNoSession) {
				return httpx.NewError(fiber.StatusUnprocessableEntity, "unknown_live_session", "error.live_session_invalid")
			}
			return err
		}
	}
	res, err := h.sheets.Save(ctx, request.User(c), slug, in)
	h.metrics.counts.Save(res, err)
	if session > 0 && err == nil && !res.Unchanged {
		h.live.Saved(ctx, sh.ID, session, res.Revision, request.User(c).Username)
	}
	if wantsJSON(c) {
		return h.answerLiveSave(c, "/sheets/"+slug, res, err, coauthors)
	}
	var conflict *sheet.ConflictError
	switch {
	case errors.As(err, &conflict):
		h.keepRefused(c, &p, slug, base, section, form)
		return h.renderConflict(c, p, conflict)
	case err != nil:
		if _, internal := httpx.Classify(err); !internal {
			h.keepRefused(c, &p, slug, base, section, form)
		}
		return h.renderEditError(c, p, err)
	case res.Unchanged:
		h.flash(c, "info", "unchanged")
	case res.Merged:
		h.flash(c, "success", "merged")
	default:
		h.flash(c, "success", "saved")
	}
	h.markSpent(c)
	if section >= 0 {
		// Back to the section just edited (see sectionAnchor). Rendering the
		// saved revision here costs nothing: the sheet page is about to ask
		// the render cache for it.
		rendered := h.markdown.Reader(res.Revision.SHA256, res.Revision.Body)
		if id := sectionAnchor(rendered, res.Revision.Body, section, form.Body); id != "" {
			return redirect(c, "/sheets/"+slug+"#"+id)
		}
	}
	return redirect(c, "/sheets/"+slug)
}

// wantsJSON: the live editor posts the form asking for JSON.
func wantsJSON(c *fiber.Ctx) bool {
	return strings.HasPrefix(c.Get(fiber.HeaderAccept), fiber.MIMEApplicationJSON)
}

// answerLiveSave is the edit form's answer in JSON: 201 with the revision,
// its address and co-authors; a conflict as the API's save; other errors
// as the API's.
func (h *handler) answerLiveSave(c *fiber.Ctx, url string, res sheet.SaveResult, err error, coauthors []string) error {
	if conflict, ok := errors.AsType[*sheet.ConflictError](err); ok {
		return site.SendConflict(c, conflict)
	}
	if err != nil {
		he, internal := httpx.Classify(err)
		if internal {
			return err
		}
		return c.Status(he.Status).JSON(fiber.Map{"error": he.Code, "message": he.Message(request.Lang(c))})
	}
	if coauthors == nil || res.Unchanged {
		coauthors = []string{}
	}
	h.markSpent(c)
	status := fiber.StatusCreated
	if res.Unchanged {
		status = fiber.StatusOK
	}
	return c.Status(status).JSON(fiber.Map{"revision": res.Revision.Number, "url": url, "coauthors": coauthors})
}

// renderEditError shows the editor again with the user's text and a
// message naming what to fix.
func (h *handler) renderEditError(c *fiber.Ctx, p editPage, err error) error {
	he, internal := httpx.Classify(err)
	if internal {
		return err
	}
	var invalid *sheet.InvalidError
	if errors.As(err, &invalid) {
		p.ErrorField = invalid.Field
	}
	p.Error = he.Message(request.Lang(c))
	return h.views.Render(c, he.Status, pageSheetEdit, p)
}
