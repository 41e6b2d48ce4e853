package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/i18n"
	"atlas/internal/model"
	"atlas/internal/read"
	"atlas/internal/web/request"
	"atlas/internal/web/view"
)

// blamePalette is how many colors the page has for authors (classes
// blame-c0 … blame-c7 in atlas.css); past them, colors repeat, and the
// names (in the legend and in each passage) still tell authors apart.
const blamePalette = 8

// blamePage is "Qui a écrit quoi": a revision's text, each passage
// attributed to the revision and the person that introduced it.
type blamePage struct {
	Base
	Sheet    *model.Sheet
	Revision *model.Revision
	Tabs     sheetTabs
	Author   view.Person // of the revision shown
	IsHead   bool
	Prev     int // the revision before, 0 for the first
	Next     int // the one after, 0 for the head
	Words    string
	Passages []blamePassage
	Authors  []blameAuthorRow
}

// blamePassage is one attributed passage, every text prepared here.
type blamePassage struct {
	Text  string
	Class string // the author's color
	Link  string // to the change that introduced it
	// Who is read by screen readers before the passage ("Marie, version
	// 3"); Note is its tooltip and what focus shows (version, date,
	// summary).
	Who, Note string
}

// blameAuthorRow is a line of the legend.
type blameAuthorRow struct {
	Person view.Person
	Class  string
	Words  string // "1 234 mots (56 %)"
	Range  string // "versions 2 à 9"
}

func (h *handler) showBlamePage(c *fiber.Ctx) error {
	sh, err := h.sheetForPage(c)
	if err != nil {
		return err
	}
	n, err := request.ReadableRevision(c, sh)
	if err != nil {
		return err
	}
	return h.maybeCached(c, pageBlame, sh, strconv.Itoa(n), func() (any, error) {
		b, err := h.read.Blame(c.UserContext(), sh, n)
		if err != nil {
			return nil, err
		}
		if err := h.read.Notes(c.UserContext(), b); err != nil {
			return nil, err
		}
		base := h.base(c, i18n.T(request.Lang(c), "blame.title", b.Revision.Title))
		return newBlamePage(base, sh, b, request.User(c) != nil), nil
	})
}

func newBlamePage(base Base, sh *model.Sheet, b *read.Blame, signedIn bool) blamePage {
	lang, rev := base.Lang, b.Revision
	p := blamePage{
		Base: base, Sheet: sh, Revision: rev, IsHead: rev.Number == sh.HeadNumber,
		Tabs:  newSheetTabs(lang, sh.Slug, tabBlame, signedIn),
		Words: i18n.N(lang, "blame.words", b.Words),
	}
	if rev.Number > 1 {
		p.Prev = rev.Number - 1
	}
	if rev.Number < sh.HeadNumber {
		p.Next = rev.Number + 1
	}
	class := map[int64]string{}
	for i, a := range b.Authors {
		cls := "blame-c" + strconv.Itoa(i%blamePalette)
		class[a.AuthorID] = cls
		if a.AuthorID == rev.AuthorID {
			p.Author = view.PersonOf(a.User)
		}
		row := blameAuthorRow{Person: view.PersonOf(a.User), Class: cls,
			Words: i18n.N(lang, "blame.author_words", a.Words, percent(b.Share(a)))}
		if row.Person.Name == "" {
			row.Person.Name = i18n.T(lang, "blame.unknown")
		}
		if a.First == a.Last {
			row.Range = i18n.T(lang, "blame.version", a.First)
		} else {
			row.Range = i18n.T(lang, "blame.versions", a.First, a.Last)
		}
		p.Authors = append(p.Authors, row)
	}
	path := "/sheets/" + sh.Slug
	for _, ps := range b.Passages {
		who := view.PersonOf(ps.Author).Name
		if who == "" {
			who = i18n.T(lang, "blame.unknown")
		}
		note := i18n.T(lang, "blame.note", ps.Revision, i18n.DateTime(lang, ps.CreatedAt), who)
		if ps.Summary != "" {
			note += " — « " + ps.Summary + " »"
		}
		link := path + "/revisions/1"
		if ps.Revision > 1 {
			link = path + "/diff?from=" + strconv.Itoa(ps.Revision-1) + "&to=" + strconv.Itoa(ps.Revision)
		}
		p.Passages = append(p.Passages, blamePassage{
			Text: ps.Text, Class: class[ps.AuthorID], Link: link, Note: note,
			Who: i18n.T(lang, "blame.who", who, ps.Revision),
		})
	}
	return p
}

// percent writes a share as a whole percentage, "< 1" for a few words.
func percent(share float64) string {
	switch v := int(share*100 + 0.5); {
	case v == 0 && share > 0:
		return "< 1"
	default:
		return strconv.Itoa(v)
	}
}
