package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/diff"
	"atlas/internal/model"
	"atlas/internal/sheet"
	"atlas/internal/web/request"
	"atlas/internal/web/view"
)

// undoPage asks to confirm taking back the change of one revision: what
// the undo will change in the current version, and a summary prefilled
// "Annulation de la modification N de X".
//
// The history and diff pages, the same for every reader and kept, link to
// it with a plain GET (no token in a shared page); only its form, which
// carries the reader's CSRF token, writes.
type undoPage struct {
	Base
	Sheet  *model.Sheet
	Target *model.Revision
	Author view.Person
	// Parent is the version whose text comes back; Head the current one.
	Parent, Head int
	// Overlaps says that later edits touch the passages the change
	// touched: confirming opens the editor on the proposed text.
	Overlaps     bool
	Places       []string
	TitleChanged bool
	TitleFrom    string
	TitleTo      string
	MetaRows     []metaRow
	Sections     []diffSectionView
	Summary      string
	Tabs         sheetTabs
}

func (h *handler) showUndoPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sh, err := h.sheetForPage(c)
	if err != nil {
		return err
	}
	n, err := request.ParamInt(c, "number")
	if err != nil {
		return err
	}
	plan, err := h.sheets.PlanUndo(ctx, sh.Slug, n)
	if err != nil {
		return err
	}
	b := h.base(c, plan.Head.Title)
	p := undoPage{
		Base: b, Sheet: sh, Target: plan.Target, Parent: plan.Parent.Number, Head: plan.Head.Number,
		Overlaps: len(plan.Conflicts) > 0,
		Tabs:     newSheetTabs(b.Lang, sh.Slug, tabHistory, true),
	}
	for _, cf := range plan.Conflicts {
		p.Places = append(p.Places, conflictPlace(b.Lang, cf.Section))
	}
	users, err := h.read.UsersByIDs(ctx, []int64{plan.Target.AuthorID})
	if err != nil {
		return err
	}
	if u := users[plan.Target.AuthorID]; u != nil {
		p.Author = view.PersonOf(u)
	}
	if p.Summary, err = h.sheets.UndoSummary(ctx, b.Lang, plan.Target); err != nil {
		return err
	}
	head, result := plan.Head, plan.Result
	p.TitleChanged, p.TitleFrom, p.TitleTo = head.Title != result.Title, head.Title, result.Title
	p.MetaRows = metaRows(b.Lang, sheet.MetaChanges(head.Meta, result.Meta))
	p.Sections = sectionViews(b.Lang, diff.Compare(head.Body, result.Body, diff.Options{Timeout: diffTimeout}).Sections)
	return h.views.Render(c, fiber.StatusOK, pageUndo, p)
}

// undoRevision takes the change back. Later edits that overlap it open the
// conflict screen of the editor on the proposed text, saved from the
// current version as any edit is.
func (h *handler) undoRevision(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sh, err := h.sheetForPage(c)
	if err != nil {
		return err
	}
	n, err := request.ParamInt(c, "number")
	if err != nil {
		return err
	}
	summary := c.FormValue("summary")
	_, err = h.sheets.Undo(ctx, request.User(c), sh.Slug, sheet.UndoInput{Revision: n, Summary: summary})
	h.metrics.counts.Change(err)
	var conflict *sheet.ConflictError
	if errors.As(err, &conflict) {
		b := h.base(c, sh.Title)
		p := editPage{
			Base: b, Sheet: sh, BaseNumber: n, Section: -1, Undo: n,
			Form: editForm{Summary: summary}, Tabs: newSheetTabs(b.Lang, sh.Slug, tabEdit, true),
		}
		return h.renderConflict(c, p, conflict)
	}
	if err != nil {
		return err
	}
	h.flash(c, "success", "undone")
	return redirect(c, "/sheets/"+sh.Slug)
}
