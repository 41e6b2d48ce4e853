package web

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/diff"
	"atlas/internal/web/request"
)

// apiMetaChange is a metadata field a comparison shows changed.
type apiMetaChange struct {
	Field string `json:"field"`
	From  any    `json:"from"`
	To    any    `json:"to"`
}

// apiDiff is GET /api/v1/sheets/{slug}/diff: the comparison the diff page
// shows, as JSON. It stays beside the pages because it shares their
// comparison and its kept work (diffSlots, caches.apiDiffs).
func (h *handler) apiDiff(c *fiber.Ctx) error {
	sh, err := h.sheetForPage(c) // found by sheetAddress
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
	// Revisions never change, so the sheet and the two numbers name the
	// answer for ever; it is computed once, in a comparison slot.
	key := "apidiff|" + strconv.FormatInt(sh.ID, 10) + "|" + strconv.Itoa(from) + "|" + strconv.Itoa(to)
	body, err := h.caches.apiDiffs.get(c.UserContext(), key, func() ([]byte, error) {
		cmp, err := h.loadComparison(c, sh, from, to)
		if err != nil {
			return nil, err
		}
		changes := make([]apiMetaChange, 0, len(cmp.Meta))
		for _, m := range cmp.Meta {
			changes = append(changes, apiMetaChange{Field: m.Field, From: m.From, To: m.To})
		}
		sections := cmp.Result.Sections
		if sections == nil {
			sections = []diff.SectionDiff{}
		}
		return c.App().Config().JSONEncoder(fiber.Map{
			"from": cmp.From.Number, "to": cmp.To.Number,
			"stats": cmp.Result.Stats, "title": cmp.TitleOps, "meta": changes, "sections": sections,
			"truncated": cmp.Result.Truncated,
		})
	})
	if err != nil {
		return busyAnswer(c, err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(body)
}
