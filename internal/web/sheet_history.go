package web

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/i18n"
	"atlas/internal/model"
	"atlas/internal/web/request"
	"atlas/internal/web/view"
)

// historyPage is a page of a sheet's history: its table is the same for
// every reader and kept rendered (see historyTable).
type historyPage struct {
	Base
	Sheet *model.Sheet
	Tabs  sheetTabs
	Table template.HTML
}

// historyTableMarker stands in the history page for its table until it is
// spliced in.
const historyTableMarker template.HTML = "<!--atlas:history-table-->"

// TableMarker is the template's placeholder for the table.
func (p historyPage) TableMarker() template.HTML { return historyTableMarker }

func (p historyPage) Splices() []view.Splice {
	return []view.Splice{{Marker: historyTableMarker, HTML: p.Table}}
}

// historyTable is what the history_table template shows: one row per
// revision, every text prepared here so the template only prints.
type historyTable struct {
	Base
	Sheet *model.Sheet
	Rows  []historyRow
	Next  int
	First bool
}

type historyRow struct {
	Number             int
	Link               string
	FromChecked        bool // the comparison radios preselect the two newest rows
	ToChecked          bool
	FromLabel, ToLabel string
	ISO, When          string
	Author             view.Person
	// Coauthors: "avec A et B", the other writers of a version written
	// together, as links.
	Coauthors         template.HTML
	Summary           string
	Minor             bool
	Origin            string // how the revision came, unless by a plain edit
	DiffLink          string // to the change from its parent, if it has one
	UndoLink          string // to the page that takes that change back
	Size              string
	Delta, DeltaClass string // the size change from the previous revision, as wikis show it
	State, StateLabel string
}

const historyPageSize = 50

// withOthers is "avec A et B": the co-authors but the author, as links.
func withOthers(lang, author string, all []model.User) template.HTML {
	var links []string
	for i := range all {
		if all[i].Username != author {
			links = append(links, string(view.PersonOf(&all[i]).Link()))
		}
	}
	if len(links) == 0 {
		return ""
	}
	list := links[0]
	if n := len(links); n > 1 {
		list = strings.Join(links[:n-1], ", ") + " " + template.HTMLEscapeString(i18n.T(lang, "history.and")) + " " + links[n-1]
	}
	return template.HTML(template.HTMLEscapeString(i18n.T(lang, "history.with")) + " " + list) //nolint:gosec // escaped parts
}

func (h *handler) showHistoryPage(c *fiber.Ctx) error {
	sh, err := h.sheetForPage(c)
	if err != nil {
		return err
	}
	before, err := request.QueryInt(c, "before", 0, 0)
	if err != nil {
		return err
	}
	if before > sh.HeadNumber {
		// Past the newest version it is the first page: one cache entry,
		// not one per number a crawler makes up.
		before = 0
	}
	// Its only per-reader part is the header: kept per reader too.
	return h.sendReaderPage(c, pageHistory, sh, strconv.Itoa(before), func() (any, error) {
		b := h.base(c, sh.Title)
		table, err := h.historyTable(c, b, sh, before)
		if err != nil {
			return nil, err
		}
		return historyPage{Base: b, Sheet: sh, Table: table,
			Tabs: newSheetTabs(b.Lang, sh.Slug, tabHistory, request.User(c) != nil)}, nil
	})
}

// historyTable renders the table of the history page that ends before the
// revision numbered before (0: the newest). It depends on the sheet's
// state, the page and the language only, so it is kept under the sheet's
// cache version: a signed-in reader, who gets no page cache, still costs
// no history query until the sheet changes.
func (h *handler) historyTable(c *fiber.Ctx, b Base, sh *model.Sheet, before int) (template.HTML, error) {
	return h.part(pageKey("history_table", sh, b.Lang, h.build, strconv.Itoa(before)), func() ([]byte, error) {
		ctx := c.UserContext()
		// One extra row gives the size delta of the page's oldest revision.
		page, err := h.read.History(ctx, sh, before, historyPageSize+1)
		if err != nil {
			return nil, err
		}
		revs, authors, states := page.Revisions, page.Authors, page.States
		t := historyTable{Base: b.Bare(), Sheet: sh, First: before == 0}
		if len(revs) > historyPageSize {
			revs = revs[:historyPageSize]
			t.Next = revs[len(revs)-1].Number
		}
		lang, base := b.Lang, "/sheets/"+sh.Slug
		ids := make([]int64, len(revs))
		for i := range revs {
			ids[i] = revs[i].ID
		}
		coauthors, err := h.read.Coauthors(ctx, ids)
		if err != nil {
			return nil, err
		}
		for i := range revs {
			r := &revs[i]
			n := strconv.Itoa(r.Number)
			row := historyRow{
				Number: r.Number, Link: base + "/revisions/" + n,
				FromChecked: i == min(1, len(revs)-1), ToChecked: i == 0,
				FromLabel: i18n.T(lang, "history.from_n", r.Number), ToLabel: i18n.T(lang, "history.to_n", r.Number),
				ISO: b.ISO(r.CreatedAt), When: i18n.DateTime(lang, r.CreatedAt),
				Summary: r.Summary, Minor: r.Minor, Size: i18n.Number(lang, r.Size),
				State: states.Of(r.Number),
			}
			row.StateLabel = i18n.T(lang, "state."+row.State)
			if u := authors[r.AuthorID]; u != nil {
				row.Author = view.PersonOf(u)
			}
			row.Coauthors = withOthers(lang, row.Author.Username, coauthors[r.ID])
			if r.Origin != "edit" {
				row.Origin = i18n.T(lang, "origin."+r.Origin)
			}
			if r.Parent != nil {
				row.DiffLink = base + "/diff?from=" + strconv.Itoa(*r.Parent) + "&to=" + n
				row.UndoLink = base + "/revisions/" + n + "/undo"
			}
			if i+1 < len(page.Revisions) {
				delta := r.Size - page.Revisions[i+1].Size
				row.Delta, row.DeltaClass = strconv.Itoa(delta), "delta-minus"
				if delta >= 0 {
					row.Delta, row.DeltaClass = "+"+row.Delta, "delta-plus"
				}
			}
			t.Rows = append(t.Rows, row)
		}
		return h.views.Fragment(pageHistory, "history_table", t)
	})
}
