package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/i18n"
	"atlas/internal/model"
	"atlas/internal/web/request"
	"atlas/internal/web/site"
)

type auditRow struct {
	Entry  model.AuditEntry
	Actor  string
	Sheet  string
	Slug   string
	Detail string
}

type auditPage struct {
	Base
	Rows []auditRow
	Next int64
}

const auditPageSize = 100

// showAuditPage lists the audit log, newest first.
func (h *handler) showAuditPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	before, err := request.QueryInt(c, "before", 0, 0)
	if err != nil {
		return err
	}
	entries, err := h.read.AuditPage(ctx, int64(before), auditPageSize+1)
	if err != nil {
		return err
	}
	p := auditPage{Base: h.base(c, "")}
	p.Title = p.T("audit.title")
	if len(entries) > auditPageSize {
		entries = entries[:auditPageSize]
		p.Next = entries[len(entries)-1].ID
	}
	if p.Rows, err = h.auditRows(c, entries); err != nil {
		return err
	}
	return h.views.Render(c, fiber.StatusOK, pageAdminAudit, p)
}

func (h *handler) auditRows(c *fiber.Ctx, entries []model.AuditEntry) ([]auditRow, error) {
	ctx := c.UserContext()
	var ids, sheetIDs []int64
	for _, e := range entries {
		if e.ActorID != nil {
			ids = append(ids, *e.ActorID)
		}
		if e.SheetID != nil {
			sheetIDs = append(sheetIDs, *e.SheetID)
		}
	}
	users, err := h.read.UsersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	sheets, err := h.read.SheetsByIDs(ctx, sheetIDs)
	if err != nil {
		return nil, err
	}
	rows := make([]auditRow, 0, len(entries))
	for _, e := range entries {
		row := auditRow{Entry: e, Detail: auditDetail(e.Details)}
		if e.ActorID != nil && users[*e.ActorID] != nil {
			row.Actor = users[*e.ActorID].Username
		}
		if e.SheetID != nil {
			sh := sheets[*e.SheetID]
			if sh == nil {
				return nil, fmt.Errorf("audit entry %d: sheet %d: %w", e.ID, *e.SheetID, model.ErrNotFound)
			}
			row.Sheet, row.Slug = sh.Title, sh.Slug
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func auditDetail(d model.JSONMap) string {
	parts := make([]string, 0, len(d))
	for _, k := range []string{"choice", "comment", "note", "from", "to", "merged", "approve", "reject", "abstain", "seats", "needed", "members", "user", "role", "disabled", "via", "tokens_ended", "comment_id", "reason"} {
		if v, ok := d[k]; ok && v != "" {
			parts = append(parts, fmt.Sprintf("%s=%v", k, v))
		}
	}
	return strings.Join(parts, " · ")
}

// recordEntry is one line of a review's decision record.
type recordEntry struct {
	At             time.Time `json:"at"`
	Action         string    `json:"action"`
	Actor          string    `json:"actor"`
	Revision       *int      `json:"revision"`
	RevisionSHA256 string    `json:"revision_sha256"`
	Choice         string    `json:"choice,omitempty"`
	Comment        string    `json:"comment,omitempty"`
}

// decisionRecord is who did and voted what, on which revision (by hash),
// when: the board's minutes of one review.
type decisionRecord struct {
	Review  site.APIReview `json:"review"`
	Title   string         `json:"title"`
	Board   []string       `json:"board"`
	Entries []recordEntry  `json:"entries"`
}

func (h *handler) loadRecord(c *fiber.Ctx) (*decisionRecord, error) {
	b, err := h.load.ReviewForPath(c)
	if err != nil {
		return nil, err
	}
	entries, err := h.read.AuditOfReview(c.UserContext(), b.Review.ID)
	if err != nil {
		return nil, err
	}
	rows, err := h.auditRows(c, entries)
	if err != nil {
		return nil, err
	}
	rec := &decisionRecord{Review: site.ToAPIReview(b), Title: b.Sheet.Title, Board: []string{}, Entries: []recordEntry{}}
	for _, u := range b.Board {
		rec.Board = append(rec.Board, u.Username)
	}
	for _, r := range rows {
		e := recordEntry{At: r.Entry.CreatedAt.UTC(), Action: r.Entry.Action, Actor: r.Actor, Revision: r.Entry.RevisionNumber, RevisionSHA256: r.Entry.RevisionSHA256}
		e.Choice, _ = r.Entry.Details["choice"].(string)
		e.Comment, _ = r.Entry.Details["comment"].(string)
		rec.Entries = append(rec.Entries, e)
	}
	return rec, nil
}

func (h *handler) exportRecordJSON(c *fiber.Ctx) error {
	rec, err := h.loadRecord(c)
	if err != nil {
		return err
	}
	return c.JSON(rec)
}

// exportRecordMarkdown writes the decision record as a Markdown document a
// board secretary can paste into minutes.
func (h *handler) exportRecordMarkdown(c *fiber.Ctx) error {
	rec, err := h.loadRecord(c)
	if err != nil {
		return err
	}
	var b strings.Builder
	r := rec.Review
	// The record is written in the atlas's own language, whoever asks.
	lang := i18n.Default
	// Every text a person chose (title, names, comments) is written as
	// plain text: a record pasted into minutes or opened in a Markdown
	// viewer must show "<script>" or "[lien](…)", never run or link it.
	md := markdownText
	board := make([]string, len(rec.Board))
	for i, n := range rec.Board {
		board[i] = md(n)
	}
	b.WriteString(i18n.T(lang, "record.heading", md(rec.Title)))
	b.WriteString(i18n.T(lang, "record.submission", r.ID, r.Revision, md(r.SubmittedBy), r.SubmittedAt.Format(time.RFC3339)))
	b.WriteString(i18n.T(lang, "record.state", md(r.State)))
	if r.DecidedAt != nil {
		b.WriteString(i18n.T(lang, "record.decided_on", r.DecidedAt.Format(time.RFC3339)))
	}
	b.WriteString(i18n.T(lang, "record.board", i18n.N(lang, "review.seats", r.Tally.Seats), r.Tally.Needed, strings.Join(board, ", ")))
	b.WriteString(i18n.T(lang, "record.rule", ruleText(lang, r.Rule)))
	b.WriteString(i18n.T(lang, "record.tally", r.Revision, i18n.T(lang, "review.tally", r.Tally.Approve, r.Tally.Reject, i18n.N(lang, "review.abstentions", r.Tally.Abstain))))
	b.WriteString(i18n.T(lang, "record.table"))
	for _, e := range rec.Entries {
		rev := ""
		if e.Revision != nil {
			rev = fmt.Sprint(*e.Revision)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | `%s` | %s | %s |\n", e.At.Format(time.RFC3339), md(e.Action), md(e.Actor), rev, hexOnly(e.RevisionSHA256), md(e.Choice), md(e.Comment))
	}
	c.Set(fiber.HeaderContentType, "text/markdown; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="releve-%s-%d.md"`, rec.Review.Sheet, r.ID))
	return c.SendString(b.String())
}

// markdownActive are the ASCII characters that can start Markdown or HTML
// inline syntax (tags, entities, links, images, emphasis, code, table
// cells, strikethrough, attributes, math): each is written escaped with a
// backslash, which CommonMark allows before any ASCII punctuation.
const markdownActive = "\\`*_{}[]<>!|~&#$"

// markdownText writes a person's text as inert Markdown on one line: every
// active character escaped, line breaks and runs of spaces made one space
// (a line break could end a table row or start a block).
func markdownText(s string) string {
	var b strings.Builder
	for i, word := range strings.Fields(s) {
		if i > 0 {
			b.WriteByte(' ')
		}
		for _, r := range word {
			if r < 0x80 && strings.ContainsRune(markdownActive, r) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// hexOnly keeps a hash as it should be, hexadecimal digits, so nothing
// else can end up inside the record's code spans.
func hexOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if (r >= '0' && r <= '9') || (r >= 'a' && r <= 'f') || (r >= 'A' && r <= 'F') {
			return r
		}
		return -1
	}, s)
}
