package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/i18n"
	"atlas/internal/model"
	"atlas/internal/read"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
	"atlas/internal/web/site"
)

// maxMinutesDays bounds the period one set of minutes covers.
const maxMinutesDays = 366

// minutesPeriod reads ?from=YYYY-MM-DD&to=YYYY-MM-DD, both days included;
// it returns the period's start and its exclusive end (the day after to).
func minutesPeriod(c *fiber.Ctx) (time.Time, time.Time, error) {
	bad := httpx.NewError(fiber.StatusUnprocessableEntity, "invalid_period", "error.invalid_period", maxMinutesDays)
	from, err := time.Parse(time.DateOnly, c.Query("from"))
	if err != nil {
		return time.Time{}, time.Time{}, bad
	}
	to, err := time.Parse(time.DateOnly, c.Query("to"))
	if err != nil || to.Before(from) || to.Sub(from) > maxMinutesDays*24*time.Hour {
		return time.Time{}, time.Time{}, bad
	}
	return from, to.AddDate(0, 0, 1), nil
}

// minutesItem is one decision of the minutes, as every format shows it.
type minutesItem struct {
	Review   site.APIReview `json:"review"`
	SHA256   string         `json:"revision_sha256"`
	RuleText string         `json:"-"`
	// When is when the review closed, as minutes show it; WhenISO is the
	// same instant for a <time datetime>.
	When, WhenISO string `json:"-"`
}

func newMinutesItem(lang string, b *read.Review, hash string) minutesItem {
	it := minutesItem{Review: site.ToAPIReview(b), SHA256: hexOnly(hash), RuleText: ruleText(lang, b.Rule), When: minutesTime(b.Review.DecidedAt)}
	if b.Review.DecidedAt != nil {
		it.WhenISO = b.Review.DecidedAt.UTC().Format(time.RFC3339)
	}
	return it
}

type minutesDoc struct {
	Sheet     string        `json:"sheet"`
	Title     string        `json:"title"`
	From      string        `json:"from"`
	To        string        `json:"to"`
	Decisions []minutesItem `json:"decisions"`
	// Undecided are the reviews withdrawn or expired in the period, listed
	// apart: they are no decisions of the board.
	Undecided []minutesItem `json:"closed_without_decision"`
}

// minutesTime is how minutes show when something was decided or closed:
// ISO 8601 in UTC, the clock the period's days are counted in (a local
// date could put a decision of 31 January on 1 February).
func minutesTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func (h *handler) loadMinutes(c *fiber.Ctx, lang string) (*minutesDoc, error) {
	from, to, err := minutesPeriod(c)
	if err != nil {
		return nil, err
	}
	ctx := c.UserContext()
	sh, err := h.read.SheetBySlug(ctx, c.Params("slug"))
	if err != nil {
		return nil, err
	}
	m, err := h.read.Minutes(ctx, sh, from, to)
	if err != nil {
		return nil, err
	}
	doc := &minutesDoc{Sheet: sh.Slug, Title: sh.Title, From: from.Format(time.DateOnly),
		To: to.AddDate(0, 0, -1).Format(time.DateOnly), Decisions: make([]minutesItem, 0, len(m.Decisions)),
		Undecided: make([]minutesItem, 0, len(m.Undecided))}
	for _, b := range m.Decisions {
		doc.Decisions = append(doc.Decisions, newMinutesItem(lang, b, m.Hashes[b.Review.ID]))
	}
	for _, b := range m.Undecided {
		doc.Undecided = append(doc.Undecided, newMinutesItem(lang, b, m.Hashes[b.Review.ID]))
	}
	return doc, nil
}

// apiBoardMinutes is GET /api/v1/sheets/{slug}/board/minutes?from=&to=.
func (h *handler) apiBoardMinutes(c *fiber.Ctx) error {
	doc, err := h.loadMinutes(c, i18n.Default)
	if err != nil {
		return err
	}
	return c.JSON(doc)
}

// exportMinutesMarkdown writes the minutes (procès-verbal) of a period as
// Markdown, every text a person chose made inert as in a decision record.
func (h *handler) exportMinutesMarkdown(c *fiber.Ctx) error {
	lang := i18n.Default
	doc, err := h.loadMinutes(c, lang)
	if err != nil {
		return err
	}
	md := markdownText
	var b strings.Builder
	b.WriteString(i18n.T(lang, "minutes.heading", md(doc.Title)))
	b.WriteString(i18n.T(lang, "minutes.period", doc.From, doc.To))
	if len(doc.Decisions) == 0 {
		b.WriteString(i18n.T(lang, "minutes.none"))
	}
	for _, d := range doc.Decisions {
		r := d.Review
		b.WriteString(i18n.T(lang, "minutes.review", r.ID, r.Revision))
		b.WriteString(i18n.T(lang, "minutes.version", r.Revision, d.SHA256))
		b.WriteString(i18n.T(lang, "record.rule", md(d.RuleText)))
		b.WriteString(i18n.T(lang, "record.tally", r.Revision, i18n.T(lang, "review.tally", r.Tally.Approve, r.Tally.Reject, i18n.N(lang, "review.abstentions", r.Tally.Abstain))))
		b.WriteString(i18n.T(lang, "minutes.outcome", md(i18n.T(lang, "review.state."+r.State)), d.When))
		b.WriteString(i18n.T(lang, "minutes.table"))
		for _, v := range r.Votes {
			counted := i18n.T(lang, "minutes.not_counted")
			if v.Counted {
				counted = i18n.T(lang, "minutes.counted")
			}
			fmt.Fprintf(&b, "| %s | %s | %d | %s | %s |\n", md(v.Voter), md(i18n.T(lang, "vote."+v.Choice)), v.Revision, counted, md(v.Comment))
		}
		b.WriteString("\n")
	}
	if len(doc.Undecided) > 0 {
		b.WriteString(i18n.T(lang, "minutes.undecided"))
		for _, d := range doc.Undecided {
			r := d.Review
			b.WriteString(i18n.T(lang, "minutes.undecided_item", r.ID, r.Revision, md(i18n.T(lang, "review.state."+r.State)), d.When))
		}
	}
	c.Set(fiber.HeaderContentType, "text/markdown; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="pv-%s-%s-%s.md"`, doc.Sheet, doc.From, doc.To))
	return c.SendString(b.String())
}

type minutesPage struct {
	Base
	Doc *minutesDoc
}

// showMinutesPage is the minutes as a page made to be printed (or saved
// as PDF by the browser): the print style sheet drops the site's frame.
func (h *handler) showMinutesPage(c *fiber.Ctx) error {
	doc, err := h.loadMinutes(c, request.Lang(c))
	if err != nil {
		return err
	}
	return h.views.Render(c, fiber.StatusOK, pageBoardMinutes, minutesPage{Base: h.base(c, doc.Title), Doc: doc})
}

type meetingsPage struct {
	Base
	Sheet    *model.Sheet
	Agenda   []agendaItem
	Tabs     sheetTabs
	From, To string
}

type agendaItem struct {
	Review      *model.Review
	SubmittedBy string
	Title       string
	RuleText    string
	Tally       string
}

// showMeetingsPage is the board's agenda (what awaits it, oldest first,
// printable) and the form asking for the minutes of a period.
func (h *handler) showMeetingsPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sh, err := h.read.SheetBySlug(ctx, c.Params("slug"))
	if err != nil {
		return err
	}
	agenda, err := h.read.Agenda(ctx, sh)
	if err != nil {
		return err
	}
	lang := request.Lang(c)
	now := time.Now().UTC()
	p := meetingsPage{Base: h.base(c, sh.Title), Sheet: sh, Tabs: newSheetTabs(lang, sh.Slug, tabReviews, request.User(c) != nil),
		From: now.AddDate(0, -1, 0).Format(time.DateOnly), To: now.Format(time.DateOnly)}
	for _, b := range agenda {
		p.Agenda = append(p.Agenda, agendaItem{Review: b.Review, SubmittedBy: b.DisplayName(b.Review.SubmittedBy), RuleText: ruleText(lang, b.Rule),
			Tally: i18n.T(lang, "review.tally", b.Tally.Approve, b.Tally.Reject, i18n.N(lang, "review.abstentions", b.Tally.Abstain))})
	}
	return h.views.Render(c, fiber.StatusOK, pageBoardMeetings, p)
}
