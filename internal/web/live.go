package web

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"

	"atlas/internal/auth"
	"atlas/internal/live"
	"atlas/internal/model"
	"atlas/internal/web/httpx"
)

// liveSocket is a sheet's live co-writing session over a WebSocket (see
// internal/live and docs/LIVE.md). Only a signed-in browser of this site
// that may edit the sheet joins; the right is checked again on every
// write and every few seconds, so a disabled account, a closed session or
// an archived sheet is dropped. A refusal after the upgrade is an error
// frame and a close code (4001 not allowed, 4003 account disabled), which
// a browser's script can read, unlike an HTTP status.
func (h *handler) liveSocket(c *fiber.Ctx) error {
	user := userOf(c)
	if user == nil {
		return httpx.NewError(fiber.StatusUnauthorized, "unauthorized", "error.authentication_required")
	}
	if !websocket.IsWebSocketUpgrade(c) {
		return httpx.NewError(fiber.StatusBadRequest, "upgrade_required", "error.live_upgrade_required")
	}
	if !h.sameOrigin(c) {
		return httpx.NewError(fiber.StatusForbidden, "cross_origin", "error.live_cross_origin")
	}
	sh, err := h.read.SheetBySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	client, err := strconv.ParseInt(c.Query("client"), 10, 64)
	if err != nil || client <= 0 || client > 1<<53 {
		return httpx.NewError(fiber.StatusBadRequest, "bad_client", "error.live_bad_client")
	}
	token, _ := c.Locals(localSessionToken).(string)
	token = strings.Clone(token)
	u, sheetID := *user, sh.ID
	sheetCopy := *sh
	authSvc, st := h.auth, h.read
	authorize := func(ctx context.Context) error {
		_, now, err := authSvc.Session(ctx, token)
		if errors.Is(err, auth.ErrNoSession) || (err == nil && (now == nil || now.ID != u.ID || !now.CanSignIn())) {
			return live.ErrDisabled
		}
		if err != nil {
			return err
		}
		cur, err := st.SheetByID(ctx, sheetID)
		if errors.Is(err, model.ErrNotFound) || (err == nil && !mayEdit(now, cur)) {
			return live.ErrNotAllowed
		}
		return err
	}
	svc := h.live
	return websocket.New(func(conn *websocket.Conn) {
		svc.Serve(conn.Conn, live.Join{Sheet: &sheetCopy, User: &u, Client: client, Authorize: authorize})
	})(c)
}

// mayEdit is the editor's rule: a signed-in, enabled account, and a sheet
// that is not archived.
func mayEdit(u *model.User, sh *model.Sheet) bool {
	return u.CanSignIn() && !sh.Archived()
}

// apiLive tells who is co-writing a sheet and whether the shared text
// differs from its base.
func (h *handler) apiLive(c *fiber.Ctx) error {
	sh, err := h.read.SheetBySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	info, err := h.live.Info(c.UserContext(), sh)
	if err != nil {
		return err
	}
	return c.JSON(info)
}
