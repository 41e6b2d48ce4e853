package web

import (
	"github.com/gofiber/fiber/v2"

	"atlas/internal/web/request"
	"atlas/internal/web/view"
)

// setWatch follows or stops following the sheet named in the path, for
// the signed-in account. Following twice, or stopping twice, is harmless.
//
// Follows are not in the audit log, on purpose: the log records what
// changes the atlas for others or who may do what (decisions, boards,
// roles, accounts, passwords, moderation, sheets' renames and archives),
// each with who and why. A follow changes only the follower's own inbox,
// like reading one's notifications or making an API token, neither
// audited; logging it would hand admins a list of what each reader follows
// and account for nothing.
func (h *handler) setWatch(c *fiber.Ctx, on bool) (string, error) {
	sh, err := h.read.SheetBySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return "", err
	}
	return sh.Slug, h.notify.SetWatch(c.UserContext(), request.User(c).ID, sh.ID, on)
}

func (h *handler) watchSheet(c *fiber.Ctx) error {
	slug, err := h.setWatch(c, true)
	if err != nil {
		return err
	}
	h.flash(c, "success", "watching")
	return redirect(c, "/sheets/"+slug)
}

func (h *handler) unwatchSheet(c *fiber.Ctx) error {
	slug, err := h.setWatch(c, false)
	if err != nil {
		return err
	}
	h.flash(c, "success", "unwatched")
	return redirect(c, "/sheets/"+slug)
}

// apiWatch answers PUT /api/v1/sheets/{slug}/watch.
func (h *handler) apiWatch(c *fiber.Ctx) error {
	slug, err := h.setWatch(c, true)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"sheet": slug, "watching": true})
}

// apiUnwatch answers DELETE /api/v1/sheets/{slug}/watch.
func (h *handler) apiUnwatch(c *fiber.Ctx) error {
	slug, err := h.setWatch(c, false)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"sheet": slug, "watching": false})
}

// maxUnread bounds the header's count (see view.Base.UnreadBadge).
const maxUnread = view.MaxUnread

// unreadOf counts the signed-in reader's unread notifications for the
// header, once per request; anonymous readers cost nothing. A failure is
// logged and shows no count: the page matters more than its badge.
func (h *handler) unreadOf(c *fiber.Ctx) int {
	user := request.User(c)
	if user == nil {
		return 0
	}
	if n, ok := c.Locals(unreadKey{}).(int); ok {
		return n
	}
	n, err := h.read.UnreadCount(c.UserContext(), user.ID, maxUnread)
	if err != nil {
		h.log.Warn("unread count", "error", err.Error())
		n = 0
	}
	c.Locals(unreadKey{}, n)
	return n
}

type unreadKey struct{}
