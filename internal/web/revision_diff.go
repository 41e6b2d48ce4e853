package web

import (
	"fmt"
	"html/template"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/diff"
	"atlas/internal/model"
	"atlas/internal/read"
	"atlas/internal/web/request"
	"atlas/internal/web/view"
)

// comparison is two revisions of a sheet and what separates them
// (read.Comparison).
type comparison = read.Comparison

// diffTimeout bounds the work of one comparison: a huge diff degrades to
// coarser blocks rather than holding a request.
const diffTimeout = 2 * time.Second

// comparedRange reads ?from=A&to=B: B defaults to the head, A to B's
// parent.
func comparedRange(c *fiber.Ctx, sh *model.Sheet) (from, to int, err error) {
	if to, err = request.QueryInt(c, "to", sh.HeadNumber, 0); err != nil {
		return 0, 0, err
	}
	from, err = request.QueryInt(c, "from", max(to-1, 1), 0)
	return from, to, err
}

// loadComparison compares two revisions of a sheet.
func (h *handler) loadComparison(c *fiber.Ctx, sh *model.Sheet, from, to int) (*comparison, error) {
	return h.read.Compare(c.UserContext(), sh, from, to, diffTimeout)
}

type diffPage struct {
	Base
	Sheet    *model.Sheet
	From, To *model.Revision
	// Body is the body's diff, kept rendered (see diffBody); the template
	// prints DiffMarker where it goes.
	Body       *diffBody
	Side       bool
	FromAuthor view.Person
	ToAuthor   view.Person
	// Prev and Next step the pair one revision back or forward; zero when
	// there is nowhere to go.
	PrevFrom, PrevTo int
	NextFrom, NextTo int
	TitleChanged     bool
	MetaRows         []metaRow
	Tabs             sheetTabs
}

// Undoable says the page shows one change, from a revision's parent to
// it: the page offers to take that change back.
func (p diffPage) Undoable() bool {
	return p.To.Parent != nil && *p.To.Parent == p.From.Number
}

// diffMarker stands in the diff page for the body's diff until it is
// spliced in.
const diffMarker template.HTML = "<!--atlas:diff-->"

// DiffMarker is the template's placeholder for the body's diff.
func (p diffPage) DiffMarker() template.HTML { return diffMarker }

func (p diffPage) Splices() []view.Splice {
	return []view.Splice{{Marker: diffMarker, HTML: p.Body.HTML}}
}

// diffBody is the costly part of a comparison, its body's diff rendered,
// with its counts.
type diffBody struct {
	HTML      template.HTML // the changed sections; "" when none
	Stats     diff.Stats
	Truncated bool
}

func (d *diffBody) size() int { return len(d.HTML) + 64 }

// diffBody compares two bodies and renders the changed sections, or
// returns them kept. Bodies are named by their SHA-256, so the key holds
// all the result depends on and is never stale; a miss is computed in one
// of a few slots (see keptWork), and a request finding none free in time
// is answered 503 with Retry-After.
func (h *handler) diffBody(c *fiber.Ctx, a, b *model.Revision, lang string, side bool) (*diffBody, error) {
	layout := "diff_sections"
	if side {
		layout = "diff_sections_side"
	}
	key := "diff|" + a.SHA256 + "|" + b.SHA256 + "|" + lang + "|" + layout + "|" + h.build
	d, err := h.caches.diffs.get(c.UserContext(), key, func() (*diffBody, error) {
		res := diff.Compare(a.Body, b.Body, diff.Options{Timeout: diffTimeout})
		d := &diffBody{Stats: res.Stats, Truncated: res.Truncated}
		if sections := sectionViews(lang, res.Sections); len(sections) > 0 {
			out, err := h.views.Fragment(pageDiff, layout, sections)
			if err != nil {
				return nil, err
			}
			d.HTML = template.HTML(out) //nolint:gosec // G203: html/template's own output
		}
		return d, nil
	})
	return d, busyAnswer(c, err)
}

// diffContext is how many unchanged lines frame each change.
const diffContext = 3

func (h *handler) showDiffPage(c *fiber.Ctx) error {
	sh, err := h.sheetForPage(c)
	if err != nil {
		return err
	}
	from, to, err := comparedRange(c, sh)
	if err != nil {
		return err
	}
	if err := request.Viewer(c).MayRead(sh, from, to); err != nil {
		return err
	}
	side := c.Query("view") == "side"
	return h.maybeCached(c, pageDiff, sh, fmt.Sprintf("%d-%d-%t", from, to, side), func() (any, error) {
		return h.diffPageData(c, sh, from, to, side)
	})
}

func (h *handler) diffPageData(c *fiber.Ctx, sh *model.Sheet, from, to int, side bool) (any, error) {
	ctx := c.UserContext()
	a, b, err := h.read.RevisionPair(ctx, sh, from, to)
	if err != nil {
		return nil, err
	}
	cmp := read.CompareHeader(sh, a, b, diffTimeout)
	users, err := h.read.UsersByIDs(ctx, []int64{cmp.From.AuthorID, cmp.To.AuthorID})
	if err != nil {
		return nil, err
	}
	p := diffPage{
		Base: h.base(c, cmp.To.Title), Sheet: sh, From: a, To: b, Side: side,
		TitleChanged: cmp.From.Title != cmp.To.Title,
	}
	if p.Body, err = h.diffBody(c, a, b, p.Lang, side); err != nil {
		return nil, err
	}
	if u := users[cmp.From.AuthorID]; u != nil {
		p.FromAuthor = view.PersonOf(u)
	}
	if u := users[cmp.To.AuthorID]; u != nil {
		p.ToAuthor = view.PersonOf(u)
	}
	if cmp.From.Number > 1 {
		p.PrevFrom, p.PrevTo = cmp.From.Number-1, cmp.From.Number
	}
	if cmp.To.Number < sh.HeadNumber {
		p.NextFrom, p.NextTo = cmp.To.Number, cmp.To.Number+1
	}
	p.MetaRows = metaRows(p.Lang, cmp.Meta)
	p.Tabs = newSheetTabs(p.Lang, sh.Slug, tabHistory, request.User(c) != nil)
	return p, nil
}
