package web

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/diff"
	"atlas/internal/document"
	"atlas/internal/i18n"
	"atlas/internal/model"
	"atlas/internal/sheet"
)

// conflictView is the edit-conflict screen: who saved what meanwhile, where
// the user's edit overlaps theirs, and everything the user's save would
// change in the current version (title, metadata, body).
type conflictView struct {
	// From is the version the user started from, Head the current one.
	From, Head int
	// Others are the versions saved since From, newest first; More says
	// that some were left out of the list, Total counts them all.
	Others []conflictRevision
	More   bool
	Total  int
	// Places names where the overlapping passages are.
	Places       []string
	TitleChanged bool
	TitleFrom    string
	TitleTo      string
	MetaRows     []metaRow
	Sections     []diffSectionView
}

// conflictRevision is one version saved by someone else meanwhile.
type conflictRevision struct {
	Number    int
	Author    string
	CreatedAt time.Time
	Summary   string
}

// maxConflictOthers bounds the versions listed by name; the diff link
// covers them all.
const maxConflictOthers = 10

// renderConflict shows the conflict screen after a save that overlaps what
// others saved since the user's base B, the head being now H.
//
// What the form carries is the design that keeps everyone's work. The
// editor holds Merged: base→mine merged onto H, with the user's text
// wherever the two overlap (title and metadata included), and the form's
// base is H. Others' changes that do not overlap the user's are thus
// already in the editor, and the user's own changes too; saving the screen
// as shown is a save from H that changes exactly what the difference above
// the form shows (the user's changes, and the user's text in the
// overlapping passages, which they can rework first), never reverting a
// field nobody touched. Re-sending the original base B instead would
// raise the same conflict again, and sending the user's raw text with base
// H would revert every change the others made. Should the head move again
// before the save, that save is an ordinary three-way merge from H.
//
// A section edit stays a section edit: the editor holds the section of H
// that Merged changes (B's section may have moved in H), title and
// metadata are not in the form and stay H's.
func (h *handler) renderConflict(c *fiber.Ctx, p editPage, conflict *sheet.ConflictError) error {
	ctx := c.UserContext()
	head, err := h.read.RevisionAt(ctx, p.Sheet.ID, conflict.Head)
	if err != nil {
		return err
	}
	merged := conflict.Merged
	if merged.Title == "" {
		merged = conflict.Mine
	}
	cv := &conflictView{From: p.BaseNumber, Head: head.Number}
	if err := h.conflictOthers(c, p, cv); err != nil {
		return err
	}
	for _, cf := range conflict.Conflicts {
		cv.Places = append(cv.Places, conflictPlace(p.Lang, cf.Section))
	}
	cv.TitleChanged, cv.TitleFrom, cv.TitleTo = head.Title != merged.Title, head.Title, merged.Title
	cv.MetaRows = metaRows(p.Lang, sheet.MetaChanges(head.Meta, merged.Meta))
	cv.Sections = sectionViews(p.Lang, diff.Compare(head.Body, merged.Body, diff.Options{Timeout: diffTimeout}).Sections)
	p.Conflict = cv

	// The user's section in B, to tell it from a neighbor in H.
	heading := ""
	if p.Section >= 0 {
		if base, err := h.read.RevisionAt(ctx, p.Sheet.ID, p.BaseNumber); err == nil {
			if secs := document.Sections(base.Body); p.Section < len(secs) {
				heading = secs[p.Section].Heading
			}
		}
	}
	p.BaseNumber = head.Number
	if p.Section >= 0 {
		if k, text, ok := sectionIn(head.Body, merged.Body, heading); ok {
			p.Section, p.Form.Body, p.Form.Title = k, text, head.Title
			p.SectionHeading = document.Sections(head.Body)[k].Heading
			return h.views.Render(c, fiber.StatusConflict, pageSheetEdit, p)
		}
		// Merged changes more than one section of H (a heading the
		// others removed, say): the whole sheet is edited, as merged.
	}
	summary, minor := p.Form.Summary, p.Form.Minor
	p.Section, p.SectionHeading = -1, ""
	p.Form = formFromRevision(&model.Revision{Title: merged.Title, Body: merged.Body, Meta: merged.Meta})
	p.Form.Summary, p.Form.Minor = summary, minor
	p.Categories = h.categoryOptions(p.Lang, merged.Meta.Categories)
	return h.views.Render(c, fiber.StatusConflict, pageSheetEdit, p)
}

// conflictOthers lists the versions saved between the user's base and the
// head, with their authors.
func (h *handler) conflictOthers(c *fiber.Ctx, p editPage, cv *conflictView) error {
	n := cv.Head - cv.From
	if n <= 0 {
		return nil
	}
	ctx := c.UserContext()
	page, err := h.read.ListRevisions(ctx, p.Sheet.ID, cv.Head+1, min(n, maxConflictOthers))
	if err != nil {
		return err
	}
	ids := make([]int64, 0, len(page.Revisions))
	for _, r := range page.Revisions {
		ids = append(ids, r.AuthorID)
	}
	users, err := h.read.UsersByIDs(ctx, ids)
	if err != nil {
		return err
	}
	for _, r := range page.Revisions {
		if r.Number <= cv.From {
			break
		}
		or := conflictRevision{Number: r.Number, CreatedAt: r.CreatedAt, Summary: r.Summary}
		if u := users[r.AuthorID]; u != nil {
			or.Author = u.Name()
		}
		cv.Others = append(cv.Others, or)
	}
	cv.More, cv.Total = len(cv.Others) < n, n
	return nil
}

// conflictPlace names where a conflict is: a section, the title or a
// metadata field.
func conflictPlace(lang, section string) string {
	switch {
	case section == "title":
		return i18n.T(lang, "meta.title")
	case strings.HasPrefix(section, "meta."):
		return i18n.T(lang, section)
	case section == "":
		return i18n.T(lang, "diff.preamble")
	}
	return section
}

// sectionIn finds the section of head that merged changes and returns its
// index and its text in merged, such that replacing that section of head
// by text gives merged. When several sections would do (an insertion on
// the boundary of two), the one whose heading is heading wins, else the
// first.
func sectionIn(head, merged, heading string) (int, string, bool) {
	found, text := -1, ""
	for _, sec := range document.Sections(head) {
		before, after := head[:sec.Start], head[sec.End:]
		if len(before)+len(after) > len(merged) || !strings.HasPrefix(merged, before) || !strings.HasSuffix(merged, after) {
			continue
		}
		if found >= 0 && sec.Heading != heading {
			continue
		}
		t := merged[len(before) : len(merged)-len(after)]
		if got, err := document.ReplaceSection(head, sec.Index, t); err != nil || got != merged {
			continue
		}
		found, text = sec.Index, t
		if sec.Heading == heading {
			break
		}
	}
	return found, text, found >= 0
}
