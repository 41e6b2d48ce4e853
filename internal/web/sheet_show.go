package web

import (
	"fmt"
	"html/template"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/i18n"
	"atlas/internal/model"
	"atlas/internal/render"
	"atlas/internal/sheet"
	"atlas/internal/web/request"
	"atlas/internal/web/view"
)

type sheetPage struct {
	Base
	Sheet    *model.Sheet
	Revision *model.Revision
	// MergedFrom are the duplicates merged into this sheet, whose history
	// stays readable at their own address.
	MergedFrom []model.Sheet
	// Article is the part that depends on the revision alone, kept
	// rendered (see article); the template prints ArticleMarker where it
	// goes.
	Article template.HTML
	// ProvenanceLine is the provenance partial, kept (see provenanceLine).
	ProvenanceLine template.HTML
	Categories     []string
	// Draft: never validated by its board. Pending: the reader sees the
	// validated version while newer ones wait. AheadOfPublished: a
	// contributor sees the head, newer than what readers see.
	Draft   bool
	Pending bool
	// PendingNotice tells readers of a Pending sheet what is newer: a
	// version submitted to the board, or changes not yet submitted;
	// PendingTo is the version the notice's diff leads to.
	PendingNotice    string
	PendingTo        int
	AheadOfPublished bool
	CanEdit          bool
	Tabs             sheetTabs
	Board            []view.Person
	OpenReview       *model.Review
	CanSubmit        bool
	IsAdmin          bool
	CommentsBlock    commentsBlock
	// Watching: the signed-in reader follows the sheet (CanEdit says
	// someone is signed in).
	Watching bool
	Pictures pictureList
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
	StartedBy     view.Person
	CoWriters     []view.Person // the others who wrote versions, first come first
	MoreCoWriters int           // co-writers beyond those named
	UpdatedAt     time.Time
	UpdatedBy     view.Person
	Revisions     int
}

// articleMarker stands in the sheet page for its article until it is
// spliced in.
const articleMarker template.HTML = "<!--atlas:article-->"

// ArticleMarker is the template's placeholder for the article.
func (p sheetPage) ArticleMarker() template.HTML { return articleMarker }

func (p sheetPage) Splices() []view.Splice {
	return []view.Splice{{Marker: articleMarker, HTML: p.Article}}
}

// provenanceView is what the provenance partial shows.
type provenanceView struct {
	Base
	Provenance provenance
	Slug       string
	ReviewID   int64 // the open submission's, 0 if none
	// Credits name the authors of the text shown by their share of its
	// words, as the licence asks (creditLine).
	Credits template.HTML
}

// List names people in a sentence ("B, C et 4 autres").
func (v provenanceView) List(names []view.Person, more int) template.HTML {
	links := make([]string, len(names))
	for i, n := range names {
		links[i] = string(n.Link())
	}
	// The words joining them ("et", "2 autres") are the catalogue's.
	return template.HTML(i18n.List(v.Lang, links, more)) //nolint:gosec // G203: escaped links joined by catalogue words
}

// provenanceLine renders the sheet's provenance (the provenance partial).
// It is kept under the sheet's cache version, which new versions,
// submissions and decisions all move: history is read and the line
// rendered once per change, not at each signed-in reading.
//
// It names the authors of revision shown, the one the reader sees.
func (h *handler) provenanceLine(c *fiber.Ctx, sh *model.Sheet, shown int, open *model.Review) (template.HTML, error) {
	lang := request.Lang(c)
	pv := provenanceView{Base: Base{Lang: lang}, Slug: sh.Slug}
	variant := strconv.Itoa(shown)
	if open != nil {
		pv.ReviewID = open.ID
		variant += "|" + strconv.FormatInt(open.ID, 10)
	}
	return h.part(pageKey("provenance", sh, lang, h.build, variant), func() ([]byte, error) {
		prov, err := h.provenance(c, sh)
		if err != nil {
			return nil, err
		}
		if open != nil {
			prov.AwaitingSince = &open.SubmittedAt
		}
		pv.Provenance = prov
		people, err := h.creditPeople(c.UserContext(), sh.ID, shown)
		if err != nil {
			return nil, err
		}
		pv.Credits = creditLine(pv.Base, people)
		return h.views.Fragment(pageSheetShow, "provenance", pv)
	})
}

// articleView is what the sheet_article template shows.
type articleView struct {
	Base
	Sheet    *model.Sheet
	Revision *model.Revision
	// Headings make the table of contents, with a link to edit each
	// section when CanEdit.
	Headings []render.Heading
	CanEdit  bool
	HTML     template.HTML
}

// article renders the part of the sheet page that depends on the revision
// alone: table of contents, body and metadata box. Revisions never change,
// so it is kept under the revision, the language, whether the reader may
// edit (the section links) and the release.
func (h *handler) article(b Base, sh *model.Sheet, rev *model.Revision, canEdit bool) (template.HTML, error) {
	key := fmt.Sprintf("article|%d|%d|%s|%s|%t|%s", sh.ID, rev.Number, rev.SHA256, b.Lang, canEdit, h.build)
	return h.part(key, func() ([]byte, error) {
		rendered := h.markdown.Reader(rev.SHA256, rev.Body)
		body := rendered.HTML
		if canEdit {
			var err error
			if body, err = withSectionEditLinks(h.views, body, b, sh.Slug, rendered.Headings); err != nil {
				return nil, err
			}
		}
		// Only the language and the assets: the fragment is shared by every
		// reader of its kind, so nothing of this one (account, CSRF token,
		// message) may be within its reach.
		return h.views.Fragment(pageSheetShow, "sheet_article", articleView{
			Base: b.Bare(), Sheet: sh, Revision: rev, HTML: body,
			Headings: rendered.Headings, CanEdit: canEdit,
		})
	})
}

// part returns a rendered part of a page kept under key, rendering and
// keeping it on a miss. Keys name what the part depends on (a revision,
// or a sheet's cache version) and the release, so a kept part is never
// stale.
func (h *handler) part(key string, render func() ([]byte, error)) (template.HTML, error) {
	return h.caches.part(key, render)
}

// maxNamedCoWriters keeps the provenance line short on busy sheets: "B,
// C, D et 4 autres".
const maxNamedCoWriters = 3

func (h *handler) showSheetPage(c *fiber.Ctx) error {
	sh, err := h.sheetForPage(c)
	if err != nil {
		return err
	}
	return h.maybeCached(c, pageSheetShow, sh, "", func() (any, error) { return h.sheetPageData(c, sh) })
}

// sheetPageData gathers everything the sheet page shows.
func (h *handler) sheetPageData(c *fiber.Ctx, sh *model.Sheet) (sheetPage, error) {
	user := request.User(c)
	loaded, err := h.read.Sheet(c.UserContext(), sh, request.Viewer(c).DefaultRevision(sh))
	if err != nil {
		return sheetPage{}, err
	}
	rev, board := loaded.Revision, loaded.Board
	p := sheetPage{
		Base: h.base(c, rev.Title), Sheet: sh, Revision: rev,
		Draft: sh.PublishedNumber == nil, CanEdit: user != nil,
		Pending:          user == nil && sheet.Pending(sh),
		AheadOfPublished: user != nil && sheet.Pending(sh),
		Tabs:             newSheetTabs(request.Lang(c), sh.Slug, tabRead, user != nil),
	}
	if p.Article, err = h.article(p.Base, sh, rev, p.CanEdit); err != nil {
		return sheetPage{}, err
	}
	for _, u := range board {
		p.Board = append(p.Board, view.PersonOf(&u))
	}
	p.OpenReview = loaded.OpenReview
	if p.ProvenanceLine, err = h.provenanceLine(c, sh, rev.Number, p.OpenReview); err != nil {
		return sheetPage{}, err
	}
	if p.Pending {
		p.PendingNotice, p.PendingTo = pendingNotice(p.Lang, sh, p.OpenReview)
	}
	if p.MergedFrom, err = h.read.MergedInto(c.UserContext(), sh.ID); err != nil {
		return sheetPage{}, err
	}
	p.IsAdmin = user.IsAdmin()
	if user != nil {
		if p.Watching, err = h.read.Watching(c.UserContext(), user.ID, sh.ID); err != nil {
			return sheetPage{}, err
		}
	}
	p.CanSubmit = user != nil && len(board) > 0 && p.OpenReview == nil
	comments, err := h.commentItems(c, sh, nil, 0)
	if err != nil {
		return sheetPage{}, err
	}
	p.CommentsBlock = newCommentsBlock(p.Base, sh.Slug, 0, rev.Number, comments)
	if p.Pictures, err = h.sheetPictures(c.UserContext(), p.Base, sh.Slug, sh.ID, false); err != nil {
		return sheetPage{}, err
	}
	for _, slug := range rev.Meta.Categories {
		if cat, ok := sheet.CategoryBySlug(slug); ok {
			p.Categories = append(p.Categories, categoryName(p.Lang, cat))
		}
	}
	return p, nil
}

func categoryName(lang string, c sheet.Category) string {
	return i18n.T(lang, "category."+c.Slug)
}

func (h *handler) provenance(c *fiber.Ctx, sh *model.Sheet) (provenance, error) {
	hist, err := h.read.Provenance(c.UserContext(), sh)
	if err != nil {
		return provenance{}, err
	}
	users := hist.Users
	first, head := hist.First, hist.Head
	p := provenance{StartedAt: first.CreatedAt, UpdatedAt: head.CreatedAt, Revisions: sh.HeadNumber}
	if d := hist.Decision; d != nil && d.DecidedAt != nil {
		p.ValidatedAt = d.DecidedAt
		if d.DecidedApprovals != nil && d.DecidedSeats != nil {
			p.ValidVotes, p.ValidSeats = *d.DecidedApprovals, *d.DecidedSeats
		}
	}
	if u := users[head.AuthorID]; u != nil {
		p.UpdatedBy = view.PersonOf(u)
	}
	if u := users[first.AuthorID]; u != nil {
		p.StartedBy = view.PersonOf(u)
	}
	for _, ctb := range hist.Contributors {
		u := users[ctb.AuthorID]
		if ctb.AuthorID == first.AuthorID || u == nil {
			continue
		}
		if len(p.CoWriters) == maxNamedCoWriters {
			p.MoreCoWriters++
			continue
		}
		p.CoWriters = append(p.CoWriters, view.PersonOf(u))
	}
	return p, nil
}

// pendingNotice is what readers of a validated sheet learn about its newer
// versions: one is submitted to the board (since when), or there are
// changes nobody has submitted yet. It returns the notice and the version
// its diff leads to.
func pendingNotice(lang string, sh *model.Sheet, open *model.Review) (string, int) {
	if open != nil && sh.PublishedNumber != nil && open.RevisionNumber > *sh.PublishedNumber {
		return i18n.T(lang, "sheet.pending_submitted", i18n.Date(lang, open.SubmittedAt)), open.RevisionNumber
	}
	return i18n.T(lang, "sheet.pending"), sh.HeadNumber
}
