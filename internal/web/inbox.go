package web

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"atlas/internal/model"
	"atlas/internal/web/request"
)

type inboxPage struct {
	Base
	Items []inboxItem
}

type inboxItem struct {
	Text   string
	URL    string
	At     time.Time
	Unread bool
}

func (h *handler) showInboxPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	user := request.User(c)
	list, err := h.read.Inbox(ctx, user.ID, 100)
	if err != nil {
		return err
	}
	p := inboxPage{Base: h.base(c, "")}
	p.Title = p.T("inbox.title")
	for _, n := range list {
		subject, _ := h.notify.Words(p.Lang, n.Notification, n.Sheet, n.Actor)
		item := inboxItem{Text: subject, At: n.CreatedAt, Unread: n.ReadAt == nil}
		if n.Kind == model.NotifySignupPending {
			item.URL = "/admin/users#pending"
		}
		if n.Sheet != nil {
			item.URL = "/sheets/" + n.Sheet.Slug
			switch {
			case n.ReviewID != nil:
				item.URL += fmt.Sprintf("/reviews/%d", *n.ReviewID)
			case n.Kind == model.NotifyImported:
				item.URL += "/history"
			case n.RevisionNumber != nil && *n.RevisionNumber > 1:
				item.URL += fmt.Sprintf("/diff?from=%d&to=%d", *n.RevisionNumber-1, *n.RevisionNumber)
			}
		}
		p.Items = append(p.Items, item)
	}
	return h.views.Render(c, fiber.StatusOK, pageInbox, p)
}

func (h *handler) markInboxRead(c *fiber.Ctx) error {
	if err := h.notify.MarkAllRead(c.UserContext(), request.User(c).ID); err != nil {
		return err
	}
	return redirect(c, "/inbox")
}
