package web

import (
	"html/template"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/render"
	"atlas/internal/sheet"
	"atlas/internal/web/request"
	"atlas/internal/web/view"
)

type revisionPage struct {
	Base
	Sheet    *model.Sheet
	Revision *model.Revision
	Author   view.Person
	HTML     template.HTML
	Headings []render.Heading
	IsHead   bool
	State    string
	CanEdit  bool
	Tabs     sheetTabs
}

func (h *handler) showRevisionPage(c *fiber.Ctx) error {
	sh, err := h.sheetForPage(c)
	if err != nil {
		return err
	}
	n, err := request.ParamInt(c, "number")
	if err != nil {
		return err
	}
	if err := request.Viewer(c).MayRead(sh, n); err != nil {
		return err
	}
	return h.maybeCached(c, pageRevisionShow, sh, strconv.Itoa(n), func() (any, error) {
		ctx := c.UserContext()
		got, err := h.read.Revision(ctx, sh, n)
		if err != nil {
			return nil, err
		}
		rev, author, state := got.Revision, got.Author, got.State
		rendered := h.markdown.Reader(rev.SHA256, rev.Body)
		b := h.base(c, rev.Title)
		return revisionPage{
			Base: b, Sheet: sh, Revision: rev, Author: view.PersonOf(author), HTML: rendered.HTML, Headings: rendered.Headings,
			IsHead: n == sh.HeadNumber, State: state, CanEdit: request.User(c) != nil,
			Tabs: newSheetTabs(b.Lang, sh.Slug, tabHistory, request.User(c) != nil),
		}, nil
	})
}

func (h *handler) restoreRevision(c *fiber.Ctx) error {
	n, err := request.ParamInt(c, "number")
	if err != nil {
		return err
	}
	slug := c.Params("slug")
	_, err = h.sheets.Restore(c.UserContext(), request.User(c), slug, n, c.FormValue("summary"))
	h.metrics.counts.Change(err)
	if err != nil && err != sheet.ErrUnchanged {
		return err
	}
	if err == sheet.ErrUnchanged {
		h.flash(c, "info", "restore_unchanged")
	} else {
		h.flash(c, "success", "restored")
	}
	return redirect(c, "/sheets/"+slug)
}
