package web

import (
	"cmp"
	"encoding/xml"
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/i18n"
	"atlas/internal/model"
	"atlas/internal/read"
	"atlas/internal/sheet"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
)

// changeItem is one line of recent changes (read.Change), with its label
// in the reader's language.
type changeItem struct {
	read.Change
	Label string `json:"-"`
}

type changesQuery struct {
	Sheet     string
	Category  string
	User      string
	HideMinor bool
}

// loadChanges reads the filters and one page of changes; limit 0 takes it
// from ?limit=. The cursor is the time of the last change shown, in Unix
// nanoseconds.
func (h *handler) loadChanges(c *fiber.Ctx, fixedSheet *model.Sheet, limit int) ([]changeItem, changesQuery, string, error) {
	q := changesQuery{Sheet: c.Query("sheet"), Category: c.Query("category"), User: c.Query("user"), HideMinor: c.Query("hide_minor") != ""}
	if limit == 0 {
		var err error
		if limit, err = request.QueryInt(c, "limit", 50, 200); err != nil {
			return nil, q, "", err
		}
	}
	// Readers type a name or a title; programs pass a username or a slug,
	// which resolve to themselves.
	username, err := h.resolveFilter(c, "user", q.User)
	if err != nil {
		return nil, q, "", err
	}
	slug := ""
	if fixedSheet == nil {
		if slug, err = h.resolveFilter(c, "sheet", q.Sheet); err != nil {
			return nil, q, "", err
		}
	}
	rq := read.ChangesQuery{Sheet: fixedSheet, SheetSlug: slug, Username: username, HideMinor: q.HideMinor, Limit: limit}
	if raw := c.Query("before"); raw != "" {
		ns, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || ns <= 0 {
			return nil, q, "", httpx.NewError(fiber.StatusBadRequest, "bad_request", "error.before_cursor")
		}
		rq.Before = time.Unix(0, ns).UTC()
	}
	if q.Category != "" {
		if _, ok := sheet.CategoryBySlug(q.Category); !ok {
			return nil, q, "", httpx.NewError(fiber.StatusBadRequest, "unknown_category", "error.unknown_category")
		}
		rq.Category = q.Category
	}
	changes, next, err := h.read.Changes(c.UserContext(), rq)
	if err != nil {
		return nil, q, "", err
	}
	lang := request.Lang(c)
	items := make([]changeItem, len(changes))
	for i, ch := range changes {
		items[i] = changeItem{Change: ch}
		if ch.Type == "revision" {
			items[i].Label = i18n.T(lang, "changes.revision", *ch.Revision)
		} else {
			items[i].Label = i18n.T(lang, "audit.action."+ch.Action)
		}
	}
	return items, q, next, nil
}

func (h *handler) apiChanges(c *fiber.Ctx) error {
	items, _, next, err := h.loadChanges(c, nil, 0)
	if err != nil {
		return unambiguous(err)
	}
	var cursor any
	if next != "" {
		cursor = next
	}
	return c.JSON(fiber.Map{"changes": items, "next": cursor})
}

type changesPage struct {
	Base
	Items      []changeItem
	Query      changesQuery
	Next       string
	Categories []categoryOption
	// Choices lists the people or sheets a filter may mean when it names
	// several (ChoicesOf says which filter); nothing is listed then.
	Choices   []filterChoice
	ChoicesOf string
}

func (h *handler) showChangesPage(c *fiber.Ctx) error {
	items, q, next, err := h.loadChanges(c, nil, 0)
	var amb *ambiguousError
	if errors.As(err, &amb) {
		err = nil
	}
	if err != nil {
		return err
	}
	p := changesPage{Base: h.base(c, ""), Items: items, Query: q, Next: next}
	if amb != nil {
		p.Choices, p.ChoicesOf = choicesOf(c, amb), amb.field
	}
	p.Title = p.T("changes.title")
	p.Categories = h.categoryOptions(p.Lang, []string{q.Category})
	return h.views.Render(c, fiber.StatusOK, pageChanges, p)
}

// Atom 1.0, the few elements feed readers need.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Link    []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
}

type atomEntry struct {
	Title   string     `xml:"title"`
	ID      string     `xml:"id"`
	Updated string     `xml:"updated"`
	Link    atomLink   `xml:"link"`
	Author  atomAuthor `xml:"author"`
	// Contributors are the authors of the revision's text by their share
	// of its words, as the licence asks.
	Contributors []atomAuthor `xml:"contributor"`
	Summary      string       `xml:"summary"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

func (h *handler) atomFeed(c *fiber.Ctx) error {
	return h.sendFeed(c, nil)
}

func (h *handler) sheetAtomFeed(c *fiber.Ctx) error {
	sh, err := h.read.SheetBySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	return h.sendFeed(c, sh)
}

func (h *handler) sendFeed(c *fiber.Ctx, sh *model.Sheet) error {
	items, _, _, err := h.loadChanges(c, sh, 0)
	if err != nil {
		return unambiguous(err)
	}
	ids, err := h.feedIDs(c)
	if err != nil {
		return err
	}
	base := h.client.BaseURLOf(c)
	lang := request.Lang(c)
	feed := atomFeed{Title: i18n.T(lang, "changes.feed_title"), ID: ids.atlas(), Updated: time.Now().UTC().Format(time.RFC3339),
		Link: []atomLink{{Href: base + c.OriginalURL(), Rel: "self"}, {Href: base + "/changes"}}}
	if sh != nil {
		feed.Title, feed.ID = i18n.T(lang, "changes.sheet_feed_title", sh.Title), ids.sheet(sh.ID)
	}
	if len(items) > 0 {
		feed.Updated = items[0].At.Format(time.RFC3339)
	}
	contributors, err := h.feedContributors(c, items)
	if err != nil {
		return err
	}
	for i, it := range items {
		title := it.Title + " — " + it.Label
		feed.Entries = append(feed.Entries, atomEntry{Title: title, ID: ids.entry(it), Updated: it.At.Format(time.RFC3339),
			Link: atomLink{Href: base + it.URL}, Author: atomAuthor{Name: cmp.Or(it.Author, i18n.T(lang, "changes.board"))},
			Contributors: contributors[i], Summary: it.Summary})
	}
	out, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/atom+xml; charset=utf-8")
	return c.Send(append([]byte(xml.Header), out...))
}

// feedContributors are, for each revision among items, the authors of its
// text by share of words (handler.credits), named in one lookup.
func (h *handler) feedContributors(c *fiber.Ctx, items []changeItem) ([][]atomAuthor, error) {
	ctx := c.UserContext()
	lists := make([][]int64, len(items))
	var all []int64
	for i, it := range items {
		if it.Type != "revision" || it.Revision == nil {
			continue
		}
		ids, err := h.credits(ctx, it.SheetID, *it.Revision)
		if err != nil {
			return nil, err
		}
		lists[i], all = ids, append(all, ids...)
	}
	users, err := h.read.UsersByIDs(ctx, all)
	if err != nil {
		return nil, err
	}
	out := make([][]atomAuthor, len(items))
	for i, ids := range lists {
		for _, id := range ids {
			if u := users[id]; u != nil {
				out[i] = append(out[i], atomAuthor{Name: u.Name()})
			}
		}
	}
	return out, nil
}
