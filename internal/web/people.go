package web

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/read"
	"atlas/internal/web/httpx"
	"atlas/internal/web/request"
)

// contributionsPage is the size of a page of a person's contributions.
const contributionsPage = 50

// loadContributions reads a person's contributions from ?before= and
// ?limit=; a cursor the atlas did not write is a 400.
func (h *handler) loadContributions(c *fiber.Ctx) (*read.Contributions, error) {
	limit, err := request.QueryInt(c, "limit", contributionsPage, 200)
	if err != nil {
		return nil, err
	}
	out, err := h.read.Contributions(c.UserContext(), c.Params("username"), c.Query("before"), limit)
	if errors.Is(err, read.ErrBadCursor) {
		return nil, httpx.NewError(fiber.StatusBadRequest, "bad_request", "error.before_cursor")
	}
	return out, err
}

// apiContributions answers GET /api/v1/users/{username}/contributions.
func (h *handler) apiContributions(c *fiber.Ctx) error {
	out, err := h.loadContributions(c)
	if err != nil {
		return err
	}
	var next any
	if out.Next != "" {
		next = out.Next
	}
	return c.JSON(fiber.Map{"username": out.Person.Username, "name": out.Person.Name(), "contributions": out.Items, "next": next})
}

// contribItem is one line of a person's page, with its label in the
// reader's language.
type contribItem struct {
	read.Contribution
	Label string
}

type personPage struct {
	Base
	Name     string
	Username string
	Items    []contribItem
	Next     string
}

// showPersonPage shows /people/{username}: what that person did, newest
// first.
func (h *handler) showPersonPage(c *fiber.Ctx) error {
	out, err := h.loadContributions(c)
	if err != nil {
		return err
	}
	p := personPage{Base: h.base(c, ""), Name: out.Person.Name(), Username: out.Person.Username, Next: out.Next}
	p.Title = p.T("people.title", p.Name)
	p.Items = make([]contribItem, len(out.Items))
	for i, it := range out.Items {
		p.Items[i] = contribItem{Contribution: it}
		switch it.Kind {
		case "revision":
			p.Items[i].Label = p.T("people.kind.revision", *it.Revision)
		case "submission":
			p.Items[i].Label = p.T("people.kind.submission", *it.Revision, p.T("review.state."+it.State))
		case "vote":
			p.Items[i].Label = p.T("people.kind.vote", p.T("vote."+it.Choice), *it.Revision)
		default:
			p.Items[i].Label = p.T("people.kind.comment")
		}
	}
	return h.views.Render(c, fiber.StatusOK, pagePerson, p)
}
