package api

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/read"
	"atlas/internal/web/request"
)

// apiBlame is the answer of GET /sheets/{slug}/blame (API.md, "Authorship").
type apiBlame struct {
	Revision int              `json:"revision"`
	Spans    []apiBlameSpan   `json:"spans"`
	Authors  []apiBlameAuthor `json:"authors"`
}

type apiBlameSpan struct {
	Text     string `json:"text"`
	Revision int    `json:"revision"`
	Author   string `json:"author"`
}

type apiBlameAuthor struct {
	Username string `json:"username"`
	Name     string `json:"name"`
	Words    int    `json:"words"`
	First    int    `json:"first"`
	Last     int    `json:"last"`
}

// apiShowBlame answers who wrote what in a revision: the one readers see,
// or ?revision=N. Revisions never change, but names may: the answer is
// kept under the sheet's cache version, like the other reads.
func (h *Handler) apiShowBlame(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sh, err := h.read.SheetBySlug(ctx, c.Params("slug"))
	if err != nil {
		return err
	}
	number, err := request.ReadableRevision(c, sh)
	if err != nil {
		return err
	}
	return h.sendAPIRead(c, sh, "blame|"+strconv.Itoa(number), func() (any, error) {
		b, err := h.blame(c, sh, number)
		if err != nil {
			return nil, err
		}
		return toAPIBlame(b), nil
	})
}

// blame reads a revision's attribution within the request's deadline.
func (h *Handler) blame(c *fiber.Ctx, sh *model.Sheet, number int) (*read.Blame, error) {
	return h.read.Blame(c.UserContext(), sh, number)
}

func toAPIBlame(b *read.Blame) apiBlame {
	out := apiBlame{Revision: b.Revision.Number, Spans: make([]apiBlameSpan, 0, len(b.Passages)),
		Authors: make([]apiBlameAuthor, 0, len(b.Authors))}
	for _, p := range b.Passages {
		span := apiBlameSpan{Text: p.Text, Revision: p.Revision}
		if p.Author != nil {
			span.Author = p.Author.Username
		}
		out.Spans = append(out.Spans, span)
	}
	for _, a := range b.Authors {
		item := apiBlameAuthor{Words: a.Words, First: a.First, Last: a.Last}
		if a.User != nil {
			item.Username, item.Name = a.User.Username, a.User.Name()
		}
		out.Authors = append(out.Authors, item)
	}
	return out
}
